package sqlgen

import (
	"strconv"
	"strings"
)

// A program is a statement under construction: stages of named
// expressions, each reading the source row's columns (stage 0 only) or
// the names of earlier stages, then the output columns.
type program struct {
	d      Dialect
	source string // the table, unquoted
	stages []stage
	outs   []named
}

type named struct{ name, expr string }

type stage []named

// chunk is the most terms a stage adds to one running sum: DuckDB refuses
// expressions nested more than 1000 deep, and a+b+c+... nests one level
// per term.
const chunk = 200

// add appends a stage.
func (p *program) add(s stage) {
	if len(s) > 0 {
		p.stages = append(p.stages, s)
	}
}

// col refers to a column of the source row, in stage 0.
func (p *program) col(name string) string {
	if p.d == ClickHouse {
		return p.d.Ident(name)
	}
	return "s." + p.d.Ident(name)
}

// sums computes, for each i, init[i] + (terms[i][0] + terms[i][1] + ...)
// added left to right, as the Go kernels add (inner: the terms are summed
// first and init added to their sum; else init is the first addend), in
// as many stages as the longest list needs, and returns the names of the
// results (prefix + i). An empty init means no addend before the terms.
func (p *program) sums(prefix string, init []string, terms [][]string, inner bool) []string {
	n := len(terms)
	names := make([]string, n)
	for i := range names {
		names[i] = prefix + strconv.Itoa(i)
	}
	longest := 0
	for _, t := range terms {
		longest = max(longest, len(t))
	}
	acc := make([]string, n) // the running sum's name so far, "" before the first stage
	for lo := 0; lo < longest || lo == 0; lo += chunk {
		last := lo+chunk >= longest
		var s stage
		for i := range terms {
			t := terms[i]
			if lo >= len(t) && !(lo == 0 && len(t) == 0) {
				continue
			}
			var parts []string
			if acc[i] != "" {
				parts = append(parts, acc[i])
			} else if !inner && init[i] != "" {
				parts = append(parts, init[i])
			}
			parts = append(parts, t[lo:min(lo+chunk, len(t))]...)
			expr := strings.Join(parts, " + ")
			if expr == "" {
				expr = p.d.Float(0)
			}
			done := lo+chunk >= len(t)
			if done && inner && init[i] != "" {
				expr = init[i] + " + (" + expr + ")"
			}
			name := names[i]
			if !done || !last {
				name = prefix + "p" + strconv.Itoa(lo/chunk) + "_" + strconv.Itoa(i)
			}
			s = append(s, named{name, expr})
			acc[i] = name
		}
		p.add(s)
	}
	// A sum that ended in an earlier stage than the longest is renamed
	// by a pass-through in the last stage.
	var fix stage
	for i := range names {
		if acc[i] != names[i] {
			fix = append(fix, named{names[i], acc[i]})
		}
	}
	if len(fix) > 0 {
		p.add(fix)
	}
	return names
}

// greatest is the largest of xs, the first of equal ones (nested
// two-argument calls: ClickHouse 18.16's greatest takes two).
func (p *program) greatest(xs []string) string {
	g := xs[0]
	for _, x := range xs[1:] {
		g = "greatest(" + g + ", " + x + ")"
	}
	return g
}

// least is the smallest of xs.
func (p *program) least(xs []string) string {
	g := xs[0]
	for _, x := range xs[1:] {
		g = "least(" + g + ", " + x + ")"
	}
	return g
}

// sigmoid is the logistic function of the column z, written as the Go
// kernel computes it: e = exp(-|z|), 1/(1+e) for z >= 0, e/(1+e) else.
func (p *program) sigmoid(z string) string {
	d := p.d
	e := d.exp("-abs(" + z + ")")
	return "CASE WHEN " + z + " >= " + d.Float(0) + " THEN " + d.Float(1) + " / (" + d.Float(1) + " + " + e + ") ELSE " +
		e + " / (" + d.Float(1) + " + " + e + ") END"
}

// tanh is the hyperbolic tangent of the column z through exp:
// sign(z)·(1-e)/(1+e) with e = exp(-2|z|).
func (p *program) tanh(z string) string {
	d := p.d
	e := d.exp(d.Float(-2) + " * abs(" + z + ")")
	t := "(" + d.Float(1) + " - " + e + ") / (" + d.Float(1) + " + " + e + ")"
	return "CASE WHEN " + z + " < " + d.Float(0) + " THEN -(" + t + ") ELSE " + t + " END"
}

// softmax adds the stages that turn the logits zs into probabilities as
// the Go kernel does (m the largest, e_c = exp(z_c - m), p_c = e_c · (1/Σe))
// and returns the probabilities' names.
func (p *program) softmax(zs []string) []string {
	d := p.d
	p.add(stage{{"ds__m", p.greatest(zs)}})
	var es stage
	names := make([]string, len(zs))
	for c, z := range zs {
		names[c] = "ds__e" + strconv.Itoa(c)
		es = append(es, named{names[c], d.exp(z + " - ds__m")})
	}
	p.add(es)
	s := p.sums("ds__s", []string{""}, [][]string{names}, false)[0]
	var ps stage
	probs := make([]string, len(zs))
	for c := range zs {
		probs[c] = "ds__prob" + strconv.Itoa(c)
		ps = append(ps, named{probs[c], names[c] + " * (" + d.Float(1) + " / " + s + ")"})
	}
	p.add(ps)
	return probs
}

// text renders the statement.
func (p *program) text() string {
	d := p.d
	src := d.Table(p.source)
	var b strings.Builder
	if d == ClickHouse {
		// Every stage's names are aliases defined inside the first
		// output's expression (a tuple whose last element is the
		// output), so SELECT * with the outputs is the result.
		b.WriteString("SELECT *")
		for i, o := range p.outs {
			expr := o.expr
			if i == 0 {
				var defs []string
				for _, s := range p.stages {
					for _, nm := range s {
						defs = append(defs, "\n    ("+nm.expr+") AS "+nm.name)
					}
				}
				if len(defs) > 0 {
					expr = "tupleElement(tuple(" + strings.Join(defs, ",") + ",\n    " + expr + "), " + strconv.Itoa(len(defs)+1) + ")"
				}
			}
			b.WriteString(",\n  " + expr + " AS " + d.Ident(o.name))
		}
		b.WriteString("\nFROM " + src)
		return b.String()
	}
	b.WriteString("WITH")
	for i, s := range p.stages {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\nds__l" + strconv.Itoa(i) + " AS (\n  SELECT ")
		if i == 0 {
			b.WriteString("s AS ds__row")
		} else {
			b.WriteString("*")
		}
		for _, nm := range s {
			b.WriteString(",\n    " + nm.expr + " AS " + nm.name)
		}
		if i == 0 {
			b.WriteString("\n  FROM " + src + " AS s\n)")
		} else {
			b.WriteString("\n  FROM ds__l" + strconv.Itoa(i-1) + "\n)")
		}
	}
	b.WriteString("\nSELECT ")
	if d == Postgres {
		b.WriteString("(ds__row).*")
	} else {
		b.WriteString("ds__row.*")
	}
	for _, o := range p.outs {
		b.WriteString(",\n  " + o.expr + " AS " + d.Ident(o.name))
	}
	b.WriteString("\nFROM ds__l" + strconv.Itoa(len(p.stages)-1) + "\n")
	return b.String()
}
