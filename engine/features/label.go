package features

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ducksight/ducksight/engine/task"
)

// Class limits of LabelFitter.
const (
	// MaxAutoIntClasses: an integer label with more distinct values is a
	// regression target when the task is auto.
	MaxAutoIntClasses = 20
	// MaxClasses bounds the classes of a classification label.
	MaxClasses = 1000
)

// LabelEncoding is how a model reads its label column, stored as JSON in
// the model document.
//
// Levels are the classes of a classification label as text, in the sort
// order of the label's type: numbers numerically, false before true,
// VARCHAR bytewise, ENUM in the order of its dictionary (DuckDB's order of
// an ENUM). Counts are the training rows of each class. A binary model
// predicts the probability of Levels[Positive], and PositiveRule says how
// that class was chosen (for the training's notes; not stored). A regression label keeps
// the Mean and (sample) Std of its training values, for a trainer that
// scales the target. Type is the Arrow type of the training label, so a
// prediction can be returned in the same type.
type LabelEncoding struct {
	Column   string    `json:"column"`
	Task     task.Task `json:"task"`
	Levels   []string  `json:"levels,omitempty"`
	Counts   []int64   `json:"counts,omitempty"`
	Positive int       `json:"positive,omitempty"`
	// PositiveRule is why Levels[Positive] is the positive class: "as
	// given", "a BOOLEAN label's", "a 0/1 label's", "the less frequent of
	// 2" or "the larger of 2 equally frequent".
	PositiveRule string  `json:"-"`
	Type         string  `json:"type"`
	Mean         float64 `json:"mean,omitempty"`
	Std          float64 `json:"std,omitempty"`
}

// PositiveClass is a binary label's positive class as text,
// Levels[Positive]; false for a multiclass or regression label.
func (le *LabelEncoding) PositiveClass() (string, bool) {
	if le.Task != task.Binary || le.Positive < 0 || le.Positive >= len(le.Levels) {
		return "", false
	}
	return le.Levels[le.Positive], true
}

// family groups the label types whose values compare with each other.
type family int

const (
	famNone family = iota
	famBool
	famInt
	famFloat
	famText // VARCHAR in any layout
	famEnum // dictionary of text; compares with famText
)

func familyOf(t arrow.DataType) family {
	switch t.ID() {
	case arrow.BOOL:
		return famBool
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return famInt
	case arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return famFloat
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return famText
	case arrow.DICTIONARY:
		if stringish(t.(*arrow.DictionaryType).ValueType) {
			return famEnum
		}
	}
	return famNone
}

// familyOfName is familyOf for an Arrow type name as stored in
// LabelEncoding.Type.
func familyOfName(name string) family {
	switch name {
	case "bool":
		return famBool
	case "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64":
		return famInt
	case "float32", "float64":
		return famFloat
	case "utf8", "large_utf8", "string_view":
		return famText
	}
	switch {
	case strings.HasPrefix(name, "decimal"):
		return famFloat
	case strings.HasPrefix(name, "dictionary<values=utf8,"),
		strings.HasPrefix(name, "dictionary<values=large_utf8,"),
		strings.HasPrefix(name, "dictionary<values=string_view,"):
		return famEnum
	}
	return famNone
}

// text reports whether f holds text values.
func (f family) text() bool { return f == famText || f == famEnum }

// LabelFitter learns a LabelEncoding in the same streaming pass as the
// Fitter. It is not safe for concurrent use.
type LabelFitter struct {
	field    arrow.Field
	fam      family
	task     task.Task
	positive *string

	track    bool // count distinct values
	limit    int  // distinct values tracked
	overflow bool // more distinct values than limit

	bools   [2]int64
	ints    map[int64]int64
	uints   map[uint64]int64 // uint64 values above MaxInt64
	floats  map[float64]int64
	texts   map[string]*int64
	enumPos map[string]int // ENUM level -> dictionary position when first seen

	rows   int64 // rows observed
	nulls  int64 // rows marked for a NULL label
	bad    int64 // rows marked for a NaN or ±Inf label
	mom    Moments
	buf    []float64
	gather []float64
}

// NewLabelFitter prepares to learn the label in field for tk (task.Auto or
// task.None, task.Binary, task.Multiclass or task.Regression). positive, if not nil, is
// the user's positive class of a binary label, as text (parsed in the
// label's type: "1", "true", "yes"). Labels may be BOOLEAN, integers,
// floats, decimals, VARCHAR or ENUM; regression needs a numeric label.
func NewLabelFitter(field arrow.Field, tk task.Task, positive *string) (*LabelFitter, error) {
	fam := familyOf(field.Type)
	if fam == famNone {
		return nil, fmt.Errorf("column %q has type %s, which cannot be a label (supported: BOOLEAN, integers, floats, decimals, VARCHAR, ENUM)", field.Name, SQLType(field.Type))
	}
	if tk == task.None {
		tk = task.Auto
	}
	switch tk {
	case task.Auto, task.Binary, task.Multiclass:
	case task.Regression:
		if fam != famInt && fam != famFloat {
			return nil, fmt.Errorf("column %q has type %s, which cannot be a regression target (it needs a number)", field.Name, SQLType(field.Type))
		}
		if positive != nil {
			return nil, errors.New("a positive class applies to binary classification, not regression")
		}
	default:
		return nil, fmt.Errorf("unknown task %q (use auto, binary, multiclass or regression)", tk)
	}
	l := &LabelFitter{field: field, fam: fam, task: tk, positive: positive}
	l.track = !(tk == task.Regression || (tk == task.Auto && fam == famFloat))
	l.limit = MaxClasses
	if tk == task.Auto && fam == famInt {
		l.limit = MaxAutoIntClasses
	}
	switch fam {
	case famInt:
		l.ints, l.uints = map[int64]int64{}, map[uint64]int64{}
	case famFloat:
		l.floats = map[float64]int64{}
	case famText, famEnum:
		l.texts = map[string]*int64{}
		l.enumPos = map[string]int{}
	}
	return l, nil
}

// Observe marks in skip the rows whose label is NULL, NaN or ±Inf (to be
// left out of training) and learns from the rest of the rows skip does
// not mark. It returns the number of rows it marked. len(skip) must be
// col.Len(), and col must have the type of the field the LabelFitter was
// made with (Observe panics otherwise). The caller keeps ownership of col.
func (l *LabelFitter) Observe(col arrow.Array, skip []bool) int {
	if len(skip) != col.Len() {
		panic(fmt.Sprintf("features: label Observe: %d skip flags for %d rows", len(skip), col.Len()))
	}
	if !arrow.TypeEqual(col.DataType(), l.field.Type) {
		panic(fmt.Sprintf("features: label column %q has type %s in this batch, %s in the schema", l.field.Name, col.DataType(), l.field.Type))
	}
	marked := markLabel(col, skip, &l.nulls, &l.bad)
	for _, s := range skip {
		if !s {
			l.rows++
		}
	}
	if l.fam == famInt || l.fam == famFloat {
		l.observeMoments(col, skip)
	}
	if l.track && !l.overflow {
		l.observeClasses(col, skip)
	}
	return marked
}

// markLabel marks the rows with a NULL, NaN or ±Inf label, counting them
// into nulls and bad.
func markLabel(col arrow.Array, skip []bool, nulls, bad *int64) int {
	marked := 0
	bm, off := validity(col)
	if bm != nil {
		for i := range skip {
			if !skip[i] && !isValid(bm, off, i) {
				skip[i] = true
				marked++
				*nulls++
			}
		}
	}
	if d, ok := col.(*array.Dictionary); ok {
		// A NULL dictionary entry is a NULL label too.
		dbm, doff := validity(d.Dictionary())
		if dbm != nil {
			for i, j := range dictIndices(d, nil) {
				if !skip[i] && !isValid(dbm, doff, int(j)) {
					skip[i] = true
					marked++
					*nulls++
				}
			}
		}
	}
	b := markBad(col, skip)
	*bad += int64(b)
	return marked + b
}

func (l *LabelFitter) observeMoments(col arrow.Array, skip []bool) {
	n := col.Len()
	if cap(l.buf) < n {
		l.buf = make([]float64, n)
		l.gather = make([]float64, 0, n)
	}
	vals := l.buf[:n]
	toFloats(col, vals)
	s := summer{vals: l.gather[:0], min: math.Inf(1), max: math.Inf(-1)}
	for i, x := range vals {
		if skip[i] {
			continue
		}
		s.vals = append(s.vals, x)
		s.sum += x
		s.min = min(s.min, x)
		s.max = max(s.max, x)
	}
	s.n = int64(len(s.vals))
	l.mom.Merge(s.moments())
}

// distinct is the number of distinct values tracked.
func (l *LabelFitter) distinct() int {
	switch l.fam {
	case famBool:
		n := 0
		for _, c := range l.bools {
			if c > 0 {
				n++
			}
		}
		return n
	case famInt:
		return len(l.ints) + len(l.uints)
	case famFloat:
		return len(l.floats)
	}
	return len(l.texts)
}

func (l *LabelFitter) observeClasses(col arrow.Array, skip []bool) {
	switch c := col.(type) {
	case *array.Boolean:
		var no, yes int64
		vals, voff := c.Data().Buffers()[1].Bytes(), c.Data().Offset()
		for i := range skip {
			if !skip[i] {
				if j := voff + i; vals[j>>3]&(1<<(j&7)) != 0 {
					yes++
				} else {
					no++
				}
			}
		}
		l.bools[0] += no
		l.bools[1] += yes
	case *array.Int8:
		countInts(l, c.Int8Values(), skip)
	case *array.Int16:
		countInts(l, c.Int16Values(), skip)
	case *array.Int32:
		countInts(l, c.Int32Values(), skip)
	case *array.Int64:
		countInts(l, c.Int64Values(), skip)
	case *array.Uint8:
		countInts(l, c.Uint8Values(), skip)
	case *array.Uint16:
		countInts(l, c.Uint16Values(), skip)
	case *array.Uint32:
		countInts(l, c.Uint32Values(), skip)
	case *array.Uint64:
		for i, v := range c.Uint64Values() {
			if skip[i] {
				continue
			}
			if v <= math.MaxInt64 {
				countKey(l, l.ints, int64(v), 1)
			} else {
				countKey(l, l.uints, v, 1)
			}
		}
	case *array.Dictionary:
		dict := c.Dictionary()
		words := dict.(array.StringLike)
		counts := make([]int64, dict.Len())
		var order []int32
		for i, j := range dictIndices(c, nil) {
			if skip[i] {
				continue
			}
			if counts[j] == 0 {
				order = append(order, j)
			}
			counts[j]++
		}
		for _, j := range order {
			w := words.Value(int(j))
			if _, ok := l.texts[w]; !ok && !l.overflow && len(l.texts) < l.limit {
				l.enumPos[strings.Clone(w)] = int(j)
			}
			countText(l, w, counts[j])
		}
	case array.StringLike:
		for i := range skip {
			if !skip[i] {
				countText(l, c.Value(i), 1)
			}
		}
	default: // floats and decimals
		vals := l.buf[:col.Len()]
		toFloats(col, vals)
		for i, x := range vals {
			if !skip[i] {
				countKey(l, l.floats, x+0, 1) // +0 turns -0 into 0
			}
		}
	}
}

func countInts[T ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32](l *LabelFitter, vals []T, skip []bool) {
	for i, v := range vals {
		if !skip[i] {
			countKey(l, l.ints, int64(v), 1)
		}
	}
}

func countKey[K comparable](l *LabelFitter, m map[K]int64, k K, n int64) {
	if c, ok := m[k]; ok {
		m[k] = c + n
		return
	}
	if l.distinct() >= l.limit {
		l.overflow = true
		return
	}
	m[k] = n
}

func countText(l *LabelFitter, v string, n int64) {
	if c, ok := l.texts[v]; ok {
		*c += n // not l.texts[v] = ...: that would store v, which aliases the batch, as the key
		return
	}
	if len(l.texts) >= l.limit {
		l.overflow = true
		return
	}
	l.texts[strings.Clone(v)] = &n
}

// Finish decides the task and the classes. With task auto, BOOLEAN,
// VARCHAR and ENUM labels, and integer labels with at most 20 distinct
// values, are classification (binary with two classes, else multiclass);
// other integer labels and float and decimal labels are regression. The
// default positive class of a binary label is the larger of its two
// classes in sort order (true, 1, 'yes'). It is an error when every label
// is NULL, when a classification label has a single class or more than
// 1000, when a binary label does not have two classes, when the positive
// class is not one of the classes (the error lists them) or is given for a
// label that is not binary, when a regression label is constant, and when
// its values are too large to standardise (a mean or standard deviation
// that overflows).
func (l *LabelFitter) Finish() (*LabelEncoding, error) {
	name := l.field.Name
	if l.rows == 0 {
		if l.nulls+l.bad > 0 {
			return nil, fmt.Errorf("label %q is NULL (or NaN) on every row", name)
		}
		return nil, fmt.Errorf("label %q: no rows", name)
	}
	le := &LabelEncoding{Column: name, Task: l.task, Type: l.field.Type.String()}
	if le.Task == task.Auto {
		switch {
		case l.fam == famFloat, l.fam == famInt && l.overflow:
			le.Task = task.Regression
		default:
			le.Task = task.Multiclass
			if l.distinct() == 2 && !l.overflow {
				le.Task = task.Binary
			}
		}
	}
	if le.Task == task.Regression {
		if l.positive != nil {
			return nil, fmt.Errorf("label %q is a regression target; a positive class applies to binary classification", name)
		}
		if l.mom.Min == l.mom.Max {
			return nil, fmt.Errorf("label %q is constant (every row is %v)", name, l.mom.Min)
		}
		le.Mean, le.Std = l.mom.Mean, l.mom.Std()
		// The trainer standardises the target: a sum of squares that
		// overflows (values near ±1e154 and beyond) cannot be.
		if !finite(le.Mean) || !finite(le.Std) || !(le.Std > 0) {
			return nil, fmt.Errorf("label %q has values too large to standardise (from %.4g to %.4g: mean %.4g, standard deviation %.4g); rescale it, e.g. divide it by a power of 10 in the data query", name, l.mom.Min, l.mom.Max, le.Mean, le.Std)
		}
		return le, nil
	}
	if l.overflow {
		return nil, fmt.Errorf("label %q has more than %d distinct values, too many classes for classification", name, l.limit)
	}
	le.Levels, le.Counts = l.classes()
	switch {
	case len(le.Levels) == 1:
		return nil, fmt.Errorf("label %q has a single class (%s)", name, le.Levels[0])
	case le.Task == task.Binary && len(le.Levels) != 2:
		return nil, fmt.Errorf("label %q has %d classes (%s); binary classification needs 2", name, len(le.Levels), classList(le.Levels))
	}
	if le.Task != task.Binary {
		if l.positive != nil {
			return nil, fmt.Errorf("label %q has %d classes (%s); a positive class applies to binary classification", name, len(le.Levels), classList(le.Levels))
		}
		return le, nil
	}
	// The positive class: the one given; true for a BOOLEAN label and 1
	// for a 0/1 label; otherwise the less frequent class (the rare outcome
	// is what a model is built to find: churned, bad credit, fraud), the
	// larger on a tie.
	switch {
	case l.positive != nil:
		p := canonical(l.fam, l.field.Type, *l.positive)
		le.Positive = slices.Index(le.Levels, p)
		if le.Positive < 0 {
			return nil, fmt.Errorf("positive class %q is not a class of label %q (classes: %s)", *l.positive, name, classList(le.Levels))
		}
		le.PositiveRule = "as given"
	case l.fam == famBool:
		le.Positive, le.PositiveRule = 1, "a BOOLEAN label's"
	case (l.fam == famInt || l.fam == famFloat) && le.Levels[0] == "0" && le.Levels[1] == "1":
		le.Positive, le.PositiveRule = 1, "a 0/1 label's"
	case le.Counts[0] < le.Counts[1]:
		le.Positive, le.PositiveRule = 0, "the less frequent of 2"
	case le.Counts[0] > le.Counts[1]:
		le.Positive, le.PositiveRule = 1, "the less frequent of 2"
	default:
		le.Positive, le.PositiveRule = 1, "the larger of 2 equally frequent"
	}
	return le, nil
}

// classes returns the tracked values as text in sort order, with their
// counts.
func (l *LabelFitter) classes() ([]string, []int64) {
	var levels []string
	var counts []int64
	switch l.fam {
	case famBool:
		for v, c := range l.bools {
			if c > 0 {
				levels = append(levels, strconv.FormatBool(v == 1))
				counts = append(counts, c)
			}
		}
	case famInt:
		for _, k := range slices.Sorted(maps.Keys(l.ints)) {
			levels = append(levels, strconv.FormatInt(k, 10))
			counts = append(counts, l.ints[k])
		}
		for _, k := range slices.Sorted(maps.Keys(l.uints)) {
			levels = append(levels, strconv.FormatUint(k, 10))
			counts = append(counts, l.uints[k])
		}
	case famFloat:
		bits := floatBits(l.field.Type)
		for _, k := range slices.Sorted(maps.Keys(l.floats)) {
			levels = append(levels, strconv.FormatFloat(k, 'g', -1, bits))
			counts = append(counts, l.floats[k])
		}
	case famText:
		levels = slices.Sorted(maps.Keys(l.texts))
	case famEnum:
		levels = slices.SortedFunc(maps.Keys(l.texts), func(a, b string) int {
			if c := cmp.Compare(l.enumPos[a], l.enumPos[b]); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
	}
	if l.fam.text() {
		for _, v := range levels {
			counts = append(counts, *l.texts[v])
		}
	}
	return levels, counts
}

func floatBits(t arrow.DataType) int {
	if t.ID() == arrow.FLOAT32 {
		return 32
	}
	return 64
}

// canonical spells a user's class text the way Levels spell that value in
// a label of type t, or returns it as it is when it does not parse.
func canonical(f family, t arrow.DataType, s string) string {
	s2 := strings.TrimSpace(s)
	switch f {
	case famBool:
		if b, err := strconv.ParseBool(s2); err == nil {
			return strconv.FormatBool(b)
		}
		switch strings.ToLower(s2) {
		case "yes", "y", "on":
			return "true"
		case "no", "n", "off":
			return "false"
		}
	case famInt:
		if v, err := strconv.ParseInt(s2, 10, 64); err == nil {
			return strconv.FormatInt(v, 10)
		}
		if v, err := strconv.ParseUint(s2, 10, 64); err == nil {
			return strconv.FormatUint(v, 10)
		}
		if v, err := strconv.ParseFloat(s2, 64); err == nil && v == math.Trunc(v) && math.Abs(v) < 1<<63 {
			return strconv.FormatInt(int64(v), 10) // "1.0"
		}
	case famFloat:
		bits := floatBits(t)
		if v, err := strconv.ParseFloat(s2, bits); err == nil {
			return strconv.FormatFloat(v+0, 'g', -1, bits)
		}
	}
	return s
}

func classList(levels []string) string {
	const most = 20
	if len(levels) > most {
		return strings.Join(levels[:most], ", ") + fmt.Sprintf(", ... (%d more)", len(levels)-most)
	}
	return strings.Join(levels, ", ")
}

// Compatible reports whether a column of type t can be encoded as this
// label: the same family of types as in training (any integer type for an
// integer label, any float or decimal for a float one, VARCHAR or ENUM for
// a text one).
func (le *LabelEncoding) Compatible(t arrow.DataType) error {
	got, want := familyOf(t), familyOfName(le.Type)
	if got == famNone || want == famNone || (got != want && !(got.text() && want.text())) {
		return fmt.Errorf("label %q has type %s in the data, but the model was trained on %s", le.Column, SQLType(t), SQLTypeName(le.Type))
	}
	return nil
}

// classLookup maps the values of a column of family f to class indexes.
type classLookup struct {
	bools  [2]int
	ints   map[int64]int
	uints  map[uint64]int
	floats map[float64]int
	texts  map[string]int
}

func (le *LabelEncoding) lookup(t arrow.DataType) classLookup {
	lk := classLookup{bools: [2]int{-1, -1}}
	switch familyOf(t) {
	case famBool:
		for i, l := range le.Levels {
			if b, err := strconv.ParseBool(l); err == nil {
				lk.bools[b2i(b)] = i
			}
		}
	case famInt:
		lk.ints, lk.uints = map[int64]int{}, map[uint64]int{}
		for i, l := range le.Levels {
			if v, err := strconv.ParseInt(l, 10, 64); err == nil {
				lk.ints[v] = i
			} else if v, err := strconv.ParseUint(l, 10, 64); err == nil {
				lk.uints[v] = i
			}
		}
	case famFloat:
		lk.floats = map[float64]int{}
		bits := floatBits(t)
		for i, l := range le.Levels {
			if v, err := strconv.ParseFloat(l, bits); err == nil {
				lk.floats[v] = i
			}
		}
	default:
		lk.texts = make(map[string]int, len(le.Levels))
		for i, l := range le.Levels {
			lk.texts[l] = i
		}
	}
	return lk
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// classes writes into cls the class index of each row (-1 for a value that
// is not a class, or NULL). Rows marked in skip are left at -1.
func (le *LabelEncoding) classes(col arrow.Array, skip []bool, cls []int) {
	for i := range cls {
		cls[i] = -1
	}
	lk := le.lookup(col.DataType())
	bm, off := validity(col)
	keep := func(i int) bool { return (skip == nil || !skip[i]) && isValid(bm, off, i) }
	switch c := col.(type) {
	case *array.Boolean:
		// The value bits read in place: Value(i) per row costs more than
		// the rest of the loop.
		vals, voff := c.Data().Buffers()[1].Bytes(), c.Data().Offset()
		no, diff := lk.bools[0], lk.bools[1]-lk.bools[0]
		for i := range cls {
			if skip != nil && skip[i] || !isValid(bm, off, i) {
				continue
			}
			j := voff + i
			cls[i] = no + diff*int(vals[j>>3]>>(j&7)&1) // no branch: labels are unpredictable
		}
	case *array.Uint64:
		for i, v := range c.Uint64Values() {
			if !keep(i) {
				continue
			}
			var k int
			var ok bool
			if v <= math.MaxInt64 {
				k, ok = lk.ints[int64(v)]
			} else {
				k, ok = lk.uints[v]
			}
			if ok {
				cls[i] = k
			}
		}
	case *array.Dictionary:
		dict := c.Dictionary()
		words := dict.(array.StringLike)
		dbm, doff := validity(dict)
		ds := make([]int, dict.Len())
		for j := range ds {
			ds[j] = -1
			if isValid(dbm, doff, j) {
				if k, ok := lk.texts[words.Value(j)]; ok {
					ds[j] = k
				}
			}
		}
		for i, j := range dictIndices(c, nil) {
			if keep(i) {
				cls[i] = ds[j]
			}
		}
	case array.StringLike:
		for i := range cls {
			if keep(i) {
				if k, ok := lk.texts[c.Value(i)]; ok {
					cls[i] = k
				}
			}
		}
	case *array.Int8:
		classInts(cls, c.Int8Values(), lk.ints, keep)
	case *array.Int16:
		classInts(cls, c.Int16Values(), lk.ints, keep)
	case *array.Int32:
		classInts(cls, c.Int32Values(), lk.ints, keep)
	case *array.Int64:
		classInts(cls, c.Int64Values(), lk.ints, keep)
	case *array.Uint8:
		classInts(cls, c.Uint8Values(), lk.ints, keep)
	case *array.Uint16:
		classInts(cls, c.Uint16Values(), lk.ints, keep)
	case *array.Uint32:
		classInts(cls, c.Uint32Values(), lk.ints, keep)
	default: // floats and decimals
		vals := make([]float64, col.Len())
		if !toFloats(col, vals) {
			return
		}
		for i, x := range vals {
			if keep(i) {
				if k, ok := lk.floats[x+0]; ok {
					cls[i] = k
				}
			}
		}
	}
}

func classInts[T ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32](cls []int, vals []T, m map[int64]int, keep func(int) bool) {
	for i, v := range vals {
		if keep(i) {
			if k, ok := m[int64(v)]; ok {
				cls[i] = k
			}
		}
	}
}

// MarkSkips sets skip[i] for each row not yet skipped that cannot be
// encoded: a NULL, NaN or ±Inf label and, for classification, a value
// that is not one of the classes. It returns how many rows it marked.
// len(skip) must be col.Len(). The caller keeps ownership of col.
func (le *LabelEncoding) MarkSkips(col arrow.Array, skip []bool) int {
	if len(skip) != col.Len() {
		panic(fmt.Sprintf("features: label MarkSkips: %d skip flags for %d rows", len(skip), col.Len()))
	}
	var nulls, bad int64
	marked := markLabel(col, skip, &nulls, &bad)
	if le.Task == task.Regression {
		return marked
	}
	cls, done := scratch[int](&intScratch, col.Len())
	defer done()
	le.classes(col, skip, cls)
	for i, k := range cls {
		if k < 0 && !skip[i] {
			skip[i] = true
			marked++
		}
	}
	return marked
}

// Encode writes the target of each row skip does not mark into out and
// returns how many it wrote: for binary 1 when the row's class is the
// positive one and 0 otherwise, for multiclass the class index, for
// regression the value. A row that cannot be encoded (see MarkSkips, which
// should be called first) gets NaN. out must hold the rows written.
func (le *LabelEncoding) Encode(col arrow.Array, skip []bool, out []float64) int {
	sel, done := selection(skip, col.Len())
	defer done()
	rows := col.Len()
	if sel != nil {
		rows = len(sel)
	}
	out = out[:rows]
	at := func(r int) int {
		if sel != nil {
			return int(sel[r])
		}
		return r
	}
	if le.Task == task.Regression {
		vals, done := scratch[float64](&floatScratch, col.Len())
		defer done()
		ok := toFloats(col, vals)
		bm, off := validity(col)
		for r := range out {
			i := at(r)
			out[r] = math.NaN()
			if ok && isValid(bm, off, i) {
				out[r] = vals[i]
			}
		}
		return rows
	}
	cls, done2 := scratch[int](&intScratch, col.Len())
	defer done2()
	le.classes(col, nil, cls)
	for r := range out {
		k := cls[at(r)]
		switch {
		case k < 0:
			out[r] = math.NaN()
		case le.Task == task.Binary:
			out[r] = float64(b2i(k == le.Positive))
		default:
			out[r] = float64(k)
		}
	}
	return rows
}
