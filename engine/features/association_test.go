package features

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestCrossFittedAUCByHand(t *testing.T) {
	// Level A: 3 of 4 positive in half 0, 1 of 2 in half 1; level B: 0 of
	// 2 in half 0, 2 of 4 in half 1. Out-of-half scores: A in half 0 gets
	// A's rate in half 1 (0.5), A in half 1 gets 0.75, B in half 0 gets
	// 0.5, B in half 1 gets 0. By score: 0 (2 pos, 2 neg): 0.5·2·2 = 2;
	// 0.5 (3 pos, 3 neg; 2 neg below): 3·2 + 0.5·9 = 10.5; 0.75 (1, 1;
	// 5 below): 5.5. U = 18 of 6·6 pairs: 0.5.
	levels := [][2]HalfStats{
		{{N: 4, Sum: 3}, {N: 2, Sum: 1}},
		{{N: 2, Sum: 0}, {N: 4, Sum: 2}},
	}
	if got := CrossFittedAUC(levels); got != 0.5 {
		t.Errorf("AUC %v, want 0.5", got)
	}
	// A level always positive and one always negative, in both halves:
	// a perfect score.
	perfect := [][2]HalfStats{
		{{N: 2, Sum: 2}, {N: 3, Sum: 3}},
		{{N: 4, Sum: 0}, {N: 1, Sum: 0}},
	}
	if got := CrossFittedAUC(perfect); got != 1 {
		t.Errorf("perfect AUC %v, want 1", got)
	}
	// No negative rows: undefined.
	if got := CrossFittedAUC([][2]HalfStats{{{N: 2, Sum: 2}, {N: 1, Sum: 1}}}); !math.IsNaN(got) {
		t.Errorf("one class: %v, want NaN", got)
	}
}

// A level seen in one half only is scored by the other half's prior.
func TestCrossFittedAUCLevelInOneHalf(t *testing.T) {
	// Level A only in half 0 (2 pos of 2), B in both halves (half 0: 0 of
	// 2; half 1: 1 of 2). Priors: half 0 2/4, half 1 1/2. A (half 0) gets
	// half 1's prior 0.5; B in half 0 gets B's half-1 rate 0.5; B in half 1
	// gets B's half-0 rate 0. Score 0: 1 pos, 1 neg: U 0.5; score 0.5: 2
	// pos, 2 neg, 1 neg below: 2 + 2 = 4. U = 4.5 of 3·3: 0.5.
	levels := [][2]HalfStats{
		{{N: 2, Sum: 2}, {}},
		{{N: 2, Sum: 0}, {N: 2, Sum: 1}},
	}
	if got := CrossFittedAUC(levels); got != 0.5 {
		t.Errorf("AUC %v, want 0.5", got)
	}
}

func TestCrossFittedPearsonByHand(t *testing.T) {
	// A rows have label 3, B rows 1, two of each per half: the scores are
	// the labels, r = 1.
	levels := [][2]HalfStats{
		{{N: 2, Sum: 6}, {N: 2, Sum: 6}},
		{{N: 2, Sum: 2}, {N: 2, Sum: 2}},
	}
	// 8 labels, mean 2, each 1 away: M2 = 8.
	if got := CrossFittedPearson(levels, 2, 8); math.Abs(got-1) > 1e-15 {
		t.Errorf("r %v, want 1", got)
	}
	// Every level in one half only: all rows of a half get the other
	// half's mean; equal means give every row the same score, r 0.
	unique := [][2]HalfStats{{{N: 1, Sum: 3}, {}}, {{N: 1, Sum: 1}, {}}, {{}, {N: 1, Sum: 3}}, {{}, {N: 1, Sum: 1}}}
	if got := CrossFittedPearson(unique, 2, 4); got != 0 {
		t.Errorf("unique levels: r %v, want 0", got)
	}
}

func TestNumericAUCByHand(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		vals []float64
		pos  []bool
		want float64
	}{
		{[]float64{1, 2, 3, 4}, []bool{false, false, true, true}, 1},
		{[]float64{4, 3, 2, 1}, []bool{false, false, true, true}, 1}, // reversed: 1 - AUC
		// Positives {1, 3}, negatives {2, 4}: one pair of four in order,
		// AUC 0.25, reported 0.75.
		{[]float64{1, 2, 3, 4}, []bool{true, false, true, false}, 0.75},
		// Ties count one half: every value equal.
		{[]float64{5, 5, 5, 5}, []bool{true, false, true, false}, 0.5},
		// NULL for the positives only: NULL above every value separates.
		{[]float64{nan, nan, 1, 2}, []bool{true, true, false, false}, 1},
		// Positives {1, NULL}, negatives {2, 3}. NULL low: pairs in order
		// (pos above neg) none among values; pos NULL below all: 0; AUC 0,
		// reported 1. NULL high: pos NULL above 2 and 3: 2 of 4 = 0.5.
		{[]float64{1, nan, 2, 3}, []bool{true, true, false, false}, 1},
	} {
		if got := NumericAUC(c.vals, c.pos); got != c.want {
			t.Errorf("NumericAUC(%v, %v) = %v, want %v", c.vals, c.pos, got, c.want)
		}
	}
}

// NumericAUC against the brute-force pair count.
func TestNumericAUCBruteForce(t *testing.T) {
	vals := make([]float64, 300)
	pos := make([]bool, 300)
	for i := range vals {
		h := fmix64(uint64(i) + 1)
		vals[i] = float64(h % 17)
		pos[i] = (h>>20)%3 == 0 || vals[i] > 12
	}
	var u, pairs float64
	for i := range vals {
		for j := range vals {
			if !pos[i] || pos[j] {
				continue
			}
			pairs++
			switch {
			case vals[i] > vals[j]:
				u++
			case vals[i] == vals[j]:
				u += 0.5
			}
		}
	}
	want := math.Max(u/pairs, 1-u/pairs)
	if got := NumericAUC(vals, pos); math.Abs(got-want) > 1e-12 {
		t.Errorf("AUC %v, brute force %v", got, want)
	}
}

// summarize runs a Summarizer over one batch.
func summarize(t *testing.T, label int, rec arrow.RecordBatch) []ColumnSummary {
	t.Helper()
	s, err := NewSummarizer(rec.Schema(), label)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Observe(rec); err != nil {
		t.Fatal(err)
	}
	return s.Finish()
}

// A text column unique on almost every row (one duplicate and a NULL, so
// not identifier-like) fits the label perfectly in-sample; cross-fitted,
// it scores about 0.5. A copy of the label as text scores 1, and a column
// NULL exactly for the positives scores 1 through its NULL level.
func TestSummarizerUniqueTextNotRewarded(t *testing.T) {
	alloc := checked(t)
	const n = 2000
	var ids, copies, nullIfPos []any
	var labels []any
	for i := 0; i < n; i++ {
		pos := fmix64(uint64(i))%3 == 0
		labels = append(labels, pos)
		id := any(string(rune('a'+i%26)) + string(rune('A'+i/26%26)) + string(rune('0'+i/676)))
		switch i {
		case 0:
			id = nil
		case 1:
			id = "dup"
		case 2:
			id = "dup"
		}
		ids = append(ids, id)
		copies = append(copies, map[bool]any{true: "yes", false: "no"}[pos])
		if pos {
			nullIfPos = append(nullIfPos, nil)
		} else {
			nullIfPos = append(nullIfPos, "x")
		}
	}
	rec := record([]string{"id", "copy", "nullpos", "y"},
		column(alloc, arrow.BinaryTypes.String, ids...),
		column(alloc, arrow.BinaryTypes.String, copies...),
		column(alloc, arrow.BinaryTypes.String, nullIfPos...),
		column(alloc, arrow.FixedWidthTypes.Boolean, labels...))
	defer rec.Release()
	got := summarize(t, 3, rec)
	if got[0].IdentifierLike {
		t.Fatalf("id with a duplicate and a NULL called identifier-like")
	}
	if a := got[0].Association; !(math.Abs(a-0.5) < 0.05) || got[0].Leakage {
		t.Errorf("unique text: association %v, leakage %v; want about 0.5, no leak", a, got[0].Leakage)
	}
	if a := got[1].Association; a != 1 || !got[1].Leakage {
		t.Errorf("label copy: association %v, leakage %v; want 1, leak", a, got[1].Leakage)
	}
	if a := got[2].Association; a != 1 {
		t.Errorf("NULL for positives: association %v, want 1", a)
	}
	if a := got[3].Association; !math.IsNaN(a) {
		t.Errorf("the label's own row: association %v, want NaN", a)
	}
	if got[1].TopLevel != "no" || math.Abs(got[1].TopShare-float64(n-countTrue(labels))/n) > 1e-15 {
		t.Errorf("top level %q %v", got[1].TopLevel, got[1].TopShare)
	}
	if got[0].Distinct != n-2 || !got[0].DistinctExact {
		t.Errorf("distinct %d (exact %v), want %d", got[0].Distinct, got[0].DistinctExact, n-2)
	}
}

func countTrue(vals []any) int {
	k := 0
	for _, v := range vals {
		if v == true {
			k++
		}
	}
	return k
}

func TestSummarizerByHand(t *testing.T) {
	alloc := checked(t)
	rec := record([]string{"id", "x", "c", "k", "nul", "d"},
		column(alloc, arrow.PrimitiveTypes.Int64, 1, 2, 3, 4, 5),
		column(alloc, arrow.PrimitiveTypes.Float64, 1.0, 2.0, nil, 4.0, 10.0),
		column(alloc, arrow.BinaryTypes.String, "a", "b", "a", nil, "b"),
		column(alloc, arrow.PrimitiveTypes.Int32, 7, 7, 7, 7, 7),
		column(alloc, arrow.PrimitiveTypes.Int32, nil, nil, nil, nil, nil),
		column(alloc, arrow.FixedWidthTypes.Date32, 0, 10, 20, 30, 40))
	defer rec.Release()
	got := summarize(t, -1, rec)
	id, x, c, k, nul, d := got[0], got[1], got[2], got[3], got[4], got[5]
	if !id.IdentifierLike || x.IdentifierLike || c.IdentifierLike || k.IdentifierLike {
		t.Errorf("identifier-like: %v %v %v %v", id.IdentifierLike, x.IdentifierLike, c.IdentifierLike, k.IdentifierLike)
	}
	// x: 1, 2, 4, 10: quantile_cont at 0.75·3 = 2.25: 4 + 0.25·6 = 5.5;
	// median 3; q25 at 0.75: 1.75.
	if x.Q25 != 1.75 || x.Q50 != 3 || x.Q75 != 5.5 {
		t.Errorf("x quartiles %v %v %v", x.Q25, x.Q50, x.Q75)
	}
	if d.Q25 != 10 || d.Q50 != 20 || d.Q75 != 30 {
		t.Errorf("date quartiles %v %v %v", d.Q25, d.Q50, d.Q75)
	}
	if x.Distinct != 4 || c.Distinct != 2 || k.Distinct != 1 || nul.Distinct != 0 {
		t.Errorf("distinct %d %d %d %d", x.Distinct, c.Distinct, k.Distinct, nul.Distinct)
	}
	if c.TopLevel != "a" || c.TopShare != 0.5 { // a and b tie at 2 of 4: the smaller text
		t.Errorf("top %q %v", c.TopLevel, c.TopShare)
	}
	if !k.Constant || !nul.Constant || x.Constant || c.Constant {
		t.Errorf("constant: k %v nul %v x %v c %v", k.Constant, nul.Constant, x.Constant, c.Constant)
	}
	if !math.IsNaN(c.Q50) || !math.IsNaN(x.TopShare) || !math.IsNaN(x.Association) {
		t.Errorf("values where none apply: %v %v %v", c.Q50, x.TopShare, x.Association)
	}
}

// Beyond ExactDistinct the count is a HyperLogLog estimate within a few
// standard errors; the same values in another order and batching give
// the same bits.
func TestSummarizerDistinctEstimate(t *testing.T) {
	alloc := checked(t)
	const n = 100_000
	vals := make([]any, n)
	for i := range vals {
		vals[i] = i % 60_000
	}
	rec := record([]string{"v"}, column(alloc, arrow.PrimitiveTypes.Int64, vals...))
	defer rec.Release()
	got := summarize(t, -1, rec)[0]
	if got.DistinctExact || math.Abs(float64(got.Distinct)-60_000)/60_000 > 0.03 {
		t.Errorf("distinct %d (exact %v), want about 60000", got.Distinct, got.DistinctExact)
	}
	rev := make([]any, n)
	for i := range rev {
		rev[i] = vals[n-1-i]
	}
	a := record([]string{"v"}, column(alloc, arrow.PrimitiveTypes.Int64, rev[:n/3]...))
	b := record([]string{"v"}, column(alloc, arrow.PrimitiveTypes.Int64, rev[n/3:]...))
	defer a.Release()
	defer b.Release()
	s, _ := NewSummarizer(a.Schema(), -1)
	if err := s.Observe(a); err != nil {
		t.Fatal(err)
	}
	if err := s.Observe(b); err != nil {
		t.Fatal(err)
	}
	if again := s.Finish()[0]; again.Distinct != got.Distinct {
		t.Errorf("reordered: %d, want %d", again.Distinct, got.Distinct)
	}
}

// A numeric label: |Pearson r| for numeric columns against the textbook
// formula.
func TestSummarizerPearson(t *testing.T) {
	alloc := checked(t)
	xs := []any{1.0, 2.0, 3.0, 4.0, nil, 6.0}
	ys := []any{2.0, 1.0, 4.0, 3.0, 5.0, 7.0}
	rec := record([]string{"x", "y"},
		column(alloc, arrow.PrimitiveTypes.Float64, xs...),
		column(alloc, arrow.PrimitiveTypes.Float64, ys...))
	defer rec.Release()
	got := summarize(t, 1, rec)
	// Pairs without the NULL: x 1,2,3,4,6 (mean 3.2), y 2,1,4,3,7 (mean 3.4).
	x := []float64{1, 2, 3, 4, 6}
	y := []float64{2, 1, 4, 3, 7}
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - 3.2) * (y[i] - 3.4)
		sxx += (x[i] - 3.2) * (x[i] - 3.2)
		syy += (y[i] - 3.4) * (y[i] - 3.4)
	}
	want := sxy / math.Sqrt(sxx*syy)
	if math.Abs(got[0].Association-want) > 1e-12 {
		t.Errorf("r %v, want %v", got[0].Association, want)
	}
}

// Equal rows (here every row of a level is the same row) are split
// between the halves by their position: a text copy of a label with five
// values scores |r| = 1, every level being seen in both halves.
func TestSummarizerDuplicateRowsSplit(t *testing.T) {
	alloc := checked(t)
	var ys, txt []any
	for i := 0; i < 1000; i++ {
		v := int(fmix64(uint64(i)) % 5)
		ys = append(ys, v)
		txt = append(txt, string(rune('a'+v)))
	}
	rec := record([]string{"y", "t"}, column(alloc, arrow.PrimitiveTypes.Int32, ys...), column(alloc, arrow.BinaryTypes.String, txt...))
	defer rec.Release()
	got := summarize(t, 0, rec)
	if a := got[1].Association; math.Abs(a-1) > 1e-12 || !got[1].Leakage {
		t.Errorf("text copy of the label: %v (leakage %v), want 1", a, got[1].Leakage)
	}
}
