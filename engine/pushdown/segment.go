package pushdown

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/sqlgen"
	"github.com/ducksight/ducksight/engine/training"
)

// Segmentation where the data lives (segment with engine :=): the fit
// pass of a Plan made with Spec.Distance, then k-means++ (and the choice
// of k) on a deterministic sample of the encoded rows fetched from the
// engine, then Lloyd iterations as one GROUP BY query each, then one
// profile pass. The rows are encoded and assigned with sqlgen's
// expressions (model_sql's: in ClickHouse its arrays, so a query's text
// grows with k plus the inputs, not their product), and every sum that
// comes back is exact, so the model does not depend on how the engine
// splits the rows.

// SegmentResult is a pushed-down segmentation.
type SegmentResult struct {
	// Result is the model as local segmentation returns one, Mode
	// "engine".
	Result *clustering.Result
	// Inertia is each segment's sum of squared distances of its rows to
	// its centroid (segment s at s-1), from the profile pass.
	Inertia []float64
	// Init is the k x width centroids the Lloyd iterations in the engine
	// started from: the fit on the sample, before the segments were
	// numbered by size.
	Init []float64
	// SampleRows is the number of rows of the sample.
	SampleRows int
}

// Segment segments the rows of p's table (a Plan made with Spec.Distance
// and no label) with options o (defaults applied and checked here).
func Segment(ctx context.Context, p *Plan, o clustering.Options) (*SegmentResult, error) {
	start := time.Now()
	if !p.s.Distance || p.s.Label != "" {
		return nil, dserr.New(dserr.Internal, p.fn, "", "a segmentation plan has no label and a distance encoder")
	}
	o.Defaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	f, err := p.FitPass(ctx)
	if err != nil {
		return nil, err
	}
	enc := f.Encoder
	population := clustering.Population(enc)
	if !*o.Standardize {
		f.Unstandardize()
	}
	var notes []string
	for _, dr := range f.Dropped {
		notes = append(notes, fmt.Sprintf("dropped %s: %s", dr.Column, dr.Reason))
	}

	x, n, err := p.Sample(ctx, f, *o.Seed, clustering.SampleRows)
	if err != nil {
		return nil, err
	}
	width := enc.Width
	pointsOf := fmt.Sprintf("the %d-row sample of the data the initialisation uses", n)
	if int64(n) == f.Rows {
		pointsOf = "the data"
	}
	model, scores, sample, kNotes, err := clustering.FitSample(ctx, x, n, width, f.Rows, pointsOf, o)
	if err != nil {
		return nil, err
	}
	notes = append(notes, kNotes...)
	init := slices.Clone(model.Centroids)
	if model, err = p.Lloyd(ctx, f, init, o.MaxIter, *o.Tol); err != nil {
		return nil, err
	}
	iters := model.Iter
	model.OrderBySize()
	q := clustering.Measure(x, n, width, model, o.K == 0, sample)
	x = nil

	prof, inertia, err := p.profilePass(ctx, f, model)
	if err != nil {
		return nil, err
	}
	profile := clustering.Profile(prof, population, model, f.Rows)
	names := make([]string, len(enc.Columns))
	for i, c := range enc.Columns {
		names[i] = c.Name
	}
	doc := &clustering.Document{
		Format: clustering.FormatVersion, Kind: "kmeans", Encoder: *enc, Dropped: f.Dropped, Features: names,
		K: model.K, KAutomatic: o.K == 0, KScores: scores, Model: *model, Quality: q, Profile: profile,
		Population: population, Options: o, Data: dataset.NewFingerprint(f.Rows, f.Fingerprint), Statistics: f.Statistics,
	}
	converged := "converged"
	if !model.Converged {
		converged = "stopped at max_iter"
	}
	its := "iterations"
	if iters == 1 {
		its = "iteration"
	}
	notes = append([]string{fmt.Sprintf("segmented in the engine (%s, %d queries: k-means++ on a %d-row sample, %d Lloyd %s, %s)",
		p.d.Name(), p.queries, n, iters, its, converged)}, notes...)
	return &SegmentResult{
		Result:  &clustering.Result{Doc: doc, Mode: "engine", Notes: notes, Seconds: time.Since(start).Seconds()},
		Inertia: inertia, Init: init, SampleRows: n,
	}, nil
}

// hashPrime is the modulus of SampleHash: 2^31 - 1, so that a product of
// two residues fits a signed 64-bit integer.
const hashPrime = 1<<31 - 1

// SampleHash is an integer in [0, 2^31-1) computed from the double
// expressions inputs (each at most bounds[i] in absolute value) with
// integer arithmetic only, so that DuckDB and ClickHouse give the same
// value for the same row, bit for bit: each input scaled by a power of two
// (exact) and floored is reduced modulo the prime 2^31-1, multiplied by a
// coefficient drawn from seed, and the products summed modulo the prime
// (a universal hash of the row's encoded values). The same rows give the
// same hashes whatever the engine, its threads or its shards.
func (d Dialect) SampleHash(inputs []string, bounds []float64, seed int64) string {
	src := rand.New(rand.NewPCG(uint64(seed), 0x5a3b1e))
	coef := func() string { return strconv.FormatUint(1+src.Uint64()%(hashPrime-1), 10) }
	toInt := func(x string) string {
		if d == ClickHouse {
			return "toInt64(" + x + ")"
		}
		return "CAST(" + x + " AS BIGINT)"
	}
	prime := toInt(strconv.Itoa(hashPrime))
	terms := make([]string, len(inputs))
	for i, in := range inputs {
		// 2^e * |x| stays below 2^52: the scaled value and its floor
		// are exact doubles, and exact 64-bit integers.
		e := min(20, 52-int(math.Ceil(math.Log2(bounds[i]+1))))
		k := toInt("floor((" + in + ") * " + d.Float(math.Ldexp(1, e)) + ")")
		terms[i] = "((" + k + " % " + prime + " + " + prime + ") % " + prime + ") * " + toInt(coef()) + " % " + prime
	}
	return "(" + toInt(coef()) + " + " + strings.Join(terms, " + ") + ") % " + prime
}

// Unstandardize makes the fit's numeric inputs centred but not scaled
// (segment's standardize := false, clustering.Unstandardize), and their
// bounds those of the centred values.
func (f *Fit) Unstandardize() {
	for _, c := range f.Encoder.Columns {
		if c.Kind == features.KindNumeric {
			f.bound[c.Offset] *= c.Std
		}
	}
	clustering.Unstandardize(f.Encoder)
}

// Sample fetches the encoded rows (f's encoder) of a deterministic sample
// of about size rows (every row when there are no more): the rows whose SampleHash (seeded with seed) is below a
// threshold, ordered by hash and then by their values, so that the sample
// and its order depend on the rows alone, not on the engine, its threads
// or its shards. It returns them (row-major) and their number.
func (p *Plan) Sample(ctx context.Context, f *Fit, seed int64, size int) ([]float64, int, error) {
	d := p.d
	enc, bound, rows := f.Encoder, f.bound, f.Rows
	e, err := sqlgen.EncodedRows(d.Dialect, enc)
	if err != nil {
		return nil, 0, dserr.Wrap(dserr.Internal, p.fn, "", err)
	}
	h := d.SampleHash(e.Inputs, bound, seed)
	cond := p.base
	if rows > int64(size) {
		limit := int64(float64(hashPrime)*float64(size)/float64(rows)) + 1
		cond += " AND " + h + " < " + strconv.FormatInt(limit, 10)
	}
	cols := append(slices.Clone(e.Inputs), h)
	res, err := p.run(ctx, "data", "fetching the sample", "SELECT "+strings.Join(cols, ", ")+" FROM "+e.From(p.from, cond))
	if err != nil {
		return nil, 0, err
	}
	w := enc.Width
	type row struct {
		h int64
		x []float64
	}
	all := make([]row, len(res))
	x := make([]float64, len(res)*w)
	for i, r := range res {
		if len(r) != w+1 {
			return nil, 0, dserr.New(dserr.Internal, p.fn, "", "sample row of %d values, want %d", len(r), w+1)
		}
		xi := x[i*w : (i+1)*w]
		for j := range w {
			if xi[j] = num(r[j]); math.IsNaN(xi[j]) {
				return nil, 0, dserr.New(dserr.Internal, p.fn, "", "unreadable sample value %v", r[j])
			}
		}
		all[i] = row{count(r[w]), xi}
	}
	slices.SortFunc(all, func(a, b row) int {
		if c := cmp.Compare(a.h, b.h); c != 0 {
			return c
		}
		return slices.Compare(a.x, b.x)
	})
	out := make([]float64, 0, len(x))
	for _, r := range all {
		out = append(out, r.x...)
	}
	if len(all) == 0 {
		return nil, 0, dserr.Arg(p.fn, "data", "the sample of the rows is empty")
	}
	return out, len(all), nil
}

// assignQuery is SELECT cols over the usable rows (cond) and the
// segments of assignment a, the rows for which after holds when it is not
// empty, with tail (GROUP BY ...) after it.
func (p *Plan) assignQuery(cols []string, a *sqlgen.Assignment, cond, after, tail string) string {
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + a.From(p.from, cond, after)
	if tail != "" {
		q += " " + tail
	}
	return q
}

// exactSums are the per-segment exact sums of one Lloyd or profile query.
type exactSums struct {
	counts []int64
	sums   [][]*big.Rat // [segment][column]
}

// groupQuery runs one GROUP BY query of the nearest segment of a over the
// usable rows, selecting count(*) and the exact sums of exprs at scales,
// and returns them per segment (k segments; segment s at s-1).
func (p *Plan) groupQuery(ctx context.Context, what string, a *sqlgen.Assignment, k int, exprs []string, scales []int) (*exactSums, error) {
	d := p.d
	cols := []string{a.Segment + " AS ds__segment", "count(*)"}
	for i, e := range exprs {
		cols = append(cols, d.ExactSum(e, scales[i]))
	}
	rows, err := p.run(ctx, "data", what, p.assignQuery(cols, a, p.base, "", "GROUP BY ds__segment"))
	if err != nil {
		return nil, err
	}
	out := &exactSums{counts: make([]int64, k), sums: make([][]*big.Rat, k)}
	for s := range out.sums {
		out.sums[s] = make([]*big.Rat, len(exprs))
		for j := range exprs {
			out.sums[s][j] = new(big.Rat)
		}
	}
	for _, r := range rows {
		s := int(count(r[0])) - 1
		if s < 0 || s >= k || len(r) != 2+len(exprs) {
			return nil, dserr.New(dserr.Internal, p.fn, "", "unreadable segment %v of %d", r[0], k)
		}
		out.counts[s] = count(r[1])
		for j := range exprs {
			v, err := d.parseExact(r[2+j], scales[j])
			if err != nil {
				return nil, dserr.Wrap(dserr.Internal, p.fn, "", err)
			}
			out.sums[s][j] = v
		}
	}
	return out, nil
}

// scales are the scales of the exact sums over rows rows of terms bounded
// by bounds.
func (p *Plan) scales(rows int64, bounds []float64) ([]int, error) {
	out := make([]int, len(bounds))
	for i, b := range bounds {
		s, ok := Scale(rows, b)
		if !ok {
			return nil, dserr.Arg(p.fn, "features", "values too large for exact sums (of order %g)", b)
		}
		out[i] = s
	}
	return out, nil
}

// distanceBound bounds the squared distance of an encoded row (inputs
// bounded by bound) to any of the centroids.
func distanceBound(bound, centroids []float64, k int) float64 {
	w := len(bound)
	total := 0.0
	for j, b := range bound {
		c := 0.0
		for s := range k {
			c = math.Max(c, math.Abs(centroids[s*w+j]))
		}
		total += (b + c) * (b + c)
	}
	return total
}

// Lloyd runs Lloyd iterations in the engine from the k x width centroids
// init over the rows of the plan (encoded by f's encoder), one GROUP BY
// query each (the
// nearest centroid; per segment count(*), the exact sums of the encoded
// inputs and of the squared distances), as local streamed segmentation
// runs them over its stream: at most maxIter, stopping once the centroids'
// squared movement is at most tol times the mean variance of the encoded
// inputs (the first query also sums their squares for it, as
// kmeans.Tolerance defines it). A segment left without rows takes the row
// farthest from its own centroid (one more query), as kmeans.Accumulator
// does. The model is that of the last centroids, with the sizes and the
// inertia of the last assignment (to the centroids before the update).
// Each iteration is reported to ctx's progress callback
// (training.ProgressFrom), its loss the mean squared distance.
func (p *Plan) Lloyd(ctx context.Context, f *Fit, init []float64, maxIter int, tol float64) (*kmeans.Model, error) {
	enc, bound, rows := f.Encoder, f.bound, f.Rows
	progress := training.ProgressFrom(ctx)
	t0 := time.Now()
	w := enc.Width
	k := len(init) / w
	if w == 0 || len(init) != k*w || len(bound) != w {
		return nil, dserr.New(dserr.Internal, p.fn, "", "%d initial values for %d inputs", len(init), w)
	}
	cent := slices.Clone(init)
	m := &kmeans.Model{K: k, Dim: w}
	absTol := -1.0
	if tol == 0 {
		absTol = 0
	}
	for it := 1; it <= maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return nil, dserr.Cancel(p.fn, "", err)
		}
		a, err := sqlgen.NearestCentroid(p.d.Dialect, enc, &kmeans.Model{K: k, Dim: w, Centroids: cent})
		if err != nil {
			return nil, dserr.Wrap(dserr.Internal, p.fn, "", err)
		}
		exprs := append(slices.Clone(a.Inputs), a.Distance2)
		bounds := append(slices.Clone(bound), distanceBound(bound, cent, k))
		if absTol < 0 {
			for j, in := range a.Inputs {
				exprs = append(exprs, "("+in+") * ("+in+")")
				bounds = append(bounds, bound[j]*bound[j])
			}
		}
		scales, err := p.scales(rows, bounds)
		if err != nil {
			return nil, err
		}
		g, err := p.groupQuery(ctx, fmt.Sprintf("of Lloyd iteration %d", it), a, k, exprs, scales)
		if err != nil {
			return nil, err
		}
		if absTol < 0 {
			absTol = tolerance(g, w, tol)
		}
		inertia := new(big.Rat)
		for s := range k {
			inertia.Add(inertia, g.sums[s][w])
		}
		sizes := slices.Clone(g.counts)
		next, err := p.update(ctx, a, enc, cent, g, k, w)
		if err != nil {
			return nil, err
		}
		shift := 0.0
		for i, v := range next {
			dv := v - cent[i]
			shift += dv * dv
		}
		m.Centroids, m.Iter, m.Sizes = next, it, sizes
		m.Inertia, _ = inertia.Float64()
		cent = next
		if progress != nil {
			progress(training.Epoch{Epoch: it, TrainLoss: m.Inertia / float64(rows), ValidLoss: dataset.Num(math.NaN()), ValidMetric: dataset.Num(math.NaN()),
				Seconds: time.Since(t0).Seconds(), Epochs: maxIter, Unit: "Lloyd iteration"})
			t0 = time.Now()
		}
		if shift <= absTol {
			m.Converged = true
			break
		}
	}
	return m, nil
}

// tolerance is tol times the mean over the w inputs of their population
// variance, from the sums and the sums of squares (columns w+1...) of
// the first Lloyd query: kmeans.Tolerance's number, computed exactly.
func tolerance(g *exactSums, w int, tol float64) float64 {
	var n int64
	for _, c := range g.counts {
		n += c
	}
	if n == 0 {
		return 0
	}
	nr := new(big.Rat).SetInt64(n)
	v := new(big.Rat)
	for j := range w {
		s1, s2 := new(big.Rat), new(big.Rat)
		for s := range g.sums {
			s1.Add(s1, g.sums[s][j])
			s2.Add(s2, g.sums[s][w+1+j])
		}
		// (s2 - s1²/n) / n
		sq := new(big.Rat).Mul(s1, s1)
		sq.Quo(sq, nr)
		s2.Sub(s2, sq)
		v.Add(v, s2.Quo(s2, nr))
	}
	mean, _ := v.Quo(v, new(big.Rat).SetInt64(int64(w))).Float64()
	return tol * mean
}

// update turns the sums of one Lloyd query into the next centroids: each
// segment's mean (its exact sums divided by its count); a segment left
// without rows takes the farthest row from its centroid that can leave its
// own segment (kmeans.Accumulator's rule: farthest first, then by the
// row's values; the segment it leaves keeps at least one row), fetched by
// one more query; one for which no row qualifies keeps its centroid.
func (p *Plan) update(ctx context.Context, a *sqlgen.Assignment, enc *features.Encoder, cent []float64, g *exactSums, k, w int) ([]float64, error) {
	next := slices.Clone(cent)
	moved := make([]bool, k)
	var empty []int
	for s := range k {
		if g.counts[s] == 0 {
			empty = append(empty, s)
		}
	}
	if len(empty) > 0 {
		far, err := p.farRows(ctx, a, k, w)
		if err != nil {
			return nil, err
		}
		f := 0
		for _, c := range empty {
			for ; f < len(far); f++ {
				r := far[f]
				if g.counts[r.seg] < 2 {
					continue // moving the row would empty its segment
				}
				for j, v := range r.x {
					g.sums[r.seg][j].Sub(g.sums[r.seg][j], new(big.Rat).SetFloat64(v))
				}
				g.counts[r.seg]--
				copy(next[c*w:(c+1)*w], r.x)
				moved[c] = true
				f++
				break
			}
		}
	}
	for s := range k {
		if moved[s] || g.counts[s] == 0 {
			continue
		}
		n := new(big.Rat).SetInt64(g.counts[s])
		for j := range w {
			next[s*w+j], _ = new(big.Rat).Quo(g.sums[s][j], n).Float64()
		}
	}
	return next, nil
}

// farRow is a row far from its centroid: its segment (0-based) and its
// encoded values.
type farRow struct {
	seg int
	x   []float64
}

// farRows fetches the k rows farthest from their nearest centroid (at a
// positive distance), farthest first, then by their values.
func (p *Plan) farRows(ctx context.Context, a *sqlgen.Assignment, k, w int) ([]farRow, error) {
	cols := []string{a.Segment + " AS ds__segment", a.Distance2 + " AS ds__dist"}
	order := []string{"ds__dist DESC"}
	for j, in := range a.Inputs {
		name := "ds__in" + strconv.Itoa(j)
		cols = append(cols, in+" AS "+name)
		order = append(order, name)
	}
	rows, err := p.run(ctx, "data", "fetching the rows farthest from their centroids", p.assignQuery(cols, a, p.base, a.Distance2+" > 0",
		"ORDER BY "+strings.Join(order, ", ")+" LIMIT "+strconv.Itoa(k)))
	if err != nil {
		return nil, err
	}
	out := make([]farRow, len(rows))
	for i, r := range rows {
		if len(r) != w+2 {
			return nil, dserr.New(dserr.Internal, p.fn, "", "far row of %d values, want %d", len(r), w+2)
		}
		out[i] = farRow{seg: int(count(r[0])) - 1, x: make([]float64, w)}
		if out[i].seg < 0 || out[i].seg >= k {
			return nil, dserr.New(dserr.Internal, p.fn, "", "unreadable segment %v", r[0])
		}
		for j := range w {
			out[i].x[j] = num(r[2+j])
		}
	}
	return out, nil
}

// profiles are the per-segment statistics of the profile pass
// (clustering.Profiles).
type profiles struct {
	rows []int64
	cols [][]features.ColumnProfile // [segment][column]
}

func (p *profiles) Rows(g int) int64                       { return p.rows[g] }
func (p *profiles) Columns() int                           { return len(p.cols[0]) }
func (p *profiles) Column(g, c int) features.ColumnProfile { return p.cols[g][c] }

// profilePass assigns the rows (f's fit pass) to the final centroids of m and sums, per
// segment, the squared distances (its inertia) and each feature column's
// raw values as a segment profile reports them (features.Profiler): a
// numeric column's exact sum and count, a boolean's count of true, a
// categorical column's count of each level (one query per such column).
// It returns the statistics and each segment's inertia.
func (p *Plan) profilePass(ctx context.Context, f *Fit, m *kmeans.Model) (*profiles, []float64, error) {
	d := p.d
	enc, bound := f.Encoder, f.bound
	k := m.K
	a, err := sqlgen.NearestCentroid(d.Dialect, enc, m)
	if err != nil {
		return nil, nil, dserr.Wrap(dserr.Internal, p.fn, "", err)
	}
	// count(column) and the sum of each column, after the distances.
	exprs := []string{a.Distance2}
	bounds := []float64{distanceBound(bound, m.Centroids, k)}
	for i, c := range enc.Columns {
		q := d.Ident(c.Name)
		exprs = append(exprs, "CASE WHEN "+q+" IS NULL THEN 0 ELSE 1 END")
		bounds = append(bounds, 1)
		switch c.Kind {
		case features.KindNumeric:
			exprs = append(exprs, "CASE WHEN "+q+" IS NULL THEN 0 ELSE "+d.Double(q)+" END")
			bounds = append(bounds, f.absMax[i])
		case features.KindBoolean:
			exprs = append(exprs, "CASE WHEN "+q+" IS NULL THEN 0 WHEN "+q+" THEN 1 ELSE 0 END")
			bounds = append(bounds, 1)
		default:
			exprs = append(exprs, "0")
			bounds = append(bounds, 1)
		}
	}
	scales, err := p.scales(f.Rows, bounds)
	if err != nil {
		return nil, nil, err
	}
	g, err := p.groupQuery(ctx, "profiling the segments", a, k, exprs, scales)
	if err != nil {
		return nil, nil, err
	}
	pr := &profiles{rows: g.counts, cols: make([][]features.ColumnProfile, k)}
	inertia := make([]float64, k)
	for s := range k {
		inertia[s], _ = g.sums[s][0].Float64()
		pr.cols[s] = make([]features.ColumnProfile, len(enc.Columns))
		for i, c := range enc.Columns {
			nn := g.sums[s][1+2*i].Num().Int64()
			cp := features.ColumnProfile{Column: c.Name, Kind: c.Kind, Count: nn, Nulls: g.counts[s] - nn}
			if c.Kind != features.KindCategorical {
				cp.Mean = math.NaN()
				if nn > 0 {
					cp.Mean, _ = new(big.Rat).Quo(g.sums[s][2+2*i], new(big.Rat).SetInt64(nn)).Float64()
				}
			} else {
				cp.Levels = map[string]int64{}
			}
			pr.cols[s][i] = cp
		}
	}
	// The levels of each categorical column, by segment.
	for i, c := range enc.Columns {
		if c.Kind != features.KindCategorical {
			continue
		}
		q := d.Ident(c.Name)
		rows, err := p.run(ctx, "data", "profiling the levels of "+c.Name, p.assignQuery([]string{a.Segment + " AS ds__segment", d.Text(q) + " AS ds__level", "count(*)"}, a,
			p.base+" AND "+q+" IS NOT NULL", "", "GROUP BY ds__segment, "+q))
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			s := int(count(r[0])) - 1
			if s < 0 || s >= k || r[1] == nil {
				return nil, nil, dserr.New(dserr.Internal, p.fn, "", "unreadable segment %v", r[0])
			}
			pr.cols[s][i].Levels[*r[1]] += count(r[2])
		}
	}
	return pr, inertia, nil
}

// FeatureColumn is a feature column of a plan: its name, as the table
// spells it, and its encoding kind (features.KindNumeric, KindBoolean,
// KindCategorical).
type FeatureColumn struct{ Name, Kind string }

// Features lists the plan's feature columns, in order.
func (p *Plan) Features() []FeatureColumn {
	out := make([]FeatureColumn, len(p.feats))
	for i, c := range p.feats {
		out[i] = FeatureColumn{c.name, c.kind}
	}
	return out
}
