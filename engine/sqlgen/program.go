package sqlgen

import (
	"strconv"
	"strings"
)

// A program is a statement under construction: stages of named
// expressions, stage 0 reading the source row's columns and every later
// stage the names of earlier ones, then the output columns.
type program struct {
	d      Dialect
	source string // the table, unquoted
	stages []stage
	outs   []named
	// scored is the condition under which a row has a score, as predict
	// decides (a probability that is not NaN, a finite prediction or
	// distance); every output is NULL where it is false. NaN and ±Inf
	// values of the data reach it through the arithmetic, as in predict.
	scored string
	// flat programs are rendered as expressions over the table's own
	// columns (see flat.go): a column is its quoted name.
	flat bool
}

type named struct{ name, expr string }

type stage []named

// srcAlias is the source table's alias in the duckdb and postgres
// dialects, and rowAlias the name of the source row carried through the
// stages as one composite value.
const (
	srcAlias = "ds__src"
	rowAlias = "ds__row"
)

// chunk is the most terms a stage adds to one running sum: DuckDB refuses
// expressions nested more than 1000 deep, and a+b+c+... nests one level
// per term.
const chunk = 200

func newProgram(d Dialect, source string) *program {
	if source == "" {
		source = Placeholder
	}
	return &program{d: d, source: source}
}

// add appends a stage.
func (p *program) add(s stage) {
	if len(s) > 0 {
		p.stages = append(p.stages, s)
	}
}

// col refers to a column of the source row, in stage 0.
func (p *program) col(name string) string {
	if p.d == ClickHouse || p.flat {
		return p.d.Ident(name)
	}
	return srcAlias + "." + p.d.Ident(name)
}

// sums computes, for each i, init[i] + terms[i][0] + terms[i][1] + ...
// added left to right as the Go kernels add (inner: the terms are summed
// first and init added to their sum, init + (t0 + t1 + ...)), in as many
// stages as the longest list needs, and returns the names of the results
// (prefix + i). An empty init[i] (or a nil init) means no addend before
// the terms; an empty list of terms with no init is 0.
func (p *program) sums(prefix string, init []string, terms [][]string, inner bool) []string {
	n := len(terms)
	if init == nil {
		init = make([]string, n)
	}
	names := make([]string, n)
	for i := range names {
		names[i] = prefix + strconv.Itoa(i)
	}
	longest := 0
	for _, t := range terms {
		longest = max(longest, len(t))
	}
	acc := make([]string, n) // the running sum's name so far, "" before the first stage
	for lo := 0; lo == 0 || lo < longest; lo += chunk {
		last := lo+chunk >= longest
		var s stage
		for i, t := range terms {
			if lo > 0 && lo >= len(t) {
				continue // done in an earlier stage
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
	// A sum that ended in an earlier stage than the longest takes its
	// name in a last stage.
	var rename stage
	for i := range names {
		if acc[i] != names[i] {
			rename = append(rename, named{names[i], acc[i]})
		}
	}
	p.add(rename)
	return names
}

// exps adds the stage of e_i = exp(x_i) for each expression x_i (each
// at most 0, or NaN) and returns the names prefix + i.
func (p *program) exps(prefix string, xs []string) []string {
	names := make([]string, len(xs))
	var s stage
	for i, x := range xs {
		names[i] = prefix + strconv.Itoa(i)
		s = append(s, named{names[i], p.d.exp(x)})
	}
	p.add(s)
	return names
}

// sigmoid adds the stages of the logistic function of the columns zs,
// computed as the Go kernel does (e = exp(-|z|), then 1/(1+e) for z >= 0
// and e/(1+e) else), and returns the names prefix + i.
func (p *program) sigmoid(prefix string, zs []string) []string {
	d := p.d
	xs := make([]string, len(zs))
	for i, z := range zs {
		xs[i] = "-abs(" + z + ")"
	}
	es := p.exps(prefix+"e", xs)
	names := make([]string, len(zs))
	var s stage
	for i, z := range zs {
		names[i] = prefix + strconv.Itoa(i)
		s = append(s, named{names[i], "CASE WHEN " + z + " >= " + d.Float(0) + " THEN " + d.Float(1) + " ELSE " + es[i] + " END / (" +
			d.Float(1) + " + " + es[i] + ")"})
	}
	p.add(s)
	return names
}

// tanh adds the stages of the hyperbolic tangent of the columns zs
// through exp, sign(z)·(1-e)/(1+e) with e = exp(-2|z|), and returns the
// names prefix + i.
func (p *program) tanh(prefix string, zs []string) []string {
	d := p.d
	xs := make([]string, len(zs))
	for i, z := range zs {
		xs[i] = d.Float(-2) + " * abs(" + z + ")"
	}
	es := p.exps(prefix+"e", xs)
	names := make([]string, len(zs))
	var s stage
	for i, z := range zs {
		names[i] = prefix + strconv.Itoa(i)
		t := "(" + d.Float(1) + " - " + es[i] + ") / (" + d.Float(1) + " + " + es[i] + ")"
		s = append(s, named{names[i], "CASE WHEN " + z + " < " + d.Float(0) + " THEN -" + t + " ELSE " + t + " END"})
	}
	p.add(s)
	return names
}

// relu adds the stage of max(z, 0) of the columns zs (NaN stays NaN, -0
// becomes 0, as the Go kernel computes it) and returns the names prefix
// + i.
func (p *program) relu(prefix string, zs []string) []string {
	d := p.d
	names := make([]string, len(zs))
	var s stage
	for i, z := range zs {
		names[i] = prefix + strconv.Itoa(i)
		s = append(s, named{names[i], "CASE WHEN " + z + " <= " + d.Float(0) + " THEN " + d.Float(0) + " ELSE " + z + " END"})
	}
	p.add(s)
	return names
}

// softmax adds the stages that turn the logits zs into probabilities as
// the Go kernel does (m the largest, e_c = exp(z_c - m), p_c = e_c · (1/Σe))
// and returns the probabilities' names. A NaN logit, or an infinite one
// (z - m is then NaN), makes every probability NaN, as in Go.
func (p *program) softmax(zs []string) []string {
	d := p.d
	p.add(stage{{"ds__m", d.greatest(zs)}})
	xs := make([]string, len(zs))
	for c, z := range zs {
		xs[c] = z + " - ds__m"
	}
	es := p.exps("ds__e", xs)
	s := p.sums("ds__s", nil, [][]string{es}, false)[0]
	var ps stage
	probs := make([]string, len(zs))
	for c := range zs {
		probs[c] = "ds__prob" + strconv.Itoa(c)
		ps = append(ps, named{probs[c], es[c] + " * (" + d.Float(1) + " / " + s + ")"})
	}
	p.add(ps)
	return probs
}

// output appends an output column, NULL where the row has no score (see
// scored).
func (p *program) output(name, expr string) {
	if p.scored != "" {
		expr = "CASE WHEN " + p.scored + " THEN " + expr + " END"
	}
	p.outs = append(p.outs, named{name, expr})
}

// text renders the statement.
func (p *program) text() string {
	d := p.d
	src := d.Table(p.source)
	var b strings.Builder
	if d == ClickHouse {
		// Every stage's names are aliases defined inside the first
		// output's expression (a tuple whose last element is the
		// output), so that SELECT * and the outputs are the result: the
		// aliases are visible to the whole SELECT, and ClickHouse 18.16
		// has no common table expressions.
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
		b.WriteString("\nFROM " + src + "\n")
		return b.String()
	}
	// The source row travels through the stages as one composite value
	// (a STRUCT in DuckDB, the table's row type in PostgreSQL), so the
	// result's columns are exactly the source's and the outputs.
	b.WriteString("WITH")
	for i, s := range p.stages {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\nds__l" + strconv.Itoa(i) + " AS (\n  SELECT ")
		if i == 0 {
			b.WriteString(srcAlias + " AS " + rowAlias)
		} else {
			b.WriteString("*")
		}
		for _, nm := range s {
			b.WriteString(",\n    " + nm.expr + " AS " + nm.name)
		}
		if i == 0 {
			b.WriteString("\n  FROM " + src + " AS " + srcAlias + "\n)")
		} else {
			b.WriteString("\n  FROM ds__l" + strconv.Itoa(i-1) + "\n)")
		}
	}
	b.WriteString("\nSELECT ")
	if d == Postgres {
		b.WriteString("(" + rowAlias + ").*")
	} else {
		b.WriteString(rowAlias + ".*")
	}
	for _, o := range p.outs {
		b.WriteString(",\n  " + o.expr + " AS " + d.Ident(o.name))
	}
	b.WriteString("\nFROM ds__l" + strconv.Itoa(len(p.stages)-1) + "\n")
	return b.String()
}
