package sqlgen

import (
	"strconv"
	"strings"
)

// A program is a statement of the duckdb or postgres dialect under
// construction (model_sql's clickhouse statements are clickhouse.go's),
// or the stages of a pushed-down query in DuckDB (flat.go): stages of
// named expressions, stage 0 reading the source row's columns and every
// later stage the names of earlier ones, then the output columns.
type program struct {
	d      Dialect
	source string // the table, unquoted
	stages []stage
	refs   map[string]string // a stage's name -> how later stages refer to it
	outs   []named
	// scored is the condition under which a row has a score, as predict
	// decides (a probability that is not NaN, a finite prediction or
	// distance); every output is NULL where it is false. NaN and ±Inf
	// values of the data reach it through the arithmetic, as in predict.
	scored string
	// flat programs read the table's own columns, each by its quoted
	// name (see flat.go).
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
	return &program{d: d, source: source, refs: map[string]string{}}
}

// add appends a stage and returns the references to its names, in order.
func (p *program) add(s stage) []string {
	if len(s) == 0 {
		return nil
	}
	p.stages = append(p.stages, s)
	refs := make([]string, len(s))
	for i, nm := range s {
		refs[i] = nm.name
		p.refs[nm.name] = refs[i]
	}
	return refs
}

// col refers to a column of the source row, in stage 0.
func (p *program) col(name string) string {
	if p.flat {
		return p.d.Ident(name)
	}
	return srcAlias + "." + p.d.Ident(name)
}

// sums computes, for each i, init[i] + terms[i][0] + terms[i][1] + ...
// added left to right as the Go kernels add (inner: the terms are summed
// first and init added to their sum, init + (t0 + t1 + ...)), in as many
// stages as the longest list needs, and returns the references to the
// results (named prefix + i). An empty init[i] (or a nil init) means no
// addend before the terms; an empty list of terms with no init is 0.
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
	acc := make([]string, n) // the reference to the running sum so far, "" before the first stage
	done := make([]bool, n)  // acc[i] is the finished sum, named names[i]
	for lo := 0; lo == 0 || lo < longest; lo += chunk {
		last := lo+chunk >= longest
		var s stage
		var which []int
		for i, t := range terms {
			if done[i] || lo > 0 && lo >= len(t) {
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
			end := lo+chunk >= len(t)
			if end && inner && init[i] != "" {
				expr = init[i] + " + (" + expr + ")"
			}
			name := names[i]
			if !end || !last {
				name = prefix + "p" + strconv.Itoa(lo/chunk) + "_" + strconv.Itoa(i)
			}
			s = append(s, named{name, expr})
			which = append(which, i)
			done[i] = end
		}
		for k, r := range p.add(s) {
			acc[which[k]] = r
		}
	}
	// A sum that ended in an earlier stage than the longest takes its
	// name in a last stage.
	var rename stage
	var which []int
	for i := range names {
		if p.refs[names[i]] != acc[i] {
			rename = append(rename, named{names[i], acc[i]})
			which = append(which, i)
		}
	}
	for k, r := range p.add(rename) {
		acc[which[k]] = r
	}
	return acc
}

// exps adds the stage of e_i = exp(x_i) for each expression x_i (each
// at most 0, or NaN), named prefix + i, and returns their references.
func (p *program) exps(prefix string, xs []string) []string {
	var s stage
	for i, x := range xs {
		s = append(s, named{prefix + strconv.Itoa(i), p.d.exp(x)})
	}
	return p.add(s)
}

// sigmoid adds the stages of the logistic function of the columns zs,
// computed as the Go kernel does (e = exp(-|z|), then 1/(1+e) for z >= 0
// and e/(1+e) else), named prefix + i, and returns their references.
func (p *program) sigmoid(prefix string, zs []string) []string {
	d := p.d
	xs := make([]string, len(zs))
	for i, z := range zs {
		xs[i] = "-abs(" + z + ")"
	}
	es := p.exps(prefix+"e", xs)
	var s stage
	for i, z := range zs {
		s = append(s, named{prefix + strconv.Itoa(i), "CASE WHEN " + z + " >= " + d.Float(0) + " THEN " + d.Float(1) + " ELSE " + es[i] + " END / (" +
			d.Float(1) + " + " + es[i] + ")"})
	}
	return p.add(s)
}

// tanh adds the stages of the hyperbolic tangent of the columns zs
// through exp, sign(z)·(1-e)/(1+e) with e = exp(-2|z|), named prefix +
// i, and returns their references.
func (p *program) tanh(prefix string, zs []string) []string {
	d := p.d
	xs := make([]string, len(zs))
	for i, z := range zs {
		xs[i] = d.Float(-2) + " * abs(" + z + ")"
	}
	es := p.exps(prefix+"e", xs)
	var s stage
	for i, z := range zs {
		t := "(" + d.Float(1) + " - " + es[i] + ") / (" + d.Float(1) + " + " + es[i] + ")"
		s = append(s, named{prefix + strconv.Itoa(i), "CASE WHEN " + z + " < " + d.Float(0) + " THEN -" + t + " ELSE " + t + " END"})
	}
	return p.add(s)
}

// relu adds the stage of max(z, 0) of the columns zs (NaN stays NaN, -0
// becomes 0, as the Go kernel computes it), named prefix + i, and
// returns their references.
func (p *program) relu(prefix string, zs []string) []string {
	d := p.d
	var s stage
	for i, z := range zs {
		s = append(s, named{prefix + strconv.Itoa(i), "CASE WHEN " + z + " <= " + d.Float(0) + " THEN " + d.Float(0) + " ELSE " + z + " END"})
	}
	return p.add(s)
}

// softmax adds the stages that turn the logits zs into probabilities as
// the Go kernel does (m the largest, e_c = exp(z_c - m), p_c = e_c · (1/Σe))
// and returns the probabilities' references. A NaN logit, or an infinite one
// (z - m is then NaN), makes every probability NaN, as in Go.
func (p *program) softmax(zs []string) []string {
	d := p.d
	m := p.add(stage{{"ds__m", d.greatest(zs)}})[0]
	xs := make([]string, len(zs))
	for c, z := range zs {
		xs[c] = z + " - " + m
	}
	es := p.exps("ds__e", xs)
	s := p.sums("ds__s", nil, [][]string{es}, false)[0]
	var ps stage
	for c := range zs {
		ps = append(ps, named{"ds__prob" + strconv.Itoa(c), es[c] + " * (" + d.Float(1) + " / " + s + ")"})
	}
	return p.add(ps)
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
	// The source row travels through the stages as one composite value
	// (a STRUCT in DuckDB, the table's row type in PostgreSQL), so the
	// result's columns are exactly the source's and the outputs.
	b.WriteString("WITH")
	for i, s := range p.stages {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\nds__l" + strconv.Itoa(i) + " AS ")
		if d == Postgres {
			// Not inlined: PostgreSQL would pull each stage up into the
			// next, copying every reference's expression, which grows
			// with the product of the layers' widths and exhausts the
			// planner's memory on a small network.
			b.WriteString("MATERIALIZED ")
		}
		b.WriteString("(\n  SELECT ")
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
