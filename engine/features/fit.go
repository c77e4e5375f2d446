package features

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ducksight/ducksight/dserr"
)

// Defaults of FitOptions.
const (
	DefaultMaxLevels  = 100    // one-hot levels kept per categorical column
	DefaultMaxTracked = 10_000 // distinct levels counted exactly per column
)

// Reasons a feature column is dropped, as reported in Dropped.Reason. An
// unsupported type is reported as "unsupported type " and the Arrow type.
const (
	ReasonConstant   = "constant"
	ReasonAllNull    = "all NULL"
	ReasonInfinite   = "all infinite" // every value ±Inf, NULL and NaN aside: none to standardise
	ReasonIdentifier = "identifier-like (unique on every row)"
	ReasonTooLarge   = "values too large to standardise"
)

// Dropped is a candidate feature column the Fitter left out, and why.
type Dropped struct {
	Column string `json:"column"`
	Reason string `json:"reason"`
}

// FitOptions tunes a Fitter. The zero value gives the defaults.
type FitOptions struct {
	// MaxLevels is how many of a categorical column's most frequent levels
	// get their own one-hot input (ties broken by the level text, bytewise
	// ascending); the rest share an 'other' input. 0 means 100.
	MaxLevels int
	// Distance builds an encoder for distance-based models: no NULL
	// indicators and one-hot inputs scaled by 1/√2 (see Encoder).
	Distance bool
	// Explicit holds the lower-cased names of the columns the user listed
	// as features. They are never dropped as identifier-like, and an
	// unsupported type among them is an error instead of a drop.
	Explicit map[string]bool
	// KeepIdentifiers keeps every identifier-like column.
	KeepIdentifiers bool
	// MaxTracked bounds the memory of level counting: at most this many
	// distinct levels per column are counted exactly; levels first seen
	// after that are only counted together and become 'other'. 0 means
	// 10,000.
	MaxTracked int
	// IdentifierRows is how many rows an integer or text column must stay
	// unique on to be called identifier-like without looking further (it
	// bounds the memory spent tracking uniqueness to 8 bytes per row).
	// 0 means 5,000,000.
	IdentifierRows int
}

// Fitter learns an Encoder from one streaming pass over the data: the
// statistics of each candidate feature column, the vocabularies of the
// text ones, and which columns are constant, all NULL or identifier-like.
//
// A Fitter is not safe for concurrent use; feed it the batches in a fixed
// order (the result is deterministic for a given sequence of batches). A
// trainer skips bad rows in the same way for fitting and encoding:
//
//	skip := make([]bool, rec.NumRows())
//	fitter.BadRows(rec, skip)       // NaN or ±Inf in a feature
//	labels.Observe(labelCol, skip)  // NULL, NaN or ±Inf label
//	fitter.Observe(rec, skip)
type Fitter struct {
	schema  *arrow.Schema
	opts    FitOptions
	cols    []*colFit
	rows    int64
	nums    []numBatch  // per-batch scratch: the numeric columns' values
	scratch [][]float64 // per-batch scratch: two buffers per numeric column
	raw     []float64   // per-batch scratch: values in Arrow's units (see gatherRaw)
	indices []int32     // per-batch scratch: dictionary indices
	stats   Statistics  // made by Finish
}

// colFit is what the Fitter learns about one candidate column.
type colFit struct {
	name     string
	index    int
	typ      arrow.DataType
	kind     string
	explicit bool
	drop     string // decided when the Fitter was made

	mom Moments // numeric, boolean, date, timestamp
	inf int64   // numeric: ±Inf values (counted in mom.NaN too)

	sample         *edgeSample // numeric, date, timestamp: values for the quantile edges, in Arrow's units
	div            float64     // divisor of the type: mom's values are the column's divided by it
	rawMin, rawMax float64     // with a divisor other than 1: the extremes in Arrow's units
	ones           int64       // boolean: true values

	counts   map[string]*int64 // categorical: exact counts of the tracked levels
	overflow int64             // categorical: rows with a level first seen after MaxTracked
	nonNull  int64             // categorical
	nulls    int64             // categorical
	tracked  int               // categorical: FitOptions.MaxTracked

	id *idTracker // nil unless an integer or text column that may be dropped as identifier-like
}

// NewFitter prepares to fit the named feature columns of schema (names as
// they are in schema, matched exactly first and then case-insensitively).
// A column of an unsupported type is reported as dropped by Finish, unless
// it is in opts.Explicit, which makes it an error here. Naming a column
// that is not in schema, or the same column twice, is an error.
func NewFitter(schema *arrow.Schema, features []string, opts FitOptions) (*Fitter, error) {
	if len(features) == 0 {
		return nil, errors.New("no feature columns")
	}
	if opts.MaxLevels <= 0 {
		opts.MaxLevels = DefaultMaxLevels
	}
	if opts.MaxTracked <= 0 {
		opts.MaxTracked = DefaultMaxTracked
	}
	if opts.IdentifierRows <= 0 {
		opts.IdentifierRows = DefaultIdentifierRows
	}
	f := &Fitter{schema: schema, opts: opts}
	seen := map[int]bool{}
	for _, name := range features {
		idx, err := findColumn(schema, name)
		if err != nil {
			return nil, err
		}
		if seen[idx] {
			return nil, fmt.Errorf("column %q is listed twice", schema.Field(idx).Name)
		}
		seen[idx] = true
		fld := schema.Field(idx)
		c := &colFit{name: fld.Name, index: idx, typ: fld.Type, kind: kindOf(fld.Type),
			explicit: opts.Explicit[strings.ToLower(fld.Name)]}
		switch c.kind {
		case "":
			if c.explicit {
				return nil, fmt.Errorf("column %q has type %s, which cannot be a feature (supported: %s)", fld.Name, SQLType(fld.Type), supportedTypes)
			}
			c.drop = "unsupported type " + fld.Type.String()
		case kindNull:
			c.drop = ReasonAllNull
		case KindCategorical:
			c.counts = map[string]*int64{}
			c.tracked = opts.MaxTracked
		case KindNumeric, KindDate, KindTimestamp:
			c.sample = &edgeSample{}
			c.div = divisor(fld.Type)
			c.rawMin, c.rawMax = math.Inf(1), math.Inf(-1)
		}
		if c.drop == "" && !c.explicit && !opts.KeepIdentifiers && (integerType(fld.Type) || c.kind == KindCategorical) {
			c.id = newIDTracker(opts.IdentifierRows)
		}
		f.cols = append(f.cols, c)
	}
	return f, nil
}

// Rows is the number of rows observed (not skipped) so far.
func (f *Fitter) Rows() int64 { return f.rows }

// NonFinite is the number of NaN and ±Inf values observed so far in the
// candidate columns (in rows not skipped). When it is 0, BadRows (of the
// Fitter or of a Binding of its Encoder) marks no row of the observed
// batches that the same skip flags did not mark already.
func (f *Fitter) NonFinite() int64 {
	var n int64
	for _, c := range f.cols {
		n += c.mom.NaN
	}
	return n
}

// BadRows sets skip[i] for each row not yet skipped that has NaN or ±Inf
// in a candidate feature column, and returns how many rows it marked.
// len(skip) must be rec.NumRows(). rec is not released.
func (f *Fitter) BadRows(rec arrow.RecordBatch, skip []bool) int {
	if len(skip) != int(rec.NumRows()) {
		panic(fmt.Sprintf("features: BadRows: %d skip flags for %d rows", len(skip), rec.NumRows()))
	}
	n := 0
	for _, c := range f.cols {
		if c.drop == "" && int64(c.index) < rec.NumCols() {
			n += markBad(rec.Column(c.index), skip)
		}
	}
	return n
}

// Observe folds one batch into the statistics. skip is nil (every row
// counts) or has one flag per row, true for a row to ignore. rec must have
// the schema given to NewFitter; the caller keeps ownership of rec and
// releases it (Observe keeps no reference to it or its strings).
//
// A NaN or ±Inf value in a row that is not skipped is left out of the
// column's statistics (call BadRows first to skip such rows entirely).
func (f *Fitter) Observe(rec arrow.RecordBatch, skip []bool) error {
	n := int(rec.NumRows())
	if skip != nil && len(skip) != n {
		return fmt.Errorf("%d skip flags for %d rows", len(skip), n)
	}
	for _, c := range f.cols {
		if int64(c.index) >= rec.NumCols() || rec.ColumnName(c.index) != c.name {
			return fmt.Errorf("column %q is not at position %d of the batch, as in the schema the fitter was made with", c.name, c.index+1)
		}
		if t := rec.Column(c.index).DataType(); !arrow.TypeEqual(t, c.typ) {
			return fmt.Errorf("column %q has type %s in this batch, %s in the schema", c.name, t, c.typ)
		}
	}
	kept := n
	for _, s := range skip {
		if s {
			kept--
		}
	}
	f.rows += int64(kept)
	nums := f.nums[:0]
	for _, c := range f.cols {
		if c.drop != "" {
			continue
		}
		a := rec.Column(c.index)
		switch c.kind {
		case KindCategorical:
			f.observeText(c, a, skip)
		default:
			nums = append(nums, f.gatherNumber(len(nums), c, a, skip))
			f.sampleNumber(&nums[len(nums)-1], skip)
		}
	}
	f.observeNumbers(nums, skip)
	clear(nums) // no reference to the batch stays
	f.nums = nums[:0]
	return nil
}

// numBatch is one batch of a numeric-like column on its way into the
// column's moments.
type numBatch struct {
	c   *colFit
	a   arrow.Array
	bm  []byte // validity
	off int
	s   summer
}

// gatherNumber collects the valid, finite, not skipped values of one batch
// of a numeric-like column, the k-th of the batch (whose scratch space it
// uses).
func (f *Fitter) gatherNumber(k int, c *colFit, a arrow.Array, skip []bool) numBatch {
	n := a.Len()
	for len(f.scratch) < 2*(k+1) {
		f.scratch = append(f.scratch, nil)
	}
	floats, gather := &f.scratch[2*k], &f.scratch[2*k+1]
	if cap(*floats) < n {
		*floats = make([]float64, n)
		*gather = make([]float64, 0, n)
	}
	var vals []float64
	if f64, ok := a.(*array.Float64); ok {
		vals = f64.Float64Values() // no copy needed
	} else {
		vals = (*floats)[:n]
		toFloats(a, vals)
	}
	bm, off := validity(a)
	nb := numBatch{c: c, a: a, bm: bm, off: off, s: summer{min: math.Inf(1), max: math.Inf(-1)}}
	s := &nb.s
	if bm == nil && skip == nil && allFinite(vals) {
		// Every value counts: no gathering.
		s.vals = vals
	} else {
		s.vals = (*gather)[:0]
		for i, x := range vals {
			if skip != nil && skip[i] {
				continue
			}
			if !isValid(bm, off, i) {
				s.nulls++
				continue
			}
			if !finite(x) {
				s.nan++
				if math.IsInf(x, 0) {
					s.inf++
				}
				continue
			}
			s.vals = append(s.vals, x)
		}
	}
	s.n = int64(len(s.vals))
	return nb
}

// sampleNumber feeds the values of one batch of a numeric, date or
// timestamp column (gathered by gatherNumber into nb) to the column's
// sample for its quantile edges. (Apart from gatherNumber, whose loop
// runs faster without it.)
func (f *Fitter) sampleNumber(nb *numBatch, skip []bool) {
	c := nb.c
	if c.sample == nil {
		return
	}
	if c.div == 1 {
		c.sample.add(nb.s.vals)
		return
	}
	f.gatherRaw(c, nb.a, nb.bm, nb.off, skip)
}

// gatherRaw feeds the sample of a DATE64 or TIMESTAMP column (other than
// seconds) its values in Arrow's units, which the moments see divided to
// days or seconds, and follows their extremes. Such columns hold integers:
// every value is finite.
func (f *Fitter) gatherRaw(c *colFit, a arrow.Array, bm []byte, off int, skip []bool) {
	n := a.Len()
	if cap(f.raw) < n {
		f.raw = make([]float64, n)
	}
	raw := f.raw[:n]
	toFloatsDiv(a, raw, 1)
	k := 0
	lo, hi := c.rawMin, c.rawMax
	for i, x := range raw {
		if skip != nil && skip[i] || !isValid(bm, off, i) {
			continue
		}
		raw[k] = x
		k++
		lo, hi = min(lo, x), max(hi, x)
	}
	c.rawMin, c.rawMax = lo, hi
	c.sample.add(raw[:k])
}

// observeNumbers merges the moments of one batch of each numeric-like
// column into the column's. Columns with as many values are summed two at
// a time: each sum is a chain of additions that waits for the one before,
// and two chains run side by side (each summed in order, so the results
// are the same bit for bit).
func (f *Fitter) observeNumbers(nums []numBatch, skip []bool) {
	for i := 0; i < len(nums); i++ {
		if i+1 < len(nums) && len(nums[i].s.vals) == len(nums[i+1].s.vals) {
			p, q := &nums[i].s, &nums[i+1].s
			seeAll2(p, q)
			mp, mq := moments2(p, q)
			nums[i].c.mom.Merge(mp)
			nums[i+1].c.mom.Merge(mq)
			i++
			continue
		}
		nums[i].s.seeAll(nums[i].s.vals)
		nums[i].c.mom.Merge(nums[i].s.moments())
	}
	for i := range nums {
		nums[i].c.inf += nums[i].s.inf
		if c := nums[i].c; c.kind == KindBoolean {
			c.ones += int64(nums[i].s.sum) // a sum of 0s and 1s: exact
		}
		if c := nums[i].c; c.id != nil && !c.id.done {
			trackIDs(c.id, nums[i].a, nums[i].bm, nums[i].off, skip)
		}
	}
}

// trackIDs feeds an integer column's values to its identifier tracker.
func trackIDs(id *idTracker, a arrow.Array, bm []byte, off int, skip []bool) {
	switch v := a.(type) {
	case *array.Int8:
		trackInts(id, v.Int8Values(), bm, off, skip)
	case *array.Int16:
		trackInts(id, v.Int16Values(), bm, off, skip)
	case *array.Int32:
		trackInts(id, v.Int32Values(), bm, off, skip)
	case *array.Int64:
		trackInts(id, v.Int64Values(), bm, off, skip)
	case *array.Uint8:
		trackInts(id, v.Uint8Values(), bm, off, skip)
	case *array.Uint16:
		trackInts(id, v.Uint16Values(), bm, off, skip)
	case *array.Uint32:
		trackInts(id, v.Uint32Values(), bm, off, skip)
	case *array.Uint64:
		trackInts(id, v.Uint64Values(), bm, off, skip)
	}
}

// allFinite reports whether no value of vals is NaN or ±Inf.
func allFinite(vals []float64) bool {
	// x - x is 0 for finite x, NaN otherwise, and a NaN sticks in a sum;
	// four sums keep four additions in flight.
	var a0, a1, a2, a3 float64
	i := 0
	for ; i+4 <= len(vals); i += 4 {
		v := vals[i : i+4 : i+4]
		a0 += v[0] - v[0]
		a1 += v[1] - v[1]
		a2 += v[2] - v[2]
		a3 += v[3] - v[3]
	}
	for ; i < len(vals); i++ {
		a0 += vals[i] - vals[i]
	}
	return a0+a1+a2+a3 == 0
}

func trackInts[T ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64](id *idTracker, vals []T, bm []byte, off int, skip []bool) {
	for i, v := range vals {
		if skip != nil && skip[i] {
			continue
		}
		if !isValid(bm, off, i) {
			id.null()
		}
		if id.done {
			return
		}
		id.add(uint64(v))
	}
}

// observeText counts the levels of one batch of a text or dictionary
// column.
func (f *Fitter) observeText(c *colFit, a arrow.Array, skip []bool) {
	if d, ok := a.(*array.Dictionary); ok {
		f.observeDict(c, d, skip)
		return
	}
	s := a.(array.StringLike)
	bm, off := validity(a)
	for i := 0; i < s.Len(); i++ {
		if skip != nil && skip[i] {
			continue
		}
		if !isValid(bm, off, i) {
			c.nulls++
			if c.id != nil {
				c.id.null()
			}
			continue
		}
		v := s.Value(i)
		c.nonNull++
		c.count(v, 1)
		if c.id != nil && !c.id.done {
			c.id.add(hashString(v))
		}
	}
}

// observeDict counts the levels of a dictionary (ENUM) batch through its
// indices, folding the counts into c.counts in the order each level first
// occurs in the batch, as observeText would.
func (f *Fitter) observeDict(c *colFit, d *array.Dictionary, skip []bool) {
	dict := d.Dictionary()
	words := dict.(array.StringLike)
	dbm, doff := validity(dict)
	f.indices = dictIndices(d, f.indices)
	counts := make([]int64, dict.Len())
	var hashes []uint64
	if c.id != nil && !c.id.done {
		hashes = make([]uint64, dict.Len())
	}
	var order []int32
	bm, off := validity(d)
	for i, j := range f.indices {
		if skip != nil && skip[i] {
			continue
		}
		if !isValid(bm, off, i) || !isValid(dbm, doff, int(j)) {
			c.nulls++
			if c.id != nil {
				c.id.null()
			}
			continue
		}
		c.nonNull++
		if counts[j] == 0 {
			order = append(order, j)
			if hashes != nil {
				hashes[j] = hashString(words.Value(int(j)))
			}
		}
		counts[j]++
		if c.id != nil && !c.id.done {
			c.id.add(hashes[j])
		}
	}
	for _, j := range order {
		c.count(words.Value(int(j)), counts[j])
	}
}

// dictIndices returns d's indices as int32 (an ENUM has far fewer than
// 2^31 values), in buf if it is large enough. NULL rows hold 0.
func dictIndices(d *array.Dictionary, buf []int32) []int32 {
	n := d.Len()
	if cap(buf) < n {
		buf = make([]int32, n)
	}
	buf = buf[:n]
	switch ix := d.Indices().(type) {
	case *array.Int8:
		castIndices(buf, ix.Int8Values())
	case *array.Int16:
		castIndices(buf, ix.Int16Values())
	case *array.Int32:
		castIndices(buf, ix.Int32Values())
	case *array.Int64:
		castIndices(buf, ix.Int64Values())
	case *array.Uint8:
		castIndices(buf, ix.Uint8Values())
	case *array.Uint16:
		castIndices(buf, ix.Uint16Values())
	case *array.Uint32:
		castIndices(buf, ix.Uint32Values())
	case *array.Uint64:
		castIndices(buf, ix.Uint64Values())
	default:
		panic("features: dictionary indices of type " + d.Indices().DataType().String())
	}
	// Indices of NULL rows may hold anything; make them harmless.
	bm, off := validity(d)
	if bm != nil {
		for i := range buf {
			if !isValid(bm, off, i) {
				buf[i] = 0
			}
		}
	}
	return buf
}

func castIndices[T ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64](dst []int32, src []T) {
	for i, v := range src[:len(dst)] {
		dst[i] = int32(v)
	}
}

// count adds k rows of level v, exactly while fewer than MaxTracked
// levels are tracked, and to the overflow count after.
func (c *colFit) count(v string, k int64) {
	if p, ok := c.counts[v]; ok {
		// Update through the pointer: assigning c.counts[v] would store v
		// as the key (Go updates a string key on assignment), and v
		// aliases the batch's buffer.
		*p += k
		return
	}
	if len(c.counts) < c.tracked {
		n := k
		c.counts[strings.Clone(v)] = &n // v aliases the batch's buffer
		return
	}
	c.overflow += k
}

// Finish builds the Encoder from everything observed, in the order the
// features were given, and reports the columns it dropped (in that order
// too): constant columns (a sample standard deviation of 0, or fewer than
// two distinct values), all-NULL columns, columns of unsupported types,
// and identifier-like columns, integer or text columns (VARCHAR or ENUM)
// unique on every row with no NULLs, unless listed in Explicit or
// KeepIdentifiers is set. It is an error when no usable column remains;
// the dropped columns are reported then too.
func (f *Fitter) Finish() (*Encoder, []Dropped, error) {
	var dropped []Dropped
	e := &Encoder{Distance: f.opts.Distance}
	f.stats = make(Statistics, 0, len(f.cols))
	for _, c := range f.cols {
		enc, reason := f.finishColumn(c)
		if reason != "" {
			dropped = append(dropped, Dropped{Column: c.name, Reason: reason})
			continue
		}
		f.stats = append(f.stats, f.columnStats(c, &enc))
		enc.Offset = e.Width
		e.Width += enc.Width
		e.Columns = append(e.Columns, enc)
	}
	if f.rows == 0 {
		return nil, dropped, errors.New("no rows to fit the features on")
	}
	if len(e.Columns) == 0 {
		var why []string
		for _, d := range dropped {
			why = append(why, fmt.Sprintf("%s: %s", d.Column, d.Reason))
		}
		return nil, dropped, fmt.Errorf("no usable feature column (%s)", strings.Join(why, "; "))
	}
	return e, dropped, nil
}

// Statistics returns the statistics block of the columns Finish kept, in
// the Encoder's column order (nil before Finish), over the rows observed:
// see ColumnStats. The quantile edges come from the values Observe saw
// (exact up to ExactEdges finite values per column, a stratified sample
// beyond), with no pass of their own.
func (f *Fitter) Statistics() Statistics { return f.stats }

// columnStats is the statistics block of kept column c, whose encoding is
// enc.
func (f *Fitter) columnStats(c *colFit, enc *ColumnEncoding) ColumnStats {
	cs := ColumnStats{Column: c.name, Kind: c.kind, Type: c.typ.String(), Rows: f.rows}
	rows := float64(f.rows)
	m := &c.mom
	switch c.kind {
	case KindCategorical:
		counts := make([]int64, len(enc.Levels))
		other := c.nonNull
		for i, l := range enc.Levels {
			counts[i] = *c.counts[l]
			other -= counts[i]
		}
		cs.NullShare = float64(c.nulls) / rows
		cs.Levels = levelShares(enc.Levels, counts, other, c.nulls, true, rows)
	case KindBoolean:
		cs.NullShare = float64(m.Nulls) / rows
		cs.Levels = levelShares([]string{"false", "true"}, []int64{m.Count - c.ones, c.ones}, 0, m.Nulls, false, rows)
	default:
		nan := m.NaN - c.inf
		cs.NullShare, cs.InfShare = float64(m.Nulls+nan)/rows, float64(c.inf)/rows
		lo, hi := m.Min, m.Max
		if c.div != 1 {
			lo, hi = c.rawMin, c.rawMax
		}
		if m.Count > 0 {
			cs.Edges, cs.Sample = c.sample.edges(lo, hi)
		}
		if c.kind == KindNumeric {
			setMoments(&cs, m.Count, m.Mean, m.M2)
		}
	}
	return cs
}

// finishColumn returns the encoding of c, or why it is dropped.
func (f *Fitter) finishColumn(c *colFit) (ColumnEncoding, string) {
	if c.drop != "" {
		return ColumnEncoding{}, c.drop
	}
	enc := ColumnEncoding{Name: c.name, Kind: c.kind, Type: c.typ.String()}
	if c.kind == KindCategorical {
		distinct := len(c.counts)
		if c.overflow > 0 {
			distinct++
		}
		switch {
		case c.nonNull == 0:
			return enc, ReasonAllNull
		case distinct < 2 && c.nulls == 0:
			return enc, ReasonConstant
		case c.id != nil && c.id.identifier(f.rows):
			return enc, ReasonIdentifier
		}
		f.vocabulary(c, &enc)
		enc.Width = enc.slots()
		return enc, ""
	}
	m := &c.mom
	switch {
	case m.Count == 0 && c.inf > 0:
		return enc, ReasonInfinite
	case m.Count == 0:
		return enc, ReasonAllNull
	case m.Min == m.Max:
		return enc, ReasonConstant
	case c.id != nil && c.id.identifier(f.rows):
		return enc, ReasonIdentifier
	}
	enc.Mean = m.Mean
	if c.kind != KindBoolean {
		enc.Std = m.Std()
		if !(enc.Std > 0) || math.IsInf(enc.Std, 0) || !finite(enc.Mean) {
			if enc.Std == 0 {
				return enc, ReasonConstant
			}
			return enc, ReasonTooLarge
		}
	}
	enc.Indicator = m.Nulls > 0 && !f.opts.Distance
	enc.Width = 1
	if enc.Indicator {
		enc.Width++
	}
	return enc, ""
}

// vocabulary picks the one-hot levels of a categorical column: the
// MaxLevels most frequent tracked levels (ties by text, bytewise
// ascending), 'other' for the rest, and a NULL level when NULLs occurred.
func (f *Fitter) vocabulary(c *colFit, enc *ColumnEncoding) {
	type levelCount struct {
		level string
		n     int64
	}
	all := make([]levelCount, 0, len(c.counts))
	for l, n := range c.counts {
		all = append(all, levelCount{l, *n})
	}
	slices.SortFunc(all, func(a, b levelCount) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return strings.Compare(a.level, b.level)
	})
	k := min(f.opts.MaxLevels, len(all))
	for _, lc := range all[:k] {
		enc.Levels = append(enc.Levels, lc.level)
	}
	rest := all[k:]
	enc.Other = len(rest) > 0 || c.overflow > 0
	if c.overflow > 0 {
		// The levels first seen after MaxTracked were not kept, so any
		// value outside Levels is taken for one of them.
		enc.OtherAny = true
	} else if len(rest) > 0 {
		enc.OtherLevels = make([]string, len(rest))
		for i, lc := range rest {
			enc.OtherLevels[i] = lc.level
		}
		slices.Sort(enc.OtherLevels)
	}
	enc.NullLevel = c.nulls > 0
	enc.Scale = 1
	if f.opts.Distance {
		enc.Scale = math.Sqrt2 / 2
	}
}

// findColumn resolves name in schema with DuckDB's rules: an exact match
// first, then a unique case-insensitive one.
func findColumn(schema *arrow.Schema, name string) (int, error) {
	if idx := schema.FieldIndices(name); len(idx) == 1 {
		return idx[0], nil
	} else if len(idx) > 1 {
		return 0, fmt.Errorf("column %q is ambiguous: the data has %d columns of that name", name, len(idx))
	}
	found := -1
	for i, fld := range schema.Fields() {
		if strings.EqualFold(fld.Name, name) {
			if found >= 0 {
				return 0, fmt.Errorf("column %q is ambiguous: the data has columns %q and %q", name, schema.Field(found).Name, fld.Name)
			}
			found = i
		}
	}
	if found < 0 {
		return 0, dserr.UnknownColumn("", "", name, ColumnNames(schema))
	}
	return found, nil
}
