package clustering

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
)

// FormatVersion is the version of the kmeans model document.
const FormatVersion = 1

// Document is a stored kmeans model: everything predict and the profile
// functions need. Segments are numbered 1..K by size, descending: segment s
// is centroid s-1.
type Document struct {
	Format     int                `json:"format"`
	Kind       string             `json:"kind"` // "kmeans"
	Encoder    features.Encoder   `json:"encoder"`
	Dropped    []features.Dropped `json:"dropped,omitempty"`
	Features   []string           `json:"features"`
	K          int                `json:"k"`
	KAutomatic bool               `json:"k_automatic"`
	KScores    []KScore           `json:"k_scores,omitempty"`
	Model      kmeans.Model       `json:"model"`
	Quality    Quality            `json:"quality"`
	Profile    []Segment          `json:"profile"`
	Population []ColumnStat       `json:"population"`
	Options    Options            `json:"options"`
	Data       dataset.Fingerprint
	// Statistics describe each feature column on every row read
	// (features.ColumnStats); nil in documents saved before ducksight
	// stored them.
	Statistics features.Statistics `json:"statistics,omitempty"`
}

// KScore is one k tried by the automatic choice.
type KScore struct {
	K          int         `json:"k"`
	Inertia    float64     `json:"inertia"`
	Silhouette dataset.Num `json:"silhouette"`
}

// Quality measures the chosen segmentation.
type Quality struct {
	K             int         `json:"k"`
	KAutomatic    bool        `json:"k_automatic"`
	Inertia       float64     `json:"inertia"`
	Silhouette    dataset.Num `json:"silhouette"`     // on at most SilhouetteRows rows
	DaviesBouldin dataset.Num `json:"davies_bouldin"` // lower is better
}

// Segment is one segment's profile.
type Segment struct {
	Segment     int             `json:"segment"`
	Size        int64           `json:"size"`
	Share       float64         `json:"share"`
	Columns     []SegmentColumn `json:"columns"` // in feature order
	Description string          `json:"description"`
}

// SegmentColumn is a segment's summary of one feature column: the mean of
// a numeric, date, timestamp or boolean column (original units: DATE days
// and TIMESTAMP seconds since the epoch, a boolean's share of true), or a
// categorical column's most common level and its share.
type SegmentColumn struct {
	Column   string      `json:"column"`
	Kind     string      `json:"kind"`
	Mean     dataset.Num `json:"mean,omitempty"`
	Top      *string     `json:"top,omitempty"`
	TopShare dataset.Num `json:"top_share,omitempty"`
}

// ColumnStat is the population mean and standard deviation of a numeric
// feature column (original units), or the level shares of a categorical
// one, for descriptions.
type ColumnStat struct {
	Column string             `json:"column"`
	Kind   string             `json:"kind"`
	Mean   dataset.Num        `json:"mean,omitempty"`
	Std    dataset.Num        `json:"std,omitempty"`
	Shares map[string]float64 `json:"shares,omitempty"`
}

// TrainingStatistics returns the statistics block of the document's
// features, nil when it was saved before ducksight stored one.
func (d *Document) TrainingStatistics() features.Statistics { return d.Statistics }

// Result is a fitted segmentation.
type Result struct {
	Doc     *Document
	Mode    string // "cached" or "streamed"
	Notes   []string
	Seconds float64
}

func errArg(arg, format string, a ...any) error { return dserr.Arg(Fn, arg, format, a...) }

// Fit segments the rows of src: it fits the distance preprocessing (pass
// 1), encodes the rows into memory when they fit memory_limit (pass 2, else
// every Lloyd iteration streams them), fits k-means (choosing k by
// silhouette when o.K is 0), numbers the segments by size and profiles them
// from the raw data (a last pass). Same rows, options and seed give the
// same document, bit for bit.
func Fit(ctx context.Context, src dataset.Source, o Options) (*Result, error) {
	start := time.Now()
	o.Defaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	memLimit, _ := dataset.ParseSize(o.MemoryLimit)
	schema := src.Schema()
	feats, explicit, err := chooseColumns(schema, &o)
	if err != nil {
		return nil, err
	}
	var notes []string

	// Pass 1: the preprocessing.
	fitter, err := features.NewFitter(schema, feats, features.FitOptions{MaxLevels: 100, Distance: true, Explicit: explicit})
	if err != nil {
		return nil, errArg("features", "%v", err)
	}
	var rows int64
	if err := dataset.EachBatch(ctx, src, Fn, func(rec arrow.RecordBatch) error {
		rows += rec.NumRows()
		return fitter.Observe(rec, nil)
	}); err != nil {
		return nil, err
	}
	if rows == 0 {
		return nil, errArg("data", "no rows")
	}
	enc, dropped, err := fitter.Finish()
	if err != nil {
		return nil, errArg("features", "%v", err)
	}
	for _, d := range dropped {
		notes = append(notes, fmt.Sprintf("dropped %s: %s", d.Column, d.Reason))
	}
	population := Population(enc)
	if !*o.Standardize {
		Unstandardize(enc)
	}
	binding, err := enc.Bind(schema)
	if err != nil {
		return nil, errArg("features", "%v", err)
	}
	width := enc.Width
	hashCols := make([]int, len(enc.Columns))
	for i, c := range enc.Columns {
		hashCols[i] = features.ColumnIndex(schema, c.Name)
	}

	// Pass 2: encode, into memory when it fits.
	mode := "cached"
	if rows*int64(width)*8 > memLimit {
		mode = "streamed"
	}
	var x []float64
	var n int
	var skipped int64
	var fp uint64
	var hashes []uint64
	// In streamed mode a deterministic sample (by row content) is kept
	// for the initialisation, the choice of k and the silhouette.
	sampleP := 1.0
	if mode == "streamed" {
		sampleP = math.Min(1, float64(SampleRows)/float64(rows))
		x = make([]float64, 0, int(float64(rows)*sampleP*1.1+1024)*width)
	} else {
		x = make([]float64, rows*int64(width))
	}
	var skipBuf []bool
	var sampleBuf []float64
	err = dataset.EachBatch(ctx, src, Fn, func(rec arrow.RecordBatch) error {
		m := int(rec.NumRows())
		skip := resize(&skipBuf, m)
		skipped += int64(binding.BadRows(rec, skip))
		hashes = features.RowHashes(rec, hashCols, uint64(*o.Seed), hashes[:0])
		for i, h := range hashes {
			if !skip[i] {
				fp += h
			}
		}
		if mode == "cached" {
			n += binding.Encode(rec, skip, x[n*width:])
			return nil
		}
		for i, h := range hashes {
			if !skip[i] && features.HashUnit(h) >= sampleP {
				skip[i] = true
			}
		}
		if cap(sampleBuf) < m*width {
			sampleBuf = make([]float64, m*width)
		}
		k := binding.Encode(rec, skip, sampleBuf)
		x = append(x, sampleBuf[:k*width]...)
		n += k
		return nil
	})
	if err != nil {
		return nil, err
	}
	if skipped > 0 {
		notes = append(notes, fmt.Sprintf("skipped %d rows with a NaN or infinite feature", skipped))
	}
	used := rows - skipped
	if n == 0 || used == 0 {
		return nil, errArg("data", "no usable rows: all %d rows were skipped", rows)
	}
	x = x[:n*width]
	pointsOf := "the data"
	if mode == "streamed" {
		pointsOf = fmt.Sprintf("the %d-row sample of the data the initialisation uses", n)
	}
	model, scores, sample, kNotes, err := FitSample(ctx, x, n, width, used, pointsOf, o)
	if err != nil {
		return nil, err
	}
	notes = append(notes, kNotes...)
	if mode == "streamed" {
		if model, err = streamLloyd(ctx, src, binding, model, o); err != nil {
			return nil, err
		}
	}
	model.OrderBySize()

	// Quality on the cache (or the sample).
	q := Measure(x, n, width, model, o.K == 0, sample)
	x = nil

	// Profile pass: the raw values of every row, by segment.
	prof := features.NewProfiler(binding, model.K)
	var enc2 []float64
	var groups []int32
	err = dataset.EachBatch(ctx, src, Fn, func(rec arrow.RecordBatch) error {
		m := int(rec.NumRows())
		skip := resize(&skipBuf, m)
		binding.BadRows(rec, skip)
		if cap(enc2) < m*width {
			enc2 = make([]float64, m*width)
			groups = make([]int32, m)
		}
		k := binding.Encode(rec, skip, enc2)
		groups = groups[:m]
		model.Assign(enc2[:k*width], k, groups[:k], nil)
		// Spread the k segments over the m rows, skipped rows -1: from the
		// end, so every segment is read before its place is written.
		j := k - 1
		for i := m - 1; i >= 0; i-- {
			if skip[i] {
				groups[i] = -1
				continue
			}
			groups[i] = groups[j]
			j--
		}
		prof.Add(rec, groups)
		return nil
	})
	if err != nil {
		return nil, err
	}
	profile := Profile(prof, population, model, used)

	doc := &Document{
		Format: FormatVersion, Kind: "kmeans", Encoder: *enc, Dropped: dropped, Features: encNames(enc),
		K: model.K, KAutomatic: o.K == 0, KScores: scores, Model: *model, Quality: q, Profile: profile,
		Population: population, Options: o, Data: dataset.NewFingerprint(rows, fp), Statistics: fitter.Statistics(),
	}
	return &Result{Doc: doc, Mode: mode, Notes: notes, Seconds: time.Since(start).Seconds()}, nil
}

// Separation measures how well k clusters of the n rows of x (row-major,
// n x w) separate: the silhouette on the rows listed in sample, and the
// Davies-Bouldin index of all rows (with centroids, or the clusters' means
// when nil). Both are NaN for fewer than two clusters.
func Separation(x []float64, n, w int, labels []int32, k int, sample []int, centroids []float64) (silhouette, daviesBouldin float64) {
	if k < 2 {
		return math.NaN(), math.NaN()
	}
	sx := make([]float64, 0, len(sample)*w)
	sl := make([]int32, 0, len(sample))
	for _, r := range sample {
		sx = append(sx, x[r*w:(r+1)*w]...)
		sl = append(sl, labels[r])
	}
	return kmeans.Silhouette(sx, len(sample), w, sl, k), kmeans.DaviesBouldin(x, n, w, labels, centroids, k)
}

// SampleRows is about how many rows streamed mode keeps in memory for
// the initialisation and the quality measures, and how many a segment
// with engine := fetches from the engine for them.
const SampleRows = 200000

// streamLloyd runs Lloyd iterations from model's centroids over the whole
// stream (streamed mode), one pass per iteration.
func streamLloyd(ctx context.Context, src dataset.Source, b *features.Binding, model *kmeans.Model, o Options) (*kmeans.Model, error) {
	k, d := model.K, model.Dim
	acc := kmeans.NewAccumulator(model.Centroids, k, d)
	var buf []float64
	var skipBuf []bool
	tol := -1.0
	m := &kmeans.Model{K: k, Dim: d}
	for it := 1; it <= o.MaxIter; it++ {
		var sum, sq []float64
		var cnt int64
		err := dataset.EachBatch(ctx, src, Fn, func(rec arrow.RecordBatch) error {
			r := int(rec.NumRows())
			skip := resize(&skipBuf, r)
			b.BadRows(rec, skip)
			if cap(buf) < r*d {
				buf = make([]float64, r*d)
			}
			e := b.Encode(rec, skip, buf)
			if tol < 0 {
				// The tolerance's scale: the column variances, from the
				// first pass.
				if sum == nil {
					sum, sq = make([]float64, d), make([]float64, d)
				}
				for i := 0; i < e; i++ {
					for j, v := range buf[i*d : (i+1)*d] {
						sum[j] += v
						sq[j] += v * v
					}
				}
				cnt += int64(e)
			}
			acc.Add(buf[:e*d], e, nil)
			return nil
		})
		if err != nil {
			return nil, err
		}
		if tol < 0 {
			v := 0.0
			for j := range sum {
				mean := sum[j] / float64(cnt)
				v += sq[j]/float64(cnt) - mean*mean
			}
			tol = *o.Tol * v / float64(d)
		}
		cents, shift, inertia := acc.Next()
		m.Centroids, m.Inertia, m.Iter = append([]float64(nil), cents...), inertia, it
		m.Sizes = append([]int64(nil), acc.Counts()...)
		if shift <= tol {
			m.Converged = true
			break
		}
	}
	return m, nil
}

func fitError(err error) error {
	return dserr.Wrap(dserr.Internal, Fn, "", err)
}

// Profiles are the per-segment statistics of the feature columns that a
// segment profile reports: a features.Profiler's, or a pushed-down
// segmentation's aggregates.
type Profiles interface {
	// Rows is the number of rows of segment g (0-based).
	Rows(g int) int64
	// Columns is the number of feature columns, in the encoder's order.
	Columns() int
	// Column is segment g's statistics of feature column c.
	Column(g, c int) features.ColumnProfile
}

// Profile builds each segment's profile and description from the
// statistics p of the segments of m (numbered as m's centroids), used rows
// in all; it sets the level shares of pop's categorical columns.
func Profile(p Profiles, pop []ColumnStat, m *kmeans.Model, used int64) []Segment {
	// Population level shares of the categorical columns.
	for c := range pop {
		if pop[c].Kind != features.KindCategorical {
			continue
		}
		total := int64(0)
		counts := map[string]int64{}
		for g := 0; g < m.K; g++ {
			cp := p.Column(g, c)
			total += cp.Count + cp.Nulls
			for l, v := range cp.Levels {
				counts[l] += v
			}
		}
		pop[c].Shares = map[string]float64{}
		for l, v := range counts {
			pop[c].Shares[l] = float64(v) / float64(max(total, 1))
		}
	}
	out := make([]Segment, m.K)
	for g := 0; g < m.K; g++ {
		size := p.Rows(g)
		s := Segment{Segment: g + 1, Size: size, Share: float64(size) / float64(max(used, 1))}
		type cand struct {
			text string
			z    float64
		}
		var cands []cand
		for c := 0; c < p.Columns(); c++ {
			cp := p.Column(g, c)
			sc := SegmentColumn{Column: cp.Column, Kind: cp.Kind}
			if cp.Kind == features.KindCategorical {
				top, topN := "", int64(-1)
				for l, v := range cp.Levels {
					if v > topN || v == topN && l < top {
						top, topN = l, v
					}
				}
				all := cp.Count + cp.Nulls
				if topN >= 0 && all > 0 {
					t := top
					sc.Top, sc.TopShare = &t, dataset.Num(float64(topN)/float64(all))
				} else {
					sc.TopShare = dataset.Num(math.NaN())
				}
				// Each level: its share here against the population's.
				for l, v := range cp.Levels {
					pp := pop[c].Shares[l]
					if pp <= 0 || pp >= 1 || all == 0 {
						continue
					}
					z := (float64(v)/float64(all) - pp) / math.Sqrt(pp*(1-pp))
					cands = append(cands, cand{fmt.Sprintf("%s %s %s", cp.Column, quoteLevel(l), moreOrLess(z)), z})
				}
			} else {
				sc.Mean = dataset.Num(cp.Mean)
				if sd := float64(pop[c].Std); sd > 0 && !math.IsNaN(cp.Mean) {
					z := (cp.Mean - float64(pop[c].Mean)) / sd
					cands = append(cands, cand{fmt.Sprintf("%s %s", cp.Column, highOrLow(z)), z})
				}
			}
			s.Columns = append(s.Columns, sc)
		}
		sort.SliceStable(cands, func(i, j int) bool {
			ai, aj := math.Abs(cands[i].z), math.Abs(cands[j].z)
			if ai != aj {
				return ai > aj
			}
			return cands[i].text < cands[j].text
		})
		var parts []string
		for _, c := range cands[:min(3, len(cands))] {
			parts = append(parts, fmt.Sprintf("%s (%+.1f sd)", c.text, c.z))
		}
		s.Description = strings.Join(parts, ", ")
		out[g] = s
	}
	return out
}

func highOrLow(z float64) string {
	if z >= 0 {
		return "high"
	}
	return "low"
}

func moreOrLess(z float64) string {
	if z >= 0 {
		return "more common"
	}
	return "less common"
}

func quoteLevel(l string) string { return "'" + strings.ReplaceAll(l, "'", "''") + "'" }

func encNames(e *features.Encoder) []string {
	out := make([]string, len(e.Columns))
	for i, c := range e.Columns {
		out[i] = c.Name
	}
	return out
}

func resize(buf *[]bool, n int) []bool {
	if cap(*buf) < n {
		*buf = make([]bool, n)
	}
	s := (*buf)[:n]
	clear(s)
	return s
}

// Population is the population statistics of the columns of enc, for
// descriptions: a numeric, date or timestamp column's mean and standard
// deviation, a boolean's share of true and its standard deviation (the
// level shares of categorical columns are set by Profile). Call it before
// Unstandardize.
func Population(enc *features.Encoder) []ColumnStat {
	population := make([]ColumnStat, len(enc.Columns))
	for i, c := range enc.Columns {
		population[i] = ColumnStat{Column: c.Name, Kind: c.Kind}
		switch c.Kind {
		case features.KindCategorical:
		case features.KindBoolean:
			population[i].Mean, population[i].Std = dataset.Num(c.Mean), dataset.Num(math.Sqrt(c.Mean*(1-c.Mean)))
		default:
			population[i].Mean, population[i].Std = dataset.Num(c.Mean), dataset.Num(c.Std)
		}
	}
	return population
}

// Unstandardize makes the numeric, date and timestamp inputs of enc
// centred but not scaled (standardize := false): distances in the
// columns' own units.
func Unstandardize(enc *features.Encoder) {
	for i := range enc.Columns {
		switch enc.Columns[i].Kind {
		case features.KindNumeric, features.KindDate, features.KindTimestamp:
			enc.Columns[i].Std = 1
		}
	}
}

// FitSample fits k-means to the n encoded rows of x (n x width: every
// row, or the sample of a streamed or pushed-down segmentation, of used
// usable rows in all; pointsOf names them in errors) with options o,
// choosing k by silhouette when o.K is 0. It returns the model, the score
// of every k tried, the rows of x the silhouette is measured on, and
// notes.
func FitSample(ctx context.Context, x []float64, n, width int, used int64, pointsOf string, o Options) (*kmeans.Model, []KScore, []int, []string, error) {
	if o.K > 0 && int64(o.K) > used {
		return nil, nil, nil, nil, errArg("k", "%d is more than the %d usable rows", o.K, used)
	}
	// k-means cannot make more segments than the data has distinct points.
	distinct := distinctRows(x, n, width, max(o.K, o.KMax))
	if o.K > distinct {
		return nil, nil, nil, nil, errArg("k", "must be at most the number of distinct points in %s (%d), got %d", pointsOf, distinct, o.K)
	}
	cfg := kmeans.DefaultConfig(o.K)
	cfg.Init, cfg.NInit, cfg.MaxIter, cfg.Tol, cfg.Seed = o.Init, o.NInit, o.MaxIter, *o.Tol, *o.Seed
	sample := kmeans.SampleRows(n, SilhouetteRows, *o.Seed)
	if o.K == 0 {
		kMax := int(min(int64(o.KMax), used-1, int64(n-1)))
		if kMax < 2 {
			return nil, nil, nil, nil, errArg("data", "too few usable rows (%d) to choose k automatically", used)
		}
		if distinct < 2 {
			return nil, nil, nil, nil, errArg("data", "too few distinct points (%d) in %s to choose k automatically", distinct, pointsOf)
		}
		kMax = min(kMax, distinct)
		best, ks, models, err := kmeans.ChooseK(ctx, x, n, width, nil, 2, kMax, cfg, sample)
		if err != nil {
			return nil, nil, nil, nil, fitError(err)
		}
		var scores []KScore
		for _, s := range ks {
			scores = append(scores, KScore{K: s.K, Inertia: s.Inertia, Silhouette: dataset.Num(s.Silhouette)})
		}
		return models[best-2], scores, sample, []string{fmt.Sprintf("k %d chosen by silhouette among 2..%d", best, kMax)}, nil
	}
	if o.K > n {
		return nil, nil, nil, nil, errArg("k", "%d is more than the %d sampled rows", o.K, n)
	}
	model, err := kmeans.Fit(ctx, x, n, width, nil, cfg)
	if err != nil {
		return nil, nil, nil, nil, fitError(err)
	}
	return model, nil, sample, nil, nil
}

// Measure is the quality of model (numbered by size) on the n rows of x
// (n x width): its inertia, and the silhouette on the rows of sample and
// the Davies-Bouldin index of those rows.
func Measure(x []float64, n, width int, model *kmeans.Model, auto bool, sample []int) Quality {
	labels := make([]int32, n)
	model.Assign(x, n, labels, nil)
	sil, db := Separation(x, n, width, labels, model.K, sample, nil)
	return Quality{K: model.K, KAutomatic: auto, Inertia: model.Inertia, Silhouette: dataset.Num(sil), DaviesBouldin: dataset.Num(db)}
}
