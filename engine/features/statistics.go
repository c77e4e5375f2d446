package features

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// EdgeCount is the number of edges of a column's quantile bins: the 0,
// 0.1, ..., 1 quantiles, the edges of 10 equal-frequency bins.
const EdgeCount = 11

// ExactEdges is the largest number of finite values of a column whose
// quantile edges are exact. Beyond it the interior edges come from a
// sample (see ColumnStats.Sample).
const ExactEdges = 1 << 14

// ColumnStats is the statistics block of one input column of a model, as
// measured on the rows it was trained on: what later drift checks and
// explanations compare new data with. Every training function stores one
// per input column (Statistics) in the model document.
//
// Rows is the number of rows the trainer read with a usable label (the
// training and validation rows together; every row for segment, which
// has no label). NullShare is the share of them
// whose value is NULL or NaN (both are missing values).
//
// By Kind (the kinds of ColumnEncoding):
//
//   - "numeric": Mean and Std (sample standard deviation) of the finite
//     values, InfShare the share of ±Inf values, and Edges.
//   - "date", "timestamp": Edges only, in Arrow's units of Type (DATE
//     days since 1970-01-01, TIMESTAMP ticks of its unit since the epoch,
//     e.g. microseconds for "timestamp[us]").
//   - "boolean": Levels "false" and "true", then the NULL entry.
//   - "categorical" (VARCHAR, ENUM): Levels holds the share of each kept
//     training level (the most frequent ones, the model's levels), then
//     the 'other' entry (every other level), then the NULL entry. An
//     unseen level at predict time counts as 'other'.
//
// Edges are the EdgeCount quantile edges of the finite values: Edges[0]
// is the minimum and Edges[10] the maximum, both exact; Edges[k] is the
// k/10 quantile, interpolated between the two nearest order statistics
// as DuckDB's quantile_cont does. They are exact when the column has at
// most ExactEdges finite values; beyond, the interior edges are the
// quantiles of a stratified sample of Sample values (one value drawn by a
// fixed hash from each run of 2^L consecutive values, L chosen so that
// between ExactEdges/2 and ExactEdges values are kept): the rank of such
// an edge is within about ±0.55% of the rows of its quantile (one
// standard deviation at the sample's smallest size; the worst of the nine
// was 0.3-0.5% on a million random values, under 0.2% on sorted or
// periodic ones). The same values in the same order give the same edges,
// however they are batched.
type ColumnStats struct {
	Column    string       `json:"column"`
	Kind      string       `json:"kind"`
	Type      string       `json:"type,omitempty"` // Arrow type of the training column
	Rows      int64        `json:"rows"`
	NullShare float64      `json:"null_share"`
	InfShare  float64      `json:"inf_share,omitempty"`
	Mean      *float64     `json:"mean,omitempty"`
	Std       *float64     `json:"std,omitempty"`
	Edges     []float64    `json:"edges,omitempty"`
	Sample    int64        `json:"sample,omitempty"` // values the interior edges come from; 0: all (exact)
	Levels    []LevelShare `json:"levels,omitempty"`
}

// LevelShare is the share of a column's rows that hold one level. Other
// marks the entry of every level that is not listed, Null the entry of
// NULL; their Level is empty.
type LevelShare struct {
	Level string  `json:"level"`
	Share float64 `json:"share"`
	Other bool    `json:"other,omitempty"`
	Null  bool    `json:"null,omitempty"`
}

// Statistics is the statistics block of a model: one ColumnStats per
// input column, in the model's column order. Models trained before
// ducksight stored statistics have none (a nil Statistics).
type Statistics []ColumnStats

// shareTolerance is how far from 1 a categorical column's level shares
// may sum.
const shareTolerance = 1e-9

// ValidateDocument checks s as the statistics of a model document whose
// input columns are features: s validates itself (Validate) and has one
// block per feature, in that order.
func (s Statistics) ValidateDocument(features []string) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("statistics: %v", err)
	}
	names := make([]string, len(s))
	for i := range s {
		names[i] = s[i].Column
	}
	if !slices.Equal(names, features) {
		return fmt.Errorf("features %q, but the statistics describe %q", features, names)
	}
	return nil
}

// Validate checks that every block of s is well formed (ColumnStats.Validate)
// and that no column has two.
func (s Statistics) Validate() error {
	seen := map[string]bool{}
	for i := range s {
		c := &s[i]
		if err := c.Validate(); err != nil {
			return err
		}
		low := strings.ToLower(c.Column)
		if seen[low] {
			return fmt.Errorf("column %q has two statistics blocks", c.Column)
		}
		seen[low] = true
	}
	return nil
}

// Validate checks one block: a name, a known kind, at least one row,
// shares in [0, 1], finite mean and standard deviation (numeric columns
// only), EdgeCount finite sorted edges (numeric, date and timestamp
// columns only), and for boolean and categorical columns level shares
// that end with the 'other' (categorical only) and NULL entries, agree
// with NullShare and sum to 1 within 1e-9.
func (c *ColumnStats) Validate() error {
	if c.Column == "" {
		return errors.New("a statistics block without a column name")
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("column %q: "+format, append([]any{c.Column}, a...)...)
	}
	if c.Rows < 1 {
		return bad("statistics over %d rows", c.Rows)
	}
	if !isShare(c.NullShare) || !isShare(c.InfShare) || !(c.NullShare+c.InfShare <= 1+shareTolerance) {
		return bad("invalid NULL share %v or infinite share %v", c.NullShare, c.InfShare)
	}
	numeric := c.Kind == KindNumeric
	ordered := numeric || c.Kind == KindDate || c.Kind == KindTimestamp
	switch c.Kind {
	case KindNumeric, KindDate, KindTimestamp, KindBoolean, KindCategorical:
	default:
		return bad("unknown kind %q", c.Kind)
	}
	if !numeric && (c.Mean != nil || c.Std != nil || c.InfShare != 0) {
		return bad("a mean, standard deviation or infinite share in a %s column (they are for numeric columns)", c.Kind)
	}
	if c.Mean != nil && !finite(*c.Mean) {
		return bad("invalid mean %v", *c.Mean)
	}
	if c.Std != nil && !(*c.Std >= 0 && finite(*c.Std)) {
		return bad("invalid standard deviation %v", *c.Std)
	}
	if !ordered {
		if c.Edges != nil || c.Sample != 0 {
			return bad("quantile edges in a %s column (they are for numeric, date and timestamp columns)", c.Kind)
		}
		return c.validateLevels()
	}
	if len(c.Levels) > 0 {
		return bad("level shares in a %s column (they are for boolean and categorical columns)", c.Kind)
	}
	if c.Edges == nil {
		if c.Sample != 0 {
			return bad("a sample size without quantile edges")
		}
		return nil
	}
	if len(c.Edges) != EdgeCount {
		return bad("%d quantile edges (there are %d)", len(c.Edges), EdgeCount)
	}
	for i, e := range c.Edges {
		if !finite(e) {
			return bad("quantile edge %d is %v", i, e)
		}
		if i > 0 && e < c.Edges[i-1] {
			return bad("quantile edges out of order (%v after %v)", e, c.Edges[i-1])
		}
	}
	if c.Sample < 0 {
		return bad("a sample of %d values", c.Sample)
	}
	return nil
}

// validateLevels checks the level shares of a boolean or categorical
// block.
func (c *ColumnStats) validateLevels() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("column %q: "+format, append([]any{c.Column}, a...)...)
	}
	n := len(c.Levels)
	tail := 2 // 'other', NULL
	if c.Kind == KindBoolean {
		tail = 1
	}
	if n < tail {
		return bad("%d level shares; a %s column ends with the %s", n, c.Kind, map[bool]string{true: "NULL entry", false: "'other' and NULL entries"}[tail == 1])
	}
	kept := c.Levels[:n-tail]
	if tail == 2 && !c.Levels[n-2].isOther() {
		return bad("the level share before the last is not the 'other' entry")
	}
	if !c.Levels[n-1].isNull() {
		return bad("the last level share is not the NULL entry")
	}
	if c.Levels[n-1].Share != c.NullShare {
		return bad("NULL entry %v, but NULL share %v", c.Levels[n-1].Share, c.NullShare)
	}
	if c.Kind == KindBoolean && (len(kept) != 2 || kept[0].Level != "false" || kept[1].Level != "true") {
		return bad("a boolean column's levels are false and true")
	}
	seen := make(map[string]bool, len(kept))
	for _, l := range kept {
		if l.Other || l.Null {
			return bad("an 'other' or NULL entry among the levels")
		}
		if seen[l.Level] {
			return bad("level %q listed twice", l.Level)
		}
		seen[l.Level] = true
	}
	sum := 0.0
	for _, l := range c.Levels {
		if !isShare(l.Share) {
			return bad("level %q has share %v", l.Level, l.Share)
		}
		sum += l.Share
	}
	if math.Abs(sum-1) > shareTolerance {
		return bad("level shares sum to %v, not 1", sum)
	}
	return nil
}

func (l *LevelShare) isOther() bool { return l.Other && !l.Null && l.Level == "" }
func (l *LevelShare) isNull() bool  { return l.Null && !l.Other && l.Level == "" }

// isShare reports whether x is in [0, 1].
func isShare(x float64) bool { return x >= 0 && x <= 1 }

// StatsOf computes the statistics block of one column from its values in
// the column-major float64 form of package trees, for a trainer that
// holds them (engine/features' Fitter computes the same block while it
// fits: Fitter.Statistics):
//
//   - kind "numeric", "date", "timestamp": the values (DATE and TIMESTAMP
//     in Arrow's units of typ), NaN for NULL, ±Inf as they are;
//   - kind "boolean": 0 for false, any other number for true, NaN for
//     NULL;
//   - kind "categorical": the code of each row, 0..len(levels)-1 for a
//     level of levels (the kept levels, most frequent first), anything
//     else for 'other', NaN for NULL.
//
// typ is the column's Arrow type name (stored for reference). The edges,
// level shares and NULL share are the Fitter's for the same values in the
// same order, bit for bit; the mean and standard deviation (one pass over
// all values here, merged batch by batch there) agree to rounding.
func StatsOf(column, kind, typ string, values []float64, levels []string) ColumnStats {
	cs := ColumnStats{Column: column, Kind: kind, Type: typ, Rows: int64(len(values))}
	if len(values) == 0 {
		return cs // no shares to give (Validate refuses a block over no rows)
	}
	rows := float64(len(values))
	switch kind {
	case KindCategorical, KindBoolean:
		var other, nulls int64
		if kind == KindBoolean {
			levels = []string{"false", "true"}
		}
		counts := make([]int64, len(levels))
		for _, v := range values {
			switch {
			case math.IsNaN(v):
				nulls++
			case kind == KindBoolean:
				counts[b2i(v != 0)]++
			case v >= 0 && v < float64(len(levels)) && v == math.Trunc(v):
				counts[int(v)]++
			default:
				other++
			}
		}
		cs.NullShare = float64(nulls) / rows
		cs.Levels = levelShares(levels, counts, other, nulls, kind == KindCategorical, rows)
		return cs
	}
	var nulls, inf, n int64
	var sum float64
	lo, hi := math.Inf(1), math.Inf(-1)
	var sample edgeSample
	const chunk = 4096
	buf := make([]float64, 0, min(chunk, len(values)))
	for _, v := range values {
		if !finite(v) {
			if math.IsNaN(v) {
				nulls++
			} else {
				inf++
			}
			continue
		}
		n++
		sum += v
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		buf = append(buf, v)
		if len(buf) == chunk {
			sample.add(buf)
			buf = buf[:0]
		}
	}
	sample.add(buf)
	cs.NullShare, cs.InfShare = float64(nulls)/rows, float64(inf)/rows
	if n == 0 {
		return cs
	}
	cs.Edges, cs.Sample = sample.edges(lo, hi)
	if kind == KindNumeric {
		mean := sum / float64(n)
		m2 := 0.0
		for _, v := range values {
			if finite(v) {
				d := v - mean
				m2 += d * d
			}
		}
		setMoments(&cs, n, mean, m2)
	}
	return cs
}

// setMoments sets a numeric block's mean and sample standard deviation
// from n finite values, their mean and their sum of squared deviations,
// leaving out what is not finite (or not defined, below two values).
func setMoments(cs *ColumnStats, n int64, mean, m2 float64) {
	if finite(mean) {
		cs.Mean = &mean
	}
	if n >= 2 {
		if std := math.Sqrt(m2 / float64(n-1)); finite(std) {
			cs.Std = &std
		}
	}
}

// levelShares lists the shares of the kept levels, then of 'other' (when
// withOther), then of NULL, out of rows rows.
func levelShares(levels []string, counts []int64, other, nulls int64, withOther bool, rows float64) []LevelShare {
	out := make([]LevelShare, 0, len(levels)+2)
	for i, l := range levels {
		out = append(out, LevelShare{Level: l, Share: float64(counts[i]) / rows})
	}
	if withOther {
		out = append(out, LevelShare{Other: true, Share: float64(other) / rows})
	}
	return append(out, LevelShare{Null: true, Share: float64(nulls) / rows})
}

// edgeSample keeps the finite values of a column that its quantile edges
// are computed from: every value while there are at most ExactEdges of
// them; then a stratified sample, kept at level L: of every run of 2^L
// consecutive values (by position among the column's finite values), the
// one chosen by a fixed hash of the run. The run of level L+1 made of two
// runs of level L keeps the value of one of them (a coin from the hash),
// so raising the level halves the sample and keeps it a sample of the
// same kind. Which values are kept depends on their positions only, never
// on how they are batched.
//
// The kept values are those of runs 0, 1, ..., len(val)-1, in order (a
// run's value is kept as soon as it is seen, and runs end in order), so
// val[j] is the value at position keptAt(level, j).
type edgeSample struct {
	n     int64 // values seen
	next  int64 // position of the next value to keep
	level uint
	val   []float64

	// The coins of a block of 64 runs come from one hash; the last block
	// hashed at each level is kept: one hash serves 64 runs.
	coinBlock [64]int64 // block+1; 0: none yet
	coinBits  [64]uint64
}

// sampleKey keys the sample's coins: a constant, so the statistics of the
// same data are the same whatever the training seed.
const sampleKey = 0x2545f4914f6cdd1d

// coin is the child (0 or 1) whose value run r of level l keeps: bit r%64
// of a hash of the level and r/64.
func (q *edgeSample) coin(l uint, r int64) int64 {
	l &= 63 // levels stay below 50 (2^63 values / ExactEdges): no index out of range
	if b := r>>6 + 1; q.coinBlock[l] != b {
		q.coinBlock[l] = b
		q.coinBits[l] = fmix64(uint64(r>>6) ^ (uint64(l)*hk2 + sampleKey))
	}
	return int64(q.coinBits[l] >> (r & 63) & 1)
}

// keptAt is the position of the value run r of level l keeps.
func (q *edgeSample) keptAt(l uint, r int64) int64 {
	for ; l > 0; l-- {
		r = r<<1 | q.coin(l, r)
	}
	return r
}

// add offers the next finite values of the column.
func (q *edgeSample) add(vals []float64) {
	end := q.n + int64(len(vals))
	if q.level == 0 {
		// Every value is kept while they fit.
		k := min(len(vals), ExactEdges-len(q.val))
		q.reserve(len(q.val) + k)
		q.val = append(q.val, vals[:k]...)
		q.next = q.n + int64(k)
	}
	for q.next < end {
		q.reserve(len(q.val) + 1)
		q.val = append(q.val, vals[q.next-q.n])
		if len(q.val) > ExactEdges {
			q.raise()
		}
		q.next = q.keptAt(q.level, int64(len(q.val))) // the next run's
	}
	q.n = end
}

// reserve makes room for n kept values, never more than ExactEdges+1 (a
// value beyond ExactEdges raises the level at once).
func (q *edgeSample) reserve(n int) {
	if n <= cap(q.val) {
		return
	}
	val := make([]float64, len(q.val), min(max(2*cap(q.val), n), ExactEdges+1))
	copy(val, q.val)
	q.val = val
}

// raise goes one level up: of each pair of runs it keeps the value of the
// child the coin chose (none for a last run whose chosen child is still
// to come).
func (q *edgeSample) raise() {
	l := q.level + 1
	n := len(q.val)
	k := 0
	for r := 0; 2*r+1 < n; r++ {
		q.val[k] = q.val[2*r+int(q.coin(l, int64(r)))]
		k++
	}
	if n%2 == 1 && q.coin(l, int64(n/2)) == 0 {
		q.val[k] = q.val[n-1]
		k++
	}
	q.val = q.val[:k]
	q.level = l
}

// edges returns the EdgeCount quantile edges of the values (lo and hi are
// their exact minimum and maximum) and the size of the sample the
// interior ones come from (0 when they are exact), or nil and 0 without
// values. It reorders the kept values: no value may be added after.
func (q *edgeSample) edges(lo, hi float64) ([]float64, int64) {
	m := len(q.val)
	if m == 0 {
		return nil, 0
	}
	steps := int64(EdgeCount - 1)
	// The order statistics needed: position (m-1)·k/10, split exactly
	// into whole and fraction, and the next one when the fraction is not 0.
	need := make([]int, 0, 2*EdgeCount)
	for k := int64(1); k < steps; k++ {
		at := int64(m-1) * k
		need = append(need, int(at/steps))
		if at%steps != 0 {
			need = append(need, int(at/steps)+1)
		}
	}
	s := q.val // reordered: nothing is added after
	selectAll(s, slices.Compact(need))
	e := make([]float64, EdgeCount)
	e[0], e[EdgeCount-1] = lo, hi
	for k := int64(1); k < steps; k++ {
		at := int64(m-1) * k
		i, frac := at/steps, float64(at%steps)/float64(steps)
		v := s[i]
		if frac > 0 {
			a, b := s[i], s[i+1]
			v = a + (b-a)*frac
			if !finite(v) { // b-a overflows
				v = a*(1-frac) + b*frac
			}
			v = min(max(v, a), b)
		}
		e[k] = min(max(v, e[k-1]), hi)
	}
	var sample int64
	if q.level > 0 {
		sample = int64(m)
	}
	return e, sample
}

// selectAll reorders s so that s[i] holds the value it would hold if s
// were sorted, for each i of idx (ascending): a quickselect that follows
// every index at once, with a median-of-three pivot and a three-way
// partition (ties are common in data), sorting instead after too many
// partitions. It is deterministic.
func selectAll(s []float64, idx []int) { selectFrom(s, 0, idx, 0) }

// partitionLess moves the values of s below pivot to the front and
// returns how many there are. Its only branch is the loop's own: s[k:i]
// are not below pivot, so swapping v = s[i] with s[k] keeps them so, and
// k moves past v when v is below.
func partitionLess(s []float64, pivot float64) int {
	k := 0
	for i, v := range s {
		s[i], s[k] = s[k], v
		k += b2i(v < pivot)
	}
	return k
}

// partitionEqual is partitionLess for the values equal to pivot.
func partitionEqual(s []float64, pivot float64) int {
	k := 0
	for i, v := range s {
		s[i], s[k] = s[k], v
		k += b2i(v == pivot)
	}
	return k
}

// selectFrom is selectAll on s, which starts at index base of the whole,
// after depth partitions.
func selectFrom(s []float64, base int, idx []int, depth int) {
	for len(idx) > 0 {
		if len(s) <= 16 || depth > 64 {
			slices.Sort(s)
			return
		}
		depth++
		a, b, c := s[0], s[len(s)/2], s[len(s)-1]
		pivot := max(min(a, b), min(max(a, b), c)) // median of three
		// s[:lt] < pivot, s[lt:gt] == pivot, s[gt:] > pivot, in two
		// passes without branches on the data (they would be mispredicted
		// half the time): < pivot to the front, then == pivot after them.
		lt := partitionLess(s, pivot)
		gt := lt + partitionEqual(s[lt:], pivot)
		// Indexes below lt go left, those in [lt, gt) are in place, the
		// rest go right (on in this frame).
		j := 0
		for j < len(idx) && idx[j]-base < lt {
			j++
		}
		selectFrom(s[:lt], base, idx[:j], depth)
		for j < len(idx) && idx[j]-base < gt {
			j++
		}
		s, base, idx = s[gt:], base+gt, idx[j:]
	}
}
