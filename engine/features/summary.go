package features

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Bounds of a Summarizer's memory.
const (
	// ExactDistinct is how many distinct values of a column are counted
	// exactly (as 64-bit hashes); beyond, the count is a HyperLogLog
	// estimate over 2^14 registers (standard error about 0.8%).
	ExactDistinct = 1 << 14
	// AssociationRows is how many rows the label association of numeric
	// columns with a binary label is computed from: every row up to it,
	// beyond it the rows whose position's hash falls below a threshold
	// halved until at most that many remain.
	AssociationRows = 1 << 16
)

// hllBits is the HyperLogLog precision: 2^hllBits one-byte registers.
const hllBits = 14

// halfSeed keys the hash of a row's position that splits the rows in two
// halves for the cross-fitted association and draws the association
// sample.
const halfSeed = 0x7f4a7c159e3779b9

// ColumnSummary is what a Summarizer reports of one column: profile's
// columns beyond the moments.
type ColumnSummary struct {
	Column string
	Kind   string // as ColumnEncoding.Kind; "" for types that cannot be a feature
	Rows   int64
	Nulls  int64
	// Distinct counts the distinct non-NULL values (NaN is a value):
	// exact up to ExactDistinct, a HyperLogLog estimate beyond (then
	// DistinctExact is false). -1 for UNION columns.
	Distinct      int64
	DistinctExact bool
	// Q25, Q50 and Q75 are the quartiles of the finite values of numeric,
	// DATE (days since 1970-01-01) and TIMESTAMP (seconds since the epoch)
	// columns, interpolated as DuckDB's quantile_cont: exact up to
	// ExactEdges values, from the statistics block's stratified sample
	// beyond. NaN otherwise.
	Q25, Q50, Q75 float64
	// TopLevel is the most frequent non-NULL value of a VARCHAR, ENUM or
	// BOOLEAN column (ties: the smaller text), TopShare its share of the
	// non-NULL values (NaN when there is none). Levels are counted exactly
	// up to DefaultMaxTracked distinct ones; levels first seen after that
	// are not candidates.
	TopLevel string
	TopShare float64
	// IdentifierLike: an integer or text column unique on every row with
	// no NULLs (the rule that drops a column from training).
	IdentifierLike bool
	// Constant: data has rows and the column holds fewer than two
	// distinct values, NULL counting as a value (an all-NULL column is
	// constant).
	Constant bool
	// Association is the column's association with the label (see
	// Summarizer); NaN without one. Leakage is Association >
	// LeakageThreshold.
	Association float64
	Leakage     bool
}

// Summarizer computes, in one streaming pass, the per-column summary that
// profile reports beyond the moments, and with a label column the label
// association of every other column:
//
//   - binary label (BOOLEAN, or VARCHAR/ENUM with two values): the AUC of
//     the column alone. A numeric, DATE or TIMESTAMP column scores each row
//     by its value (NumericAUC, over at most AssociationRows rows); a
//     VARCHAR, ENUM or BOOLEAN column by its level's label rate,
//     cross-fitted on two halves of the rows drawn by a fixed hash of the
//     row's position in the stream (CrossFittedAUC), NULL a level of its
//     own;
//   - numeric label (numbers, DATE, TIMESTAMP): |Pearson r| of a numeric
//     column's value with the label over the rows where both are present,
//     and of a categorical column's cross-fitted level means
//     (CrossFittedPearson);
//   - NaN for a label with more than two classes or a single one, for the
//     label column itself, for identifier-like columns and for other types.
//
// Rows with a NULL (or NaN, ±Inf) label take no part in the association.
// A Summarizer is not safe for concurrent use; the same batches in the
// same order give the same bits.
type Summarizer struct {
	schema *arrow.Schema
	label  int // -1 without
	cols   []*colSummary
	rows   int64

	position int64 // of the next row in the stream

	// The label.
	labelKind string   // KindNumeric for a numeric label, KindCategorical for classes
	classes   []string // binary: the classes in order of first sight
	multi     bool     // more than two classes: no association
	yMom      Moments  // numeric label: the labels' moments

	// The association sample (binary label, numeric columns).
	sampleLevel uint
	sampleHash  []uint64
	samplePos   []bool
	sampleVals  [][]float64 // per column, nil unless numeric-like

	// Per-batch scratch.
	colHash []uint64
	rowHash []uint64
	y       []float64 // label per row: NaN when not used
	floats  []float64
}

// colSummary is what the Summarizer keeps of one column.
type colSummary struct {
	name  string
	typ   arrow.DataType
	kind  string
	union bool
	nulls int64
	dist  distinct
	id    *idTracker
	// numeric-like
	sample *edgeSample
	finite []float64 // scratch
	bi     bivariate
	// categorical and boolean
	index    map[string]int32
	levels   []levelCount
	overflow levelCount
	null     levelCount
	codes    []int32 // scratch: the batch's level codes
}

// levelCount counts the rows of one level, and their label statistics
// by half.
type levelCount struct {
	text string
	n    int64
	half [2]HalfStats
}

// NewSummarizer summarises the columns of schema; label is the index of
// the label column, or -1 without one. A label of a type that is neither
// a number, DATE, TIMESTAMP, BOOLEAN, VARCHAR nor ENUM is an error.
func NewSummarizer(schema *arrow.Schema, label int) (*Summarizer, error) {
	s := &Summarizer{schema: schema, label: label}
	if label >= 0 {
		switch k := kindOf(schema.Field(label).Type); k {
		case KindNumeric, KindDate, KindTimestamp:
			s.labelKind = KindNumeric
		case KindBoolean:
			s.labelKind, s.classes = KindCategorical, []string{"false", "true"}
		case KindCategorical:
			s.labelKind = KindCategorical
		default:
			return nil, fmt.Errorf("column %q has type %s; a label must be a number, BOOLEAN, VARCHAR, ENUM, DATE or TIMESTAMP", schema.Field(label).Name, SQLType(schema.Field(label).Type))
		}
	}
	s.sampleVals = make([][]float64, schema.NumFields())
	for _, f := range schema.Fields() {
		c := &colSummary{name: f.Name, typ: f.Type, kind: kindOf(f.Type)}
		_, c.union = f.Type.(arrow.UnionType)
		switch c.kind {
		case KindNumeric, KindDate, KindTimestamp:
			c.sample = &edgeSample{}
		case KindCategorical, KindBoolean:
			c.index = map[string]int32{}
		}
		if integerType(f.Type) || c.kind == KindCategorical {
			c.id = newIDTracker(DefaultIdentifierRows)
		}
		s.cols = append(s.cols, c)
	}
	return s, nil
}

// Observe folds one batch into the summaries. rec must have the schema
// the Summarizer was made with; the caller keeps and releases it.
func (s *Summarizer) Observe(rec arrow.RecordBatch) error {
	if int(rec.NumCols()) != len(s.cols) {
		return fmt.Errorf("batch has %d columns, the summarizer %d", rec.NumCols(), len(s.cols))
	}
	for i, c := range s.cols {
		if t := rec.Column(i).DataType(); !arrow.TypeEqual(t, c.typ) {
			return fmt.Errorf("column %q has type %s in this batch, %s in the schema", c.name, t, c.typ)
		}
	}
	n := int(rec.NumRows())
	s.rows += int64(n)
	s.colHash = grow(s.colHash, n)
	s.rowHash = grow(s.rowHash, n)
	withLabel := s.label >= 0 && !s.multi
	if withLabel {
		s.observeLabel(rec.Column(s.label), n)
		withLabel = !s.multi
	}
	for i, c := range s.cols {
		a := rec.Column(i)
		clear(s.colHash)
		hashColumn(a, 0, s.colHash, nil)
		s.observeColumn(c, a)
	}
	if !withLabel {
		s.position += int64(n)
		return nil
	}
	// The halves and the sample come from a hash of the row's position:
	// a hash of its values would put equal rows, common in data with few
	// columns, in the same half, which would leave many levels without
	// rows in the other half.
	for r := range s.rowHash {
		s.rowHash[r] = fmix64(uint64(s.position+int64(r)) ^ halfSeed)
	}
	s.position += int64(n)
	for i, c := range s.cols {
		if i == s.label {
			continue
		}
		s.associate(c, rec.Column(i))
	}
	if s.labelKind == KindCategorical {
		s.sampleRows(rec)
	}
	return nil
}

// grow returns buf resized to n.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// observeLabel sets s.y from the label column: the value of a numeric
// label, 0/1 for a binary one, NaN for rows that take no part.
func (s *Summarizer) observeLabel(a arrow.Array, n int) {
	s.y = grow(s.y, n)
	bm, off := validity(a)
	if s.labelKind == KindNumeric {
		toFloats(a, s.y)
		for i, v := range s.y {
			if !isValid(bm, off, i) || !finite(v) {
				s.y[i] = math.NaN()
				continue
			}
			s.yMom.Merge(Moments{Count: 1, Mean: v, Min: v, Max: v})
		}
		return
	}
	if b, ok := a.(*array.Boolean); ok {
		for i := range s.y {
			s.y[i] = math.NaN()
			if isValid(bm, off, i) {
				s.y[i] = float64(b2i(b.Value(i)))
			}
		}
		return
	}
	text := textAt(a)
	for i := range s.y {
		s.y[i] = math.NaN()
		if !isValid(bm, off, i) {
			continue
		}
		t := text(i)
		k := slices.Index(s.classes, t)
		if k < 0 {
			if len(s.classes) == 2 {
				s.multi = true
				s.dropAssociation()
				return
			}
			s.classes = append(s.classes, strings.Clone(t))
			k = len(s.classes) - 1
		}
		s.y[i] = float64(k)
	}
}

// dropAssociation frees what the association needed: a third class was
// seen.
func (s *Summarizer) dropAssociation() {
	s.sampleHash, s.samplePos, s.sampleVals = nil, nil, nil
	for _, c := range s.cols {
		for k := range c.levels {
			c.levels[k].half = [2]HalfStats{}
		}
		c.overflow.half, c.null.half = [2]HalfStats{}, [2]HalfStats{}
	}
}

// observeColumn folds one batch of a column into its summary; s.colHash
// holds the hashes of its values.
func (s *Summarizer) observeColumn(c *colSummary, a arrow.Array) {
	bm, off := validity(a)
	n := a.Len()
	if c.union {
		c.dist.invalid = true
	} else {
		for i, h := range s.colHash {
			if isValid(bm, off, i) {
				c.dist.add(h)
			}
		}
	}
	c.nulls += int64(nullCount(a))
	if c.id != nil && !c.id.done {
		if c.kind == KindCategorical {
			text := textAt(a)
			for i := 0; i < n && !c.id.done; i++ {
				if !isValid(bm, off, i) {
					c.id.null()
					continue
				}
				c.id.add(hashString(text(i)))
			}
		} else {
			trackIDs(c.id, a, bm, off, nil)
		}
	}
	switch c.kind {
	case KindNumeric, KindDate, KindTimestamp:
		s.floats = grow(s.floats, n)
		toFloats(a, s.floats)
		c.finite = c.finite[:0]
		for i, v := range s.floats {
			if isValid(bm, off, i) && finite(v) {
				c.finite = append(c.finite, v)
			}
		}
		c.sample.add(c.finite)
	case KindCategorical, KindBoolean:
		c.codes = grow(c.codes, n)
		c.code(a, c.codes)
		for _, k := range c.codes {
			c.level(k).n++
		}
	}
}

// Level codes of a row beyond the levels' indexes.
const (
	codeNull  = -1
	codeOther = -2
)

// code sets codes[i] to the level index of row i of a, codeNull or
// codeOther, adding levels first seen (up to DefaultMaxTracked).
func (c *colSummary) code(a arrow.Array, codes []int32) {
	bm, off := validity(a)
	lookup := func(t string) int32 {
		if k, ok := c.index[t]; ok {
			return k
		}
		if len(c.levels) >= DefaultMaxTracked {
			return codeOther
		}
		t = strings.Clone(t) // t aliases the batch's memory
		k := int32(len(c.levels))
		c.index[t] = k
		c.levels = append(c.levels, levelCount{text: t})
		return k
	}
	switch v := a.(type) {
	case *array.Boolean:
		for i := range codes {
			codes[i] = codeNull
			if isValid(bm, off, i) {
				codes[i] = lookup(boolText[b2i(v.Value(i))])
			}
		}
	case *array.Dictionary:
		dict := v.Dictionary()
		words := dict.(array.StringLike)
		dbm, doff := validity(dict)
		idx := dictIndices(v, nil)
		perWord := make([]int32, dict.Len())
		for j := range perWord {
			perWord[j] = math.MinInt32
		}
		for i, j := range idx {
			if !isValid(bm, off, i) || !isValid(dbm, doff, int(j)) {
				codes[i] = codeNull
				continue
			}
			if perWord[j] == math.MinInt32 {
				perWord[j] = lookup(words.Value(int(j)))
			}
			codes[i] = perWord[j]
		}
	default:
		text := textAt(a)
		for i := range codes {
			codes[i] = codeNull
			if isValid(bm, off, i) {
				codes[i] = lookup(text(i))
			}
		}
	}
}

var boolText = [2]string{"false", "true"}

// level is the count of level code k.
func (c *colSummary) level(k int32) *levelCount {
	switch k {
	case codeNull:
		return &c.null
	case codeOther:
		return &c.overflow
	}
	return &c.levels[k]
}

// associate folds one batch of column c into its label association;
// c.codes holds the column's level codes when it is categorical.
func (s *Summarizer) associate(c *colSummary, a arrow.Array) {
	switch c.kind {
	case KindCategorical, KindBoolean:
		for r, k := range c.codes {
			y := s.y[r]
			if math.IsNaN(y) {
				continue
			}
			h := &c.level(k).half[s.rowHash[r]>>63]
			h.N++
			h.Sum += y
		}
	case KindNumeric, KindDate, KindTimestamp:
		if s.labelKind != KindNumeric {
			return // the sample (sampleRows) serves a binary label
		}
		bm, off := validity(a)
		s.floats = grow(s.floats, a.Len())
		toFloats(a, s.floats)
		for r, x := range s.floats {
			y := s.y[r]
			if math.IsNaN(y) || !isValid(bm, off, r) || !finite(x) {
				continue
			}
			c.bi.add(x, y)
		}
	}
}

// sampleRows adds the rows of rec with a label whose hash passes the
// sample's level to the association sample, halving it when it grows
// beyond AssociationRows.
func (s *Summarizer) sampleRows(rec arrow.RecordBatch) {
	var numeric []int
	for i, c := range s.cols {
		if i != s.label && c.sample != nil {
			numeric = append(numeric, i)
		}
	}
	if len(numeric) == 0 {
		return
	}
	vals := make([][]float64, len(numeric))
	valid := make([][]byte, len(numeric))
	offs := make([]int, len(numeric))
	for j, i := range numeric {
		a := rec.Column(i)
		vals[j] = make([]float64, a.Len())
		toFloats(a, vals[j])
		valid[j], offs[j] = validity(a)
	}
	for r, h := range s.rowHash {
		if math.IsNaN(s.y[r]) || !s.keeps(h) {
			continue
		}
		s.sampleHash = append(s.sampleHash, h)
		s.samplePos = append(s.samplePos, s.y[r] == 1)
		for j, i := range numeric {
			v := vals[j][r]
			if !isValid(valid[j], offs[j], r) || !finite(v) {
				v = math.NaN()
			}
			s.sampleVals[i] = append(s.sampleVals[i], v)
		}
		for len(s.sampleHash) > AssociationRows {
			s.raiseSample(numeric)
		}
	}
}

// keeps reports whether a row of hash h belongs in the sample at its
// level: the top sampleLevel bits of h are 0.
func (s *Summarizer) keeps(h uint64) bool {
	return s.sampleLevel == 0 || h>>(64-s.sampleLevel) == 0
}

// raiseSample halves the sample's threshold, dropping the rows above it.
func (s *Summarizer) raiseSample(numeric []int) {
	s.sampleLevel++
	k := 0
	for r, h := range s.sampleHash {
		if !s.keeps(h) {
			continue
		}
		s.sampleHash[k], s.samplePos[k] = h, s.samplePos[r]
		for _, i := range numeric {
			s.sampleVals[i][k] = s.sampleVals[i][r]
		}
		k++
	}
	s.sampleHash, s.samplePos = s.sampleHash[:k], s.samplePos[:k]
	for _, i := range numeric {
		s.sampleVals[i] = s.sampleVals[i][:k]
	}
}

// Finish returns the summary of every column, in the schema's order. It
// may be called once.
func (s *Summarizer) Finish() []ColumnSummary {
	out := make([]ColumnSummary, len(s.cols))
	association := s.label >= 0 && !s.multi && (s.labelKind == KindNumeric || len(s.classes) == 2)
	for i, c := range s.cols {
		cs := ColumnSummary{Column: c.name, Kind: c.kind, Rows: s.rows, Nulls: c.nulls,
			Q25: math.NaN(), Q50: math.NaN(), Q75: math.NaN(), TopShare: math.NaN(), Association: math.NaN()}
		cs.Distinct, cs.DistinctExact = c.dist.count()
		if c.dist.invalid {
			cs.Distinct, cs.DistinctExact = -1, false
		} else {
			nulls := int64(0)
			if c.nulls > 0 {
				nulls = 1
			}
			cs.Constant = s.rows > 0 && (!c.dist.overflowed() && int64(len(c.dist.exact))+nulls <= 1)
		}
		if c.id != nil {
			cs.IdentifierLike = c.id.identifier(s.rows)
		}
		if c.sample != nil && len(c.sample.val) > 0 {
			q := c.sample.quantiles([]float64{0.25, 0.5, 0.75})
			cs.Q25, cs.Q50, cs.Q75 = q[0], q[1], q[2]
		}
		if c.levels != nil || c.index != nil {
			var nonNull int64
			best := -1
			for k := range c.levels {
				l := &c.levels[k]
				nonNull += l.n
				if best < 0 || l.n > c.levels[best].n || l.n == c.levels[best].n && l.text < c.levels[best].text {
					best = k
				}
			}
			nonNull += c.overflow.n
			if best >= 0 {
				cs.TopLevel, cs.TopShare = c.levels[best].text, float64(c.levels[best].n)/float64(nonNull)
			}
		}
		if association && i != s.label && !cs.IdentifierLike {
			cs.Association = s.association(i, c)
			cs.Leakage = cs.Association > LeakageThreshold
		}
		out[i] = cs
	}
	return out
}

// association is column i's label association (see Summarizer).
func (s *Summarizer) association(i int, c *colSummary) float64 {
	switch c.kind {
	case KindCategorical, KindBoolean:
		levels := make([][2]HalfStats, 0, len(c.levels)+2)
		for _, l := range c.levels {
			levels = append(levels, l.half)
		}
		levels = append(levels, c.overflow.half, c.null.half)
		if s.labelKind == KindNumeric {
			return CrossFittedPearson(levels, s.yMom.Mean, s.yMom.M2)
		}
		return CrossFittedAUC(levels)
	case KindNumeric, KindDate, KindTimestamp:
		if s.labelKind == KindNumeric {
			return c.bi.r()
		}
		return NumericAUC(s.sampleVals[i], s.samplePos)
	}
	return math.NaN()
}

// bivariate accumulates the co-moments of (x, y) pairs (Welford).
type bivariate struct {
	n                     int64
	mx, my, mxx, myy, mxy float64
}

func (b *bivariate) add(x, y float64) {
	b.n++
	dx := x - b.mx
	b.mx += dx / float64(b.n)
	dy := y - b.my
	b.my += dy / float64(b.n)
	b.mxx += dx * (x - b.mx)
	b.myy += dy * (y - b.my)
	b.mxy += dx * (y - b.my)
}

// r is |Pearson r|: NaN below two pairs or when either side is constant.
func (b *bivariate) r() float64 {
	if b.n < 2 || !(b.mxx > 0) || !(b.myy > 0) {
		return math.NaN()
	}
	return math.Min(1, math.Abs(b.mxy)/math.Sqrt(b.mxx*b.myy))
}

// distinct counts distinct 64-bit hashes: exactly in an open-addressing
// set while there are at most ExactDistinct of them, then in HyperLogLog
// registers built from the set and every later hash. Both depend on the
// set of hashes only.
type distinct struct {
	exact   map[uint64]struct{}
	reg     []uint8 // nil while exact
	invalid bool    // a type whose values are not counted
}

func (d *distinct) add(h uint64) {
	if d.reg != nil {
		d.addHLL(h)
		return
	}
	if d.exact == nil {
		d.exact = map[uint64]struct{}{}
	}
	d.exact[h] = struct{}{}
	if len(d.exact) > ExactDistinct {
		d.reg = make([]uint8, 1<<hllBits)
		for x := range d.exact {
			d.addHLL(x)
		}
		d.exact = nil
	}
}

func (d *distinct) addHLL(h uint64) {
	h = fmix64(h ^ hk3) // hashes of small integers fold to well-spread bits already; mix once more
	j := h >> (64 - hllBits)
	rho := uint8(bits.LeadingZeros64(h<<hllBits|1<<(hllBits-1)) + 1)
	if rho > d.reg[j] {
		d.reg[j] = rho
	}
}

func (d *distinct) overflowed() bool { return d.reg != nil }

// count is the number of distinct hashes and whether it is exact.
func (d *distinct) count() (int64, bool) {
	if d.reg == nil {
		return int64(len(d.exact)), true
	}
	m := float64(len(d.reg))
	var sum float64
	zeros := 0
	for _, r := range d.reg {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	est := 0.7213 / (1 + 1.079/m) * m * m / sum
	if est <= 2.5*m && zeros > 0 {
		est = m * math.Log(m/float64(zeros))
	}
	return int64(math.Round(est)), false
}

// quantiles returns the quantiles ps of the kept values, interpolated as
// DuckDB's quantile_cont does. It reorders the kept values: no value may
// be added after.
func (q *edgeSample) quantiles(ps []float64) []float64 {
	m := len(q.val)
	need := make([]int, 0, 2*len(ps))
	for _, p := range ps {
		at := p * float64(m-1)
		need = append(need, int(at))
		if int(at)+1 < m {
			need = append(need, int(at)+1)
		}
	}
	slices.Sort(need)
	selectAll(q.val, slices.Compact(need))
	out := make([]float64, len(ps))
	for k, p := range ps {
		at := p * float64(m-1)
		i := int(at)
		frac := at - float64(i)
		v := q.val[i]
		if frac > 0 {
			// quantile_cont's formula, so that exact quartiles agree
			// with DuckDB's to the bit.
			a, b := q.val[i], q.val[i+1]
			v = min(max(a*(1-frac)+b*frac, a), b)
		}
		out[k] = v
	}
	return out
}
