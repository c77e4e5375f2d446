package sqlgen

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/engine/trees"
)

// The clickhouse dialect computes with arrays. ClickHouse 18.16's query
// analysis takes time quadratic in the number of distinct expressions of a
// SELECT (a sum of 400 products took 5 s to analyse, of 1,600 over a
// minute), and it copies an aliased expression into every place that uses
// it, so one expression per weight, unit or tree node, as the other
// dialects write, is out of reach past the smallest models. Here a model
// is a few expressions whatever its size, its numbers in array literals
// (one AST element each):
//
//   - the inputs are one Array(Float64) per row: a numeric column's
//     standardised value and NULL indicator, a categorical column's
//     one-hot inputs from the position of its value in a literal array of
//     levels (indexOf);
//   - a layer is arrayMap over the rows of its weight matrix of arraySum
//     over the products with the inputs (arraySum adds left to right from
//     0, so with the bias first, as [1, x...] · [b, w...], the sums are the
//     Go kernels' to the bit); an activation is arrayMap over the units;
//   - k-means' squared distances are arrayMap over the centroids;
//   - boosted trees' nodes are flat literal arrays (feature, threshold,
//     children, default direction, a categorical split's codes as a bit
//     set, value) that every tree walks at once, one arrayMap step per
//     level of the deepest tree.
//
// Each intermediate array is bound once to a lambda parameter,
// arrayElement(arrayMap(ds__x -> <the rest>, [<value>]), 1), and the tuple
// of outputs to ds__o by an ARRAY JOIN of a one-element array, which
// SELECT * leaves out. The node arrays of a boosted ensemble are WITH
// aliases of the statement (a literal is one AST element, copied cheaply).

// chLets is a chain of values bound to lambda parameters in turn, each
// value able to use the names bound before it.
type chLets []named

// let binds value to name and returns name.
func (l *chLets) let(name, value string) string {
	*l = append(*l, named{name, value})
	return name
}

// in renders body within the bindings.
func (l chLets) in(body string) string {
	for i := len(l) - 1; i >= 0; i-- {
		body = "arrayElement(arrayMap(" + l[i].name + " ->\n" + body + ",\n[" + l[i].expr + "]), 1)"
	}
	return body
}

// chNum is v as a ClickHouse Float64 literal inside an array literal:
// the shortest exponent form, a minus sign without parentheses (so the
// array stays one literal).
func chNum(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	case math.IsNaN(v):
		return "nan"
	}
	return strconv.FormatFloat(v, 'e', -1, 64)
}

// chNums is an array literal of vs.
func chNums(vs []float64) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = chNum(v)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// chInts is an array literal of integers.
func chInts(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// chStrs is an array literal of strings.
func chStrs(vs []string) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = ClickHouse.Str(v)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// chStatement is the whole statement: SELECT * and the named outputs (the
// elements of the tuple body evaluates to, within lets) from source, with
// the WITH aliases with.
func chStatement(source string, with []named, lets chLets, outs []named) string {
	d := ClickHouse
	vals := make([]string, len(outs))
	for i, o := range outs {
		vals[i] = o.expr
	}
	var b strings.Builder
	if len(with) > 0 {
		b.WriteString("WITH")
		for i, w := range with {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  " + w.expr + " AS " + w.name)
		}
		b.WriteString("\n")
	}
	b.WriteString("SELECT *")
	for i, o := range outs {
		b.WriteString(",\n  tupleElement(ds__o, " + strconv.Itoa(i+1) + ") AS " + d.Ident(o.name))
	}
	if source == "" {
		source = Placeholder
	}
	b.WriteString("\nFROM " + d.Table(source) + "\nARRAY JOIN [" + lets.in("tuple(\n  "+strings.Join(vals, ",\n  ")+")") + "] AS ds__o\n")
	return b.String()
}

// chInputs is the Array(Float64) of the encoder's inputs, as
// engine/features encodes them: a NULL imputed (ifNull), a NaN or
// infinite value standardised like any other.
func chInputs(e *features.Encoder) string {
	d := ClickHouse
	var parts []string
	for i := range e.Columns {
		c := &e.Columns[i]
		x := d.Ident(c.Name)
		var vals []string
		switch c.Kind {
		case features.KindCategorical:
			parts = append(parts, chOneHot(c, x))
			continue
		case features.KindBoolean:
			vals = append(vals, "ifNull(toFloat64("+x+" != 0), "+d.Float(c.Mean)+")")
		default:
			v := chValue(c, x, false)
			vals = append(vals, "ifNull(("+v+" - "+d.Float(c.Mean)+") * "+d.Float(1/c.Std)+", "+d.Float(0)+")")
		}
		if c.Indicator {
			vals = append(vals, "toFloat64(isNull("+x+"))")
		}
		parts = append(parts, "["+strings.Join(vals, ", ")+"]")
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "arrayConcat(" + strings.Join(parts, ",\n  ") + ")"
}

// chValue is the number a numeric, DATE or TIMESTAMP column's value x is
// encoded from (see program.value), Nullable where the column is.
func chValue(c *features.ColumnEncoding, x string, micro bool) string {
	d := ClickHouse
	switch c.Kind {
	case features.KindDate:
		return d.days(x)
	case features.KindTimestamp:
		return d.seconds(x, micro, false)
	case features.KindBoolean:
		return "toFloat64(" + x + " != 0)"
	}
	return d.Double(x)
}

// chOneHot is a categorical column's one-hot inputs as an Array(Float64):
// the input set (1-based position p, 0 for none) is looked up from the
// position of the value x among the kept levels and the 'other' levels of
// training.
func chOneHot(c *features.ColumnEncoding, x string) string {
	d := ClickHouse
	slot := slots(c)
	width := c.Width
	other, null := 0, 0 // 1-based inputs of 'other' and NULL, 0 when none
	next := len(c.Levels) + 1
	if c.Other {
		other = next
		next++
	}
	if c.NullLevel {
		null = next
	}
	// lookup[k] is the value at position k of the levels; pos[k+1] its
	// input, pos[0] that of a value not among them.
	var lookup []string
	pos := []int{0}
	if c.OtherAny {
		pos[0] = other
	}
	for _, l := range c.Levels {
		lookup = append(lookup, l)
		pos = append(pos, slot[l]+1)
	}
	if c.Other && !c.OtherAny {
		for _, l := range c.OtherLevels {
			if _, kept := slot[l]; !kept {
				lookup = append(lookup, l)
				pos = append(pos, other)
			}
		}
	}
	p := strconv.Itoa(pos[0])
	if len(lookup) > 0 {
		p = "arrayElement(" + chInts(pos) + ", indexOf(" + chStrs(lookup) + ", " + x + ") + 1)"
	}
	p = "if(isNull(" + x + "), " + strconv.Itoa(null) + ", " + p + ")"
	scale := 1.0
	if c.Scale != 0 {
		scale = c.Scale
	}
	// The position is bound to ds__pos outside the lambda that makes the
	// inputs: ClickHouse 18.16 does not count a column used only inside
	// a lambda's body among the columns a query reads ("Unknown
	// identifier" when nothing else in the query reads it).
	return "arrayElement(arrayMap(ds__pos -> arrayMap(ds__i -> if(ds__i + 1 = ds__pos, " + d.Float(scale) + ", " + d.Float(0) + "), range(" + strconv.Itoa(width) + ")), [" +
		p + "]), 1)"
}

// chExp is exp(x) for x at most 0 or NaN, clamped below at -700 (see
// Dialect.exp).
func chExp(x string) string { return ClickHouse.exp(x) }

// chLink adds the outputs of a model with raw scores raw (an array, one
// per output) and task tk: as classify and regression do for the other
// dialects.
func chLink(lets *chLets, raw string, tk task.Task, levels []string, positive int, labelType string, mean, std float64) ([]named, error) {
	d := ClickHouse
	guard := func(scored string, outs []named) []named {
		for i := range outs {
			outs[i].expr = "CASE WHEN " + scored + " THEN " + outs[i].expr + " END"
		}
		return outs
	}
	switch tk {
	case task.Regression:
		pred := lets.let("ds__pred", "arrayElement("+raw+", 1) * "+d.Float(std)+" + "+d.Float(mean))
		return guard(d.finite(pred), []named{{"prediction", pred}}), nil
	case task.Binary:
		if len(levels) != 2 || positive < 0 || positive > 1 {
			return nil, fmt.Errorf("binary model with %d classes", len(levels))
		}
		z := "arrayElement(" + raw + ", 1)"
		e := chExp("-abs(" + z + ")")
		prob := lets.let("ds__prob", "if("+z+" >= "+d.Float(0)+", "+d.Float(1)+", "+e+") / ("+d.Float(1)+" + "+e+")")
		pos, neg := d.label(levels[positive], labelType), d.label(levels[1-positive], labelType)
		return guard("NOT "+d.isNaN(prob), []named{
			{"prediction", "if(" + prob + " >= " + d.Float(threshold) + ", " + pos + ", " + neg + ")"},
			{"probability", prob},
		}), nil
	case task.Multiclass:
		m := lets.let("ds__m", "arrayReduce('max', "+raw+")")
		es := lets.let("ds__e", "arrayMap(ds__z -> "+chExp("ds__z - "+m)+", "+raw+")")
		s := lets.let("ds__s", "arraySum("+es+")")
		probs := lets.let("ds__p", "arrayMap(ds__v -> ds__v * ("+d.Float(1)+" / "+s+"), "+es+")")
		best := lets.let("ds__best", "arrayReduce('max', "+probs+")")
		labels := make([]string, len(levels))
		for c, l := range levels {
			labels[c] = d.label(l, labelType)
		}
		// The first class of the largest probability, as predict's
		// argmax.
		outs := []named{
			{"prediction", "arrayElement([" + strings.Join(labels, ", ") + "], indexOf(" + probs + ", " + best + "))"},
			{"probability", best},
		}
		for c, l := range levels {
			outs = append(outs, named{"probability_" + l, "arrayElement(" + probs + ", " + strconv.Itoa(c+1) + ")"})
		}
		return guard("NOT "+d.isNaN(best), outs), nil
	}
	return nil, fmt.Errorf("task %s does not score", tk)
}

// chPerceptron is Perceptron in the clickhouse dialect.
func chPerceptron(source string, doc *training.Document) (string, error) {
	lets, outs, err := chPerceptronOutputs(doc)
	if err != nil {
		return "", err
	}
	return chStatement(source, nil, lets, outs), nil
}

// chPerceptronOutputs are the bindings and outputs of chPerceptron.
func chPerceptronOutputs(doc *training.Document) (chLets, []named, error) {
	d := ClickHouse
	var lets chLets
	x := lets.let("ds__x", chInputs(&doc.Encoder))
	net := &doc.Network
	for li := range net.Layers {
		l := &net.Layers[li]
		var z string
		if l.Out == 1 {
			// affine1: b + (x0·w0 + x1·w1 + ...).
			w := make([]float64, l.In)
			for i := range l.In {
				w[i] = l.W[i*l.Out]
			}
			z = "[" + d.Float(l.B[0]) + " + arraySum(arrayMap((ds__a, ds__w) -> ds__a * ds__w, " + x + ", " + chNums(w) + "))]"
		} else {
			// affine: b + x0·w0 + x1·w1 + ..., as [1, x...] · [b, w...].
			rows := make([]string, l.Out)
			for j := range l.Out {
				w := make([]float64, 0, l.In+1)
				w = append(w, l.B[j])
				for i := range l.In {
					w = append(w, l.W[i*l.Out+j])
				}
				rows[j] = chNums(w)
			}
			x1 := lets.let("ds__x1_"+strconv.Itoa(li), "arrayConcat(["+d.Float(1)+"], "+x+")")
			z = "arrayMap(ds__w -> arraySum(arrayMap((ds__a, ds__b) -> ds__a * ds__b, " + x1 + ", ds__w)), [" + strings.Join(rows, ", ") + "])"
		}
		zn := lets.let("ds__z"+strconv.Itoa(li), z)
		if li == len(net.Layers)-1 {
			x = zn
			break
		}
		var act string
		switch net.Config.Activation {
		case "tanh":
			e := chExp(d.Float(-2) + " * abs(ds__v)")
			t := "(" + d.Float(1) + " - " + e + ") / (" + d.Float(1) + " + " + e + ")"
			act = "if(ds__v < " + d.Float(0) + ", -" + t + ", " + t + ")"
		case "sigmoid":
			e := chExp("-abs(ds__v)")
			act = "if(ds__v >= " + d.Float(0) + ", " + d.Float(1) + ", " + e + ") / (" + d.Float(1) + " + " + e + ")"
		default:
			act = "if(ds__v <= " + d.Float(0) + ", " + d.Float(0) + ", ds__v)"
		}
		x = lets.let("ds__h"+strconv.Itoa(li), "arrayMap(ds__v -> "+act+", "+zn+")")
	}
	mean, std := 0.0, 1.0
	if t := doc.Target; t != nil {
		mean, std = t.Mean, t.Std
	}
	outs, err := chLink(&lets, x, doc.Task, doc.Label.Levels, doc.Label.Positive, doc.Label.Type, mean, std)
	return lets, outs, err
}

// chKMeans is KMeans in the clickhouse dialect.
func chKMeans(source string, doc *clustering.Document) string {
	d := ClickHouse
	var lets chLets
	_, dist, dmin := chNearest(&lets, &doc.Encoder, &doc.Model)
	scored := d.finite(dmin)
	outs := []named{
		{"segment", "CASE WHEN " + scored + " THEN indexOf(" + dist + ", " + dmin + ") END"},
		{"distance", "CASE WHEN " + scored + " THEN sqrt(" + dmin + ") END"},
	}
	return chStatement(source, nil, lets, outs)
}

// chNearest binds in lets the inputs encoded by enc (ds__x), their
// squared distances to the centroids of m (ds__d) and the smallest
// (ds__dmin), and returns the references to the three; the nearest
// centroid's number is indexOf(dist, dmin) (the lower number of equally
// near ones). KMeans' clickhouse dialect and the assignment of a
// pushed-down segmentation (NearestCentroid) both write it with this.
//
// Each distance is its own arraySum over the inputs and the centroid's
// array literal: a few AST elements per centroid, so the query's analysis
// and the per-block work of its expressions grow with k, not with k times
// the inputs. (On 1M rows of 9 inputs in 18.16, one thread, a Lloyd query
// so written took 1.6 s at k = 8 and 13.5 s at k = 128; one scalar term per
// centroid and input took 0.9 s and 32 s, and a single arrayMap over an
// array literal of every centroid, which copies the inputs once per
// centroid and the centroids once per row, 3.7 s at k = 8 and more memory
// than a query may use at k = 64.)
func chNearest(lets *chLets, enc *features.Encoder, m *kmeans.Model) (x, dist, dmin string) {
	x = lets.let("ds__x", chInputs(enc))
	ds := make([]string, m.K)
	for c := range m.K {
		// Squared differences summed in column order from 0, as the
		// kernel.
		ds[c] = "arraySum(arrayMap((ds__a, ds__b) -> (ds__a - ds__b) * (ds__a - ds__b), " + x + ", " + chNums(m.Centroid(c)) + "))"
	}
	dist = lets.let("ds__d", "["+strings.Join(ds, ",\n  ")+"]")
	dmin = lets.let("ds__dmin", "arrayReduce('min', "+dist+")")
	return x, dist, dmin
}

// chTrees is Trees in the clickhouse dialect: the raw columns as one
// Array(Float64) per row, NaN for a missing value (as features.Raw
// writes them; a Nullable value captured by a lambda reads wrong in
// ClickHouse 18.16's has()), then every tree walked at once over the flat
// node arrays.
func chTrees(source string, doc *training.TreesDocument) (string, error) {
	d := ClickHouse
	m := &doc.Model
	e := &doc.Encoder
	raws := make([]string, len(e.Columns))
	for j := range e.Columns {
		c := &e.Columns[j]
		x := d.Ident(c.Name)
		switch c.Kind {
		case features.KindCategorical:
			// The level's code (its one-hot slot), len(Levels) for any
			// other value, NULL for NULL.
			slot := slots(c)
			codes := []int{len(c.Levels)}
			for _, l := range c.Levels {
				codes = append(codes, slot[l])
			}
			code := strconv.Itoa(len(c.Levels))
			if len(c.Levels) > 0 {
				code = "arrayElement(" + chInts(codes) + ", indexOf(" + chStrs(c.Levels) + ", " + x + ") + 1)"
			}
			raws[j] = "if(isNull(" + x + "), nan, toFloat64(" + code + "))"
		default:
			raws[j] = "ifNull(" + chValue(c, x, true) + ", nan)"
		}
	}
	// The nodes of every tree in one set of arrays, 1-based: a leaf is its
	// own child, so a walk of the deepest tree's depth ends at a leaf in
	// every tree.
	var feat, left, right, defl, maskOff, roots []int
	var thr, val []float64
	var mask []uint64
	depth := 0
	for ti := range m.Trees {
		t := &m.Trees[ti]
		base := len(val)
		roots = append(roots, base+1)
		depth = max(depth, treeDepth(t, 0))
		for i := range t.Len() {
			g := base + i + 1
			val = append(val, t.Value[i])
			if t.IsLeaf(i) {
				feat, thr, left, right, defl, maskOff = append(feat, 1), append(thr, 0), append(left, g), append(right, g), append(defl, 0), append(maskOff, 0)
				continue
			}
			feat = append(feat, int(t.Feature[i])+1)
			left, right = append(left, base+int(t.Left[i])+1), append(right, base+int(t.Right[i])+1)
			defl = append(defl, b2i(t.DefaultLeft[i]))
			if cs := t.Categories[i]; cs != nil {
				// The codes that go left as a bit set of 64-bit words
				// from ds__mask[off], code c at bit c%64 of word c/64,
				// with a word for every code the column has (its levels
				// and 'other', len(Levels)): a code never reads the next
				// node's words.
				words := make([]uint64, max(len(m.Columns[t.Feature[i]].Levels), int(slices.Max(cs)))/64+1)
				for _, c := range cs {
					words[c/64] |= 1 << (uint(c) % 64)
				}
				thr, maskOff = append(thr, 0), append(maskOff, len(mask)+1)
				mask = append(mask, words...)
			} else {
				thr, maskOff = append(thr, t.Threshold[i]), append(maskOff, 0)
			}
		}
	}
	with := []named{
		{"ds__feat", chInts(feat)}, {"ds__thr", chNums(thr)}, {"ds__left", chInts(left)}, {"ds__right", chInts(right)},
		{"ds__defl", chInts(defl)}, {"ds__val", chNums(val)}, {"ds__roots", chInts(roots)},
	}
	var lets chLets
	r := lets.let("ds__r", "["+strings.Join(raws, ",\n  ")+"]")
	// One step of every walk: a missing value takes the default
	// direction, a categorical split tests the code's membership, a
	// numeric one x < threshold.
	v := "arrayElement(" + r + ", arrayElement(ds__feat, ds__n))"
	test := "isNaN(" + v + "), arrayElement(ds__defl, ds__n), "
	if len(mask) > 0 {
		// A categorical split's code (a whole number; multiIf computes
		// every branch, so toUInt32 also sees other nodes' values, to no
		// effect) tested in its node's bit set.
		words := make([]string, len(mask))
		for k, w := range mask {
			words[k] = strconv.FormatUint(w, 10)
		}
		with = append(with, named{"ds__maskoff", chInts(maskOff)}, named{"ds__mask", "[" + strings.Join(words, ", ") + "]"})
		code := "toUInt32(" + v + ")"
		test += "arrayElement(ds__maskoff, ds__n) != 0, bitAnd(bitShiftRight(arrayElement(ds__mask, arrayElement(ds__maskoff, ds__n) + intDiv(" + code +
			", 64)), " + code + " % 64), 1) = 1, "
	}
	test += v + " < arrayElement(ds__thr, ds__n)"
	step := "arrayMap(ds__n -> if(multiIf(" + test + "), arrayElement(ds__left, ds__n), arrayElement(ds__right, ds__n)), %s)"
	walk := "ds__roots"
	for range depth {
		walk = strings.Replace(step, "%s", walk, 1)
	}
	leaves := lets.let("ds__leaf", walk)
	vals := lets.let("ds__v", "arrayMap(ds__n -> arrayElement(ds__val, ds__n), "+leaves+")")
	// Each output's raw score: its base, then its trees' values in order
	// (tree i adds to output i mod K), added left to right from 0.
	sums := make([]string, m.K)
	for c := range m.K {
		mine := vals
		if m.K > 1 {
			mine = "arrayFilter((ds__a, ds__i) -> ds__i % " + strconv.Itoa(m.K) + " = " + strconv.Itoa(c) + ", " + vals + ", range(" + strconv.Itoa(len(m.Trees)) + "))"
		}
		sums[c] = "arraySum(arrayConcat([" + d.Float(m.Base[c]) + "], " + mine + "))"
	}
	raw := lets.let("ds__raw", "["+strings.Join(sums, ", ")+"]")
	outs, err := chLink(&lets, raw, doc.Task, doc.Label.Levels, doc.Label.Positive, doc.Label.Type, 0, 1)
	if err != nil {
		return "", err
	}
	return chStatement(source, with, lets, outs), nil
}

// treeDepth is the number of splits on the longest path from node i.
func treeDepth(t *trees.Tree, i int) int {
	if t.IsLeaf(i) {
		return 0
	}
	return 1 + max(treeDepth(t, int(t.Left[i])), treeDepth(t, int(t.Right[i])))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
