package training

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/dataset/datasettest"
)

// mix is a fixed pseudo-random function of a row number.
func mix(i, k int) float64 {
	x := uint64(i)*0x9e3779b97f4a7c15 + uint64(k)*0xbf58476d1ce4e5b9
	x ^= x >> 31
	x *= 0x94d049bb133111eb
	x ^= x >> 29
	return float64(x>>11) / (1 << 53)
}

// mixedColumns are features of every kind the encoder handles: a DOUBLE
// with NULLs (a NULL indicator) and a NaN (a skipped row), an integer, a
// FLOAT, a VARCHAR with NULLs, a constant and an identifier (both dropped),
// and the labels of the three tasks.
func mixedColumns() []col {
	f64, f32, i64 := arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Int64
	str := arrow.BinaryTypes.String
	return []col{
		{"x1", f64, func(i int) any {
			switch {
			case i%13 == 0:
				return nil
			case i == 777:
				return math.NaN()
			}
			return mix(i, 1)*4 - 2
		}},
		{"x2", i64, func(i int) any { return int64(i * 7 % 100) }},
		{"x3", f32, func(i int) any { return float32(mix(i, 3)) }},
		{"plan", str, func(i int) any {
			if i%17 == 0 {
				return nil
			}
			return []string{"free", "gold", "pro"}[int(mix(i, 4)*3)]
		}},
		{"konst", f64, func(i int) any { return 1.0 }},
		{"id", i64, func(i int) any { return int64(i) }},
		{"y", arrow.FixedWidthTypes.Boolean, func(i int) any {
			if i == 4000 {
				return nil
			}
			return mix(i, 1)+mix(i, 3)+mix(i, 9) > 1.5
		}},
		{"grade", str, func(i int) any {
			if i%101 == 0 {
				return nil
			}
			return []string{"a", "b", "c"}[int(mix(i, 1)*2.999+mix(i, 8)*0.5)%3]
		}},
		{"amount", f64, func(i int) any {
			if i%211 == 0 {
				return math.NaN()
			}
			return 3*mix(i, 1) - float64(i*7%100)/50 + mix(i, 10)
		}},
	}
}

// trainDoc trains on src in a single pass or in two passes over the
// data, as single says, and returns the document as JSON and the result.
func trainDoc(t *testing.T, src dataset.Source, o Options, single bool) ([]byte, *Result) {
	t.Helper()
	res, err := train(context.Background(), src, o, runOptions{twoPass: !single})
	if err != nil {
		t.Fatalf("single pass %v: %v", single, err)
	}
	// Train has freed its buffers: a document holding any of them would
	// fault or read garbage here.
	doc, err := MarshalDocument(res.Doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, res
}

func bptr(b bool) *bool            { return &b }
func fptr(f float64) *float64      { return &f }
func exclude(c ...string) []string { return c }

// Training from the copy kept while fitting gives the same document, bit
// for bit, as training with a second pass over the data, for every task,
// kind of feature and option that changes the encoding or the split; the
// copy spares the second pass.
func TestSinglePassMatchesTwoPasses(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := makeSource(t, mem, 9000, 1000, mixedColumns())
	defer src.Release()
	cases := []struct {
		name string
		o    Options
	}{
		{"binary", Options{Label: "y", Exclude: exclude("grade", "amount"), Epochs: 3}},
		{"multiclass balanced", Options{Label: "grade", Exclude: exclude("y", "amount"), Epochs: 2, ClassWeight: "balanced", Hidden: []int{5}}},
		{"regression", Options{Label: "amount", Exclude: exclude("y", "grade"), Epochs: 2, Hidden: []int{4}, Optimizer: "sgd"}},
		{"no validation", Options{Label: "y", Exclude: exclude("grade", "amount"), Epochs: 2, ValidationFraction: fptr(0)}},
		{"features", Options{Label: "grade", Features: []string{"id", "x2", "plan"}, Epochs: 2, Solver: "adam", EarlyStopping: bptr(false), Seed: new(int64(5))}},
		{"small batches", Options{Label: "y", Exclude: exclude("grade", "amount"), Epochs: 2, Solver: "adam", BatchSize: 7, ValidationFraction: fptr(0.3)}},
		{"lbfgs multiclass", Options{Label: "grade", Exclude: exclude("y", "amount"), ClassWeight: "balanced", Solver: "lbfgs"}},
		{"lbfgs binary", Options{Label: "y", Exclude: exclude("grade", "amount"), Solver: "lbfgs"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src.Streams = 0
			one, r1 := trainDoc(t, src, c.o, true)
			if src.Streams != 1 {
				t.Errorf("single pass: %d passes over the data, want 1", src.Streams)
			}
			src.Streams = 0
			two, r2 := trainDoc(t, src, c.o, false)
			if src.Streams != 2 {
				t.Errorf("two passes: %d passes over the data, want 2", src.Streams)
			}
			if !bytes.Equal(one, two) {
				t.Errorf("the documents differ, %s", firstDifference(one, two))
			}
			if r1.Mode != "cached" || r2.Mode != "cached" || fmt.Sprint(r1.Notes) != fmt.Sprint(r2.Notes) {
				t.Errorf("mode %s, notes %q; two passes: mode %s, notes %q", r1.Mode, r1.Notes, r2.Mode, r2.Notes)
			}
		})
	}
}

// When the copy and the cache do not both fit in memory_limit, or the copy
// lacks a column the model needs (an ENUM), training streams a second
// pass; when the cache does not fit either it streams every epoch, and
// when the validation rows do not fit beside the shuffle buffer it
// streams them every epoch too. The documents are the same as with two
// passes.
func TestSinglePassFallbacks(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	cols := append(mixedColumns(), col{"region", &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String},
		func(i int) any { return []string{"north", "south"}[i%2] }})
	src := makeSource(t, mem, 6000, 512, cols)
	defer src.Release()
	// adam: the passes are counted per epoch (lbfgs: TestLBFGSStreamed).
	base := Options{Label: "y", Exclude: exclude("grade", "amount", "region"), Epochs: 2, Solver: "adam"}
	_, res := trainDoc(t, src, base, true)
	// The cache of 6000 rows and the width (+2) in bytes, and a little.
	cacheOnly := base
	cacheOnly.MemoryLimit = strconv.Itoa(6000*(res.Doc.Encoder.Width+2)*8 + 1000)
	streamed := base
	streamed.MemoryLimit = "10KB"
	// Just short of the cache: the shuffle buffer (2048 rows) and the
	// validation rows (about 600) fit.
	validCached := base
	validCached.MemoryLimit = strconv.Itoa(6000*(res.Doc.Encoder.Width+2)*8 - 1)
	enum := base
	enum.Exclude = exclude("grade", "amount")
	cases := []struct {
		name   string
		o      Options
		passes int // over the data, single pass allowed
		mode   string
	}{
		{"cache fits, copy does not", cacheOnly, 2, "cached"},
		{"validation rows fit", validCached, 2 + 2, "streamed"},
		{"nothing fits", streamed, 2 + 2*2, "streamed"},
		{"enum feature", enum, 2, "cached"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src.Streams = 0
			one, r1 := trainDoc(t, src, c.o, true)
			if src.Streams != c.passes {
				t.Errorf("%d passes over the data, want %d", src.Streams, c.passes)
			}
			two, _ := trainDoc(t, src, c.o, false)
			if !bytes.Equal(one, two) {
				t.Errorf("the documents differ, %s", firstDifference(one, two))
			}
			if r1.Mode != c.mode {
				t.Errorf("mode %s, want %s", r1.Mode, c.mode)
			}
		})
	}
}

// The parallel encoding gives the same document whatever GOMAXPROCS.
func TestSinglePassDeterministicAcrossProcs(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := makeSource(t, mem, 20000, 2048, mixedColumns())
	defer src.Release()
	o := Options{Label: "grade", Exclude: exclude("y", "amount"), Epochs: 2, Hidden: []int{3}}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var docs [][]byte
	for _, procs := range []int{1, 2, 5} {
		runtime.GOMAXPROCS(procs)
		doc, _ := trainDoc(t, src, o, true)
		docs = append(docs, doc)
	}
	for i := 1; i < len(docs); i++ {
		if !bytes.Equal(docs[0], docs[i]) {
			t.Errorf("GOMAXPROCS 1 and %d: the documents differ, %s", []int{1, 2, 5}[i], firstDifference(docs[0], docs[i]))
		}
	}
}

// A cancelled training returns the cancellation, with the context's error
// in its chain, whenever it comes, and leaks no batch.
func TestTrainCancelled(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := makeSource(t, mem, 5000, 100, mixedColumns())
	defer src.Release()
	// 50 batches: cancelled while fitting, at the end of the data, and
	// (never reached: epoch) in the epochs.
	for _, after := range []int{1, 30, 50, 51, 1000} {
		ctx, cancel := context.WithCancel(context.Background())
		cs := &cancelSource{Source: src, after: after, cancel: cancel}
		o := Options{Label: "y", Exclude: exclude("grade", "amount"), Epochs: 3}
		if after == 1000 {
			o.Progress = func(Epoch) { cancel() }
		}
		_, err := Train(ctx, cs, o)
		cancel()
		if !errors.Is(err, dserr.Cancelled) || !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled after %d batches: %v, want a cancellation that wraps context.Canceled", after, err)
		}
	}
}

// cancelSource cancels its context once it has handed out after batches
// (over all passes).
type cancelSource struct {
	*datasettest.Source
	after, given int
	cancel       func()
}

func (s *cancelSource) Stream(ctx context.Context) (dataset.Reader, error) {
	r, err := s.Source.Stream(ctx)
	return &cancelReader{Reader: r, s: s}, err
}

type cancelReader struct {
	dataset.Reader
	s *cancelSource
}

func (r *cancelReader) Next() (arrow.RecordBatch, func(), error) {
	r.s.given++
	if r.s.given == r.s.after {
		r.s.cancel()
	}
	return r.Reader.Next()
}

// firstDifference describes where two byte strings first differ.
func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	clip := func(s []byte) string {
		lo, hi := max(0, i-80), min(len(s), i+80)
		return string(s[lo:hi])
	}
	return fmt.Sprintf("at byte %d of %d/%d:\n  ...%s...\n  ...%s...", i, len(a), len(b), clip(a), clip(b))
}

// Streaming the validation rows every epoch (when they do not fit in
// memory_limit beside the shuffle buffer) gives the validation loss and
// metric that caching them gives: the same loss and accuracy up to
// rounding, the same RMSE, and the AUC within the resolution of its bins.
func TestStreamedValidationMatchesCached(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := makeSource(t, mem, 6000, 512, mixedColumns())
	defer src.Release()
	for _, c := range []struct {
		label   string
		exclude []string
		aucTol  float64
	}{
		{"y", exclude("grade", "amount"), 1e-3},
		{"grade", exclude("y", "amount"), 0},
		{"amount", exclude("y", "grade"), 0},
	} {
		t.Run(c.label, func(t *testing.T) {
			o := Options{Label: c.label, Exclude: c.exclude, Epochs: 3, EarlyStopping: bptr(false), Hidden: []int{3}, ValidationFraction: fptr(0.2)}
			_, full := trainDoc(t, src, o, true)
			w := full.Doc.Encoder.Width
			// Just short of the cache: the validation rows fit beside the
			// shuffle buffer; then too little memory for them.
			o.MemoryLimit = strconv.Itoa(6000*(w+2)*8 - 1)
			src.Streams = 0
			_, cached := trainDoc(t, src, o, true)
			if want := 2 + 3; src.Streams != want {
				t.Errorf("%d passes over the data with the validation rows cached, want %d", src.Streams, want)
			}
			o.MemoryLimit = "10KB"
			src.Streams = 0
			_, streamed := trainDoc(t, src, o, true)
			if cached.Mode != "streamed" || streamed.Mode != "streamed" {
				t.Fatalf("modes %s and %s, want both streamed", cached.Mode, streamed.Mode)
			}
			if want := 2 + 2*3; src.Streams != want {
				t.Errorf("%d passes over the data with the validation rows streamed, want %d", src.Streams, want)
			}
			if cached.Doc.Metrics.ValidRows != streamed.Doc.Metrics.ValidRows || cached.Doc.Metrics.ValidRows < 1000 {
				t.Errorf("validation rows: %d cached, %d streamed", cached.Doc.Metrics.ValidRows, streamed.Doc.Metrics.ValidRows)
			}
			for i, a := range cached.Doc.History {
				b := streamed.Doc.History[i]
				if a.TrainLoss != b.TrainLoss {
					t.Errorf("epoch %d: training loss %v cached, %v streamed: the training differs", a.Epoch, a.TrainLoss, b.TrainLoss)
				}
				if d := math.Abs(float64(a.ValidLoss - b.ValidLoss)); !(d <= 1e-9*math.Abs(float64(a.ValidLoss))) {
					t.Errorf("epoch %d: validation loss %v cached, %v streamed", a.Epoch, a.ValidLoss, b.ValidLoss)
				}
				tol := c.aucTol + 1e-9*math.Abs(float64(a.ValidMetric))
				if d := math.Abs(float64(a.ValidMetric - b.ValidMetric)); !(d <= tol) {
					t.Errorf("epoch %d: validation metric %v cached, %v streamed", a.Epoch, a.ValidMetric, b.ValidMetric)
				}
			}
		})
	}
}

// validRise notes a kept epoch whose validation loss is more than 10%
// above the lowest one, and nothing at 10% or below, when the kept epoch
// is the lowest, or without validation rows.
func TestValidRise(t *testing.T) {
	h := []Epoch{{Epoch: 1, ValidLoss: 0.5}, {Epoch: 2, ValidLoss: 0.4}, {Epoch: 3, ValidLoss: 0.43}, {Epoch: 4, ValidLoss: 0.5}}
	if got, want := validRise(h, h[3], "epoch", "early_stopping := false keeps the last epoch"), "validation loss rose: kept epoch 4 has 0.5, 25% above epoch 2's 0.4 (early_stopping := false keeps the last epoch)"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got, want := validRise(h, h[3], "iteration", "lbfgs keeps the last iteration"), "validation loss rose: kept iteration 4 has 0.5, 25% above iteration 2's 0.4 (lbfgs keeps the last iteration)"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := validRise(h[:3], h[2], "epoch", ""); got != "" {
		t.Errorf("a 7.5%% rise noted: %q (the bar is 10%%)", got)
	}
	if got := validRise(h, h[1], "epoch", ""); got != "" {
		t.Errorf("kept the lowest: %q", got)
	}
	nan := dataset.Num(math.NaN())
	if got := validRise([]Epoch{{Epoch: 1, ValidLoss: nan}, {Epoch: 2, ValidLoss: nan}}, Epoch{Epoch: 2, ValidLoss: nan}, "epoch", ""); got != "" {
		t.Errorf("without validation rows: %q", got)
	}
}
