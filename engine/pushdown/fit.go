package pushdown

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
)

// FitPass runs the fit pass, one query per need: the counts, minima and
// maxima; the label's classes; the exact sums (means); the exact sums of
// squared deviations (standard deviations); the top levels of each
// categorical column; the quantile edges. It builds the Encoder and the
// statistics block local training builds from the same rows.
func (p *Plan) FitPass(ctx context.Context) (*Fit, error) {
	d := p.d
	f := &Fit{}
	// 1. counts, min, max of the usable rows, and the count of the
	// others under Where (the skipped rows): grouped by usability, so
	// that one scan counts both.
	usable := "1"
	if p.usable != "" {
		usable = "CASE WHEN " + p.usable + " THEN 1 ELSE 0 END"
	}
	cols := []string{d.Text(usable) + " AS ducksight_usable", "count(*)"}
	for _, c := range p.feats {
		q := d.Ident(c.name)
		switch c.kind {
		case features.KindNumeric:
			cols = append(cols, "count("+q+")", d.Text("min("+d.Double(q)+")"), d.Text("max("+d.Double(q)+")"))
		case features.KindBoolean:
			cols = append(cols, "count("+q+")", "sum(CASE WHEN "+q+" THEN 1 ELSE 0 END)", "0")
		default:
			cols = append(cols, "count("+q+")", "0", "0")
		}
	}
	rows, err := p.run(ctx, "where", "counting the rows", p.query(cols, p.where, "GROUP BY ducksight_usable"))
	if err != nil {
		return nil, err
	}
	var r []*string
	for _, row := range rows {
		if row[0] != nil && *row[0] == "1" {
			r = row
		} else {
			f.Skipped += count(row[1])
		}
	}
	if r != nil {
		f.Rows = count(r[1])
	}
	if f.Rows == 0 {
		if p.s.Label == "" {
			return nil, dserr.Arg(p.fn, "data", "no rows in table %q under the filter", p.s.Table)
		}
		return nil, dserr.Arg(p.fn, "data", "no rows with a label in table %q under the filter", p.s.Table)
	}
	nonNull := make([]int64, len(p.feats))
	lo, hi, ones := make([]float64, len(p.feats)), make([]float64, len(p.feats)), make([]int64, len(p.feats))
	for i := range p.feats {
		nonNull[i], lo[i], hi[i] = count(r[2+3*i]), num(r[3+3*i]), num(r[4+3*i])
		ones[i] = count(r[3+3*i])
	}

	f.TrainRows = f.Rows
	if p.s.Label != "" {
		if err := p.labelPass(ctx, f); err != nil {
			return nil, err
		}
	}

	// 3. exact sums: the means. The fingerprint hashes them.
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|", f.Rows)
	for i, c := range p.feats {
		fmt.Fprintf(h, "%s:%d:%d|", c.name, nonNull[i], ones[i])
	}
	mean := make([]float64, len(p.feats))
	var sums []string
	scales := make([]int, len(p.feats))
	for i, c := range p.feats {
		if c.kind != features.KindNumeric || nonNull[i] == 0 {
			continue
		}
		s, ok := Scale(nonNull[i], math.Max(math.Abs(lo[i]), math.Abs(hi[i])))
		if !ok {
			return nil, dserr.Arg(p.fn, "features", "column %q: values too large for exact sums", c.name)
		}
		scales[i] = s
		sums = append(sums, d.ExactSum(d.Double(d.Ident(c.name)), s))
	}
	std := make([]float64, len(p.feats))
	if len(sums) > 0 {
		rows, err = p.run(ctx, "features", "summing the columns", p.query(sums, p.base, ""))
		if err != nil {
			return nil, err
		}
		k := 0
		var devs []string
		for i, c := range p.feats {
			if c.kind != features.KindNumeric || nonNull[i] == 0 {
				continue
			}
			v := rows[0][k]
			k++
			exact, err := d.parseExact(v, scales[i])
			if err != nil {
				return nil, dserr.Wrap(dserr.Internal, p.fn, "", err)
			}
			fmt.Fprintf(h, "%s|", exact.RatString()) // the same text whichever engine summed
			s, _ := exact.Float64()
			mean[i] = s / float64(nonNull[i])
			span := hi[i] - lo[i]
			scales[i], _ = Scale(nonNull[i], span*span)
			dv := "(" + d.Double(d.Ident(c.name)) + " - " + d.Float(mean[i]) + ")"
			devs = append(devs, d.ExactSum(dv+" * "+dv, scales[i]))
		}
		// 4. exact sums of squared deviations: the standard deviations.
		rows, err = p.run(ctx, "features", "summing squared deviations", p.query(devs, p.base, ""))
		if err != nil {
			return nil, err
		}
		k = 0
		for i, c := range p.feats {
			if c.kind != features.KindNumeric || nonNull[i] == 0 {
				continue
			}
			m2, err := d.ParseSum(rows[0][k], scales[i], true)
			k++
			if err != nil {
				return nil, dserr.Wrap(dserr.Internal, p.fn, "", err)
			}
			if nonNull[i] > 1 {
				std[i] = math.Sqrt(m2 / float64(nonNull[i]-1))
			}
		}
	}
	f.Fingerprint = h.Sum64()

	// 5. the levels of each categorical column, one query each.
	levels := make([][]string, len(p.feats))
	counts := make([][]int64, len(p.feats))
	overflow := make([]bool, len(p.feats))
	for i, c := range p.feats {
		if c.kind != features.KindCategorical {
			continue
		}
		q := d.Ident(c.name)
		rows, err = p.run(ctx, "features", "counting the levels of "+c.name, p.query([]string{d.Text(q), "count(*)"}, p.base+" AND "+q+" IS NOT NULL",
			fmt.Sprintf("GROUP BY %s ORDER BY count(*) DESC, %s LIMIT %d", q, q, features.DefaultMaxTracked+1)))
		if err != nil {
			return nil, err
		}
		if len(rows) > features.DefaultMaxTracked {
			overflow[i] = true
			rows = rows[:features.DefaultMaxTracked]
		}
		for _, row := range rows {
			levels[i] = append(levels[i], *row[0])
			counts[i] = append(counts[i], count(row[1]))
		}
	}

	// 6. the quantile edges of the numeric columns: of every row, or in
	// ClickHouse past ExactEdgeRows rows, of a deterministic sample of
	// about that many (EdgeSample), with the exact minimum and maximum.
	edgeCond := p.base
	sampled := false
	exactRows := p.s.ExactEdgeRows
	if exactRows == 0 {
		exactRows = DefaultExactEdgeRows
	}
	if d == ClickHouse && f.Rows > exactRows {
		var cols []string
		if p.s.Label != "" {
			cols = append(cols, p.label.name)
		}
		for _, c := range p.feats {
			cols = append(cols, c.name)
		}
		edgeCond += " AND " + d.EdgeSample(cols, float64(exactRows)/float64(f.Rows))
		sampled = true
	}
	var edgeCols []string
	for i, c := range p.feats {
		if c.kind == features.KindNumeric && nonNull[i] > 0 {
			edgeCols = append(edgeCols, d.EdgesExpr(d.Ident(c.name)))
		}
	}
	edges := make([][]float64, len(p.feats))
	if len(edgeCols) > 0 {
		rows, err = p.run(ctx, "features", "computing quantile edges", p.query(edgeCols, edgeCond, ""))
		if err != nil {
			return nil, err
		}
		k := 0
		for i, c := range p.feats {
			if c.kind == features.KindNumeric && nonNull[i] > 0 {
				if edges[i], err = ParseEdges(rows[0][k]); err != nil {
					return nil, dserr.Wrap(dserr.Internal, p.fn, "", err)
				}
				if n := len(edges[i]); sampled && n > 0 {
					edges[i][0], edges[i][n-1] = lo[i], hi[i]
				}
				k++
			}
		}
	}

	// The encoder and the statistics.
	enc := &features.Encoder{Distance: p.s.Distance}
	rowsF := float64(f.Rows)
	// A one-hot input where cond holds: 1, or 1/√2 for a distance
	// (features.Encoder).
	oneScale := 1.0
	oneHot := d.flag
	if p.s.Distance {
		oneScale = math.Sqrt2 / 2
		oneHot = func(cond string) string { return d.flag(cond) + " * " + d.Float(oneScale) }
	}
	for i, c := range p.feats {
		ce := features.ColumnEncoding{Name: c.name, Kind: c.kind, Type: c.arrow}
		cs := features.ColumnStats{Column: c.name, Kind: c.kind, Type: c.arrow, Rows: f.Rows}
		nulls := f.Rows - nonNull[i]
		cs.NullShare = float64(nulls) / rowsF
		q := d.Ident(c.name)
		var inputs []string
		var bound []float64
		switch c.kind {
		case features.KindNumeric:
			switch {
			case nonNull[i] == 0:
				f.Dropped = append(f.Dropped, features.Dropped{Column: c.name, Reason: features.ReasonAllNull})
				continue
			case lo[i] == hi[i] || !(std[i] > 0):
				f.Dropped = append(f.Dropped, features.Dropped{Column: c.name, Reason: features.ReasonConstant})
				continue
			}
			ce.Mean, ce.Std = mean[i], std[i]
			ce.Indicator = nulls > 0 && !p.s.Distance
			m, s := mean[i], std[i]
			cs.Mean, cs.Std, cs.Edges = &m, &s, edges[i]
			inv := 1 / std[i]
			inputs = append(inputs, d.zeroIfNull("("+d.Double(q)+" - "+d.Float(mean[i])+") * "+d.Float(inv)))
			bound = append(bound, math.Max(math.Abs(lo[i]-mean[i]), math.Abs(hi[i]-mean[i]))*inv)
		case features.KindBoolean:
			switch {
			case nonNull[i] == 0:
				f.Dropped = append(f.Dropped, features.Dropped{Column: c.name, Reason: features.ReasonAllNull})
				continue
			case ones[i] == 0 || ones[i] == nonNull[i]:
				f.Dropped = append(f.Dropped, features.Dropped{Column: c.name, Reason: features.ReasonConstant})
				continue
			}
			ce.Mean = float64(ones[i]) / float64(nonNull[i])
			ce.Indicator = nulls > 0 && !p.s.Distance
			cs.Levels = []features.LevelShare{{Level: "false", Share: float64(nonNull[i]-ones[i]) / rowsF}, {Level: "true", Share: float64(ones[i]) / rowsF}, {Null: true, Share: cs.NullShare}}
			inputs = append(inputs, "CASE WHEN "+q+" IS NULL THEN "+d.Float(ce.Mean)+" WHEN "+q+" THEN 1 ELSE 0 END")
			bound = append(bound, 1)
		default:
			distinct := len(levels[i])
			if overflow[i] {
				distinct++
			}
			switch {
			case nonNull[i] == 0:
				f.Dropped = append(f.Dropped, features.Dropped{Column: c.name, Reason: features.ReasonAllNull})
				continue
			case distinct < 2 && nulls == 0:
				f.Dropped = append(f.Dropped, features.Dropped{Column: c.name, Reason: features.ReasonConstant})
				continue
			}
			k := min(p.maxLevel, len(levels[i]))
			// Ties in the engine's order are by the engine's collation;
			// sort again bytewise as local training does.
			type lc struct {
				l string
				n int64
			}
			all := make([]lc, len(levels[i]))
			for j := range all {
				all[j] = lc{levels[i][j], counts[i][j]}
			}
			slices.SortStableFunc(all, func(a, b lc) int {
				if c := cmp.Compare(b.n, a.n); c != 0 {
					return c
				}
				return strings.Compare(a.l, b.l)
			})
			var kept int64
			var lits []string
			for _, x := range all[:k] {
				ce.Levels = append(ce.Levels, x.l)
				kept += x.n
				lits = append(lits, d.Str(x.l))
				inputs = append(inputs, oneHot(q+" = "+d.Str(x.l)))
				bound = append(bound, 1)
				cs.Levels = append(cs.Levels, features.LevelShare{Level: x.l, Share: float64(x.n) / rowsF})
			}
			ce.Other = len(all) > k || overflow[i]
			if overflow[i] {
				ce.OtherAny = true
			} else if len(all) > k {
				for _, x := range all[k:] {
					ce.OtherLevels = append(ce.OtherLevels, x.l)
				}
				slices.Sort(ce.OtherLevels)
			}
			if ce.Other {
				inputs = append(inputs, oneHot(q+" NOT IN ("+strings.Join(lits, ", ")+")"))
				bound = append(bound, 1)
			}
			cs.Levels = append(cs.Levels, features.LevelShare{Other: true, Share: float64(nonNull[i]-kept) / rowsF})
			ce.NullLevel = nulls > 0
			ce.Scale = oneScale
		}
		switch {
		case c.kind == features.KindCategorical && ce.NullLevel:
			in := d.isNull(q)
			if p.s.Distance {
				in += " * " + d.Float(oneScale)
			}
			inputs = append(inputs, in)
			bound = append(bound, 1)
		case c.kind != features.KindCategorical && ce.Indicator:
			inputs = append(inputs, d.isNull(q))
			bound = append(bound, 1)
		}
		if c.kind == features.KindCategorical {
			cs.Levels = append(cs.Levels, features.LevelShare{Null: true, Share: cs.NullShare})
		}
		ce.Offset, ce.Width = enc.Width, len(inputs)
		enc.Width += ce.Width
		enc.Columns = append(enc.Columns, ce)
		f.Statistics = append(f.Statistics, cs)
		f.inputs = append(f.inputs, inputs...)
		f.bound = append(f.bound, bound...)
		f.absMax = append(f.absMax, math.Max(math.Abs(lo[i]), math.Abs(hi[i])))
	}
	if len(enc.Columns) == 0 {
		return nil, dserr.Arg(p.fn, "features", "no usable feature column")
	}
	if err := enc.Validate(); err != nil {
		return nil, dserr.Wrap(dserr.Internal, p.fn, "", err)
	}
	f.Encoder = enc
	return f, nil
}

// setLabel sets the label's 0/1 expression from its encoding: 1 for the
// positive class, written as a literal of the label's kind (text as the
// engine wrote it, a number's digits, TRUE or FALSE).
func (p *Plan) setLabel(le features.LabelEncoding) {
	positive := le.Levels[le.Positive]
	switch p.label.kind {
	case features.KindBoolean:
		positive = strings.ToUpper(positive)
	case features.KindCategorical:
		positive = p.d.Str(positive)
	}
	p.y = "CASE WHEN " + p.d.Ident(p.label.name) + " = " + positive + " THEN 1 ELSE 0 END"
}

// labelPass counts the label's classes, as local training tells them
// apart (text, an integer's digits, a float's shortest form), chooses the
// positive class, and counts the validation rows.
func (p *Plan) labelPass(ctx context.Context, f *Fit) error {
	d := p.d
	lq := d.Ident(p.label.name)
	rows, err := p.run(ctx, "label", "counting the label's classes", p.query([]string{d.Text(lq), "count(*)"}, p.base, "GROUP BY "+lq+" ORDER BY "+lq+" LIMIT 3"))
	if err != nil {
		return err
	}
	if len(rows) != 2 {
		what := "a single class"
		if len(rows) > 2 {
			what = "more than 2 classes"
		}
		return dserr.Arg(p.fn, "label", "column %q has %s in the rows trained on; the engine plan trains binary classifiers", p.label.name, what)
	}
	le := features.LabelEncoding{Column: p.label.name, Task: task.Binary, Type: p.label.arrow}
	for _, row := range rows {
		v := *row[0]
		if p.label.float || strings.HasPrefix(p.label.arrow, "decimal") {
			v = strconv.FormatFloat(num(row[0]), 'g', -1, 64)
		}
		le.Levels = append(le.Levels, v)
		le.Counts = append(le.Counts, count(row[1]))
	}
	switch {
	case p.s.Positive != nil:
		le.Positive = slices.Index(le.Levels, *p.s.Positive)
		if le.Positive < 0 && p.label.kind != features.KindCategorical {
			if v, err := strconv.ParseFloat(strings.TrimSpace(*p.s.Positive), 64); err == nil {
				le.Positive = slices.IndexFunc(le.Levels, func(l string) bool { return num(&l) == v })
			} else if b, err := strconv.ParseBool(strings.TrimSpace(*p.s.Positive)); err == nil && p.label.kind == features.KindBoolean {
				le.Positive = slices.Index(le.Levels, strconv.FormatBool(b))
			}
		}
		if le.Positive < 0 {
			return dserr.Arg(p.fn, "positive", "class %q is not a class of label %q (classes: %s)", *p.s.Positive, p.label.name, strings.Join(le.Levels, ", "))
		}
		le.PositiveRule = "as given"
	case p.label.kind == features.KindBoolean:
		le.Positive, le.PositiveRule = 1, "a BOOLEAN label's"
	case p.label.kind == features.KindNumeric && le.Levels[0] == "0" && le.Levels[1] == "1":
		le.Positive, le.PositiveRule = 1, "a 0/1 label's"
	case le.Counts[0] < le.Counts[1]:
		le.Positive, le.PositiveRule = 0, "the less frequent of 2"
	case le.Counts[1] < le.Counts[0]:
		le.Positive, le.PositiveRule = 1, "the less frequent of 2"
	default:
		le.Positive, le.PositiveRule = 1, "the larger of 2 equally frequent"
	}
	f.Label = le
	p.setLabel(le)
	f.TrainPositives = le.Counts[le.Positive]
	if p.s.Validation != "" {
		// Its own query, so that an error in it is validation's.
		vr, err := p.run(ctx, "validation", "counting the validation rows", p.query([]string{"count(*)", "sum(" + p.y + ")"}, p.validCond(), ""))
		if err != nil {
			return err
		}
		f.ValidRows = count(vr[0][0])
		f.TrainRows -= f.ValidRows
		f.TrainPositives -= count(vr[0][1])
		if f.TrainRows == 0 {
			return dserr.Arg(p.fn, "validation", "no training rows left: the condition holds for every row")
		}
	}
	return nil
}
