package store

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// TestImportValidatesValues: every value predict computes with is checked
// on import (a standardisation with std 1e-308 made every probability 1.0;
// a label type "banana" changed predict's output type).
func TestImportValidatesValues(t *testing.T) {
	rec := perceptronRecord(t)
	col := func(d map[string]any, i int) map[string]any {
		return d["preprocessing"].(map[string]any)["columns"].([]any)[i].(map[string]any)
	}
	label := func(d map[string]any) map[string]any { return d["label"].(map[string]any) }
	for _, c := range []struct {
		name string
		edit func(f, d map[string]any)
		want string
	}{
		{"std 1e-308", func(_, d map[string]any) { col(d, 0)["std"] = 1e-308 }, `column "age": invalid mean 40 or standard deviation 1e-308`},
		{"std 5e-324", func(_, d map[string]any) { col(d, 0)["std"] = 5e-324 }, `column "age": invalid mean 40 or standard deviation 5e-324`},
		{"std 0", func(_, d map[string]any) { col(d, 0)["std"] = 0 }, `column "age": invalid mean 40 or standard deviation 0`},
		{"std negative", func(_, d map[string]any) { col(d, 0)["std"] = -12 }, `column "age": invalid mean 40 or standard deviation -12`},
		{"std below the mean's precision", func(_, d map[string]any) { col(d, 0)["std"] = 1e-30 }, `column "age": invalid mean 40 or standard deviation 1e-30`},
		{"std NaN", func(_, d map[string]any) { col(d, 0)["std"] = "NaN" }, `does not decode as a perceptron model`},
		{"std above float64", func(f, d map[string]any) { col(d, 0)["std"] = json.Number("1e999") }, `does not decode as a perceptron model`},
		{"label type banana", func(_, d map[string]any) { label(d)["type"] = "banana" }, `label: label type "banana" is not a type a label can have`},
		{"label type empty", func(_, d map[string]any) { label(d)["type"] = "" }, `label: label type "" is not a type a label can have`},
		{"label type int8, class 300", func(_, d map[string]any) { label(d)["type"] = "int8"; label(d)["levels"] = []any{"1", "300"} }, `label: class "300" is not a value of the label's type TINYINT`},
		{"label type float64, class text", func(_, d map[string]any) { label(d)["type"] = "float64" }, `label: class "false" is not a value of the label's type DOUBLE`},
		{"duplicate class", func(_, d map[string]any) { label(d)["levels"] = []any{"true", "true"} }, `label: class "true" appears twice`},
		{"negative positive", func(_, d map[string]any) { label(d)["positive"] = -1 }, `a binary label needs 2 classes and a positive class 0 or 1, got 2 classes and -1`},
		{"counts", func(_, d map[string]any) { label(d)["counts"] = []any{1} }, `label: 1 class counts for 2 classes`},
		{"huge weight", func(_, d map[string]any) { layer(d, 0)["w"].([]any)[0] = 1e300 }, `network: layer 0 holds 1e+300 (weights and biases are at most 1e+15 in magnitude)`},
		{"huge bias", func(_, d map[string]any) { layer(d, 1)["b"].([]any)[0] = -1e16 }, `network: layer 1 holds -1e+16`},
		{"target on a binary model", func(_, d map[string]any) { d["target"] = map[string]any{"mean": 1, "std": 1} }, `a binary model has no target scale`},
		{"one-hot scale", func(_, d map[string]any) { col(d, 1)["scale"] = -1 }, `column "plan": invalid one-hot scale -1`},
	} {
		b := editFile(t, rec, c.edit)
		_, err := UnmarshalFile(b)
		if err == nil || !errors.Is(err, dserr.InvalidArgument) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
	reg := func(mean, std float64) []byte {
		return editFile(t, rec, func(f, d map[string]any) {
			f["task"] = "regression"
			d["task"] = "regression"
			d["label"] = map[string]any{"column": "churned", "task": "regression", "type": "float64"}
			d["target"] = map[string]any{"mean": mean, "std": std}
			d["network"].(map[string]any)["config"].(map[string]any)["task"] = "regression"
		})
	}
	if _, err := UnmarshalFile(reg(10, 2)); err != nil {
		t.Fatalf("regression: %v", err)
	}
	for _, ms := range [][2]float64{{10, 1e-308}, {10, 0}, {10, -2}, {1e200, 1e190}, {0, 1e200}} {
		if _, err := UnmarshalFile(reg(ms[0], ms[1])); err == nil || !strings.Contains(err.Error(), "target scale") {
			t.Errorf("regression target mean %v std %v: %v", ms[0], ms[1], err)
		}
	}
}

// TestValidatedDocumentsPredict: a document that passes the import's
// checks predicts. Seeded random edits put extreme values (0, negatives,
// subnormals, 1e±300, ...) into the standardisations, the one-hot scale
// and the weights; every edited document that imports must give a finite
// probability in [0, 1] for every row of its training range (age within
// 10 standard deviations of its mean, every plan level and an unseen one).
func TestValidatedDocumentsPredict(t *testing.T) {
	rec := perceptronRecord(t)
	extremes := []float64{0, 1, -1, 12, 40, 1e-308, 5e-324, 2.2250738585072014e-308, 1e-300, 1e-30, 1e-15,
		1e15, -1e15, 1e16, 1e150, 1e300, -1e300, math.MaxFloat64, -math.MaxFloat64}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() float64 { return extremes[rng.IntN(len(extremes))] }
	accepted := 0
	const tries = 3000
	for try := range tries {
		b := editFile(t, rec, func(_, d map[string]any) {
			cols := d["preprocessing"].(map[string]any)["columns"].([]any)
			for range 1 + rng.IntN(3) {
				switch rng.IntN(6) {
				case 0:
					cols[0].(map[string]any)["mean"] = pick()
				case 1:
					cols[0].(map[string]any)["std"] = pick()
				case 2:
					cols[1].(map[string]any)["scale"] = pick()
				case 3, 4:
					l := layer(d, rng.IntN(2))
					w := l["w"].([]any)
					w[rng.IntN(len(w))] = pick()
				case 5:
					l := layer(d, rng.IntN(2))
					bs := l["b"].([]any)
					bs[rng.IntN(len(bs))] = pick()
				}
			}
		})
		got, err := UnmarshalFile(b)
		if err != nil {
			continue
		}
		accepted++
		var doc training.Document
		if err := json.Unmarshal(got.Document, &doc); err != nil {
			t.Fatal(err)
		}
		if p, ok := predictsInRange(t, &doc); !ok {
			t.Fatalf("edit %d passed validation but predicts %v\n%s", try, p, got.Document)
		}
	}
	t.Logf("%d of %d edited documents passed validation, each predicted", accepted, tries)
	if accepted < tries/10 || accepted == tries {
		t.Fatalf("%d of %d edited documents accepted: the edits test nothing", accepted, tries)
	}
}

// predictsInRange returns the network's probabilities for the rows of
// doc's training range (encodeRange), and whether each is finite and in
// [0, 1].
func predictsInRange(t *testing.T, doc *training.Document) ([]float64, bool) {
	t.Helper()
	x, k := encodeRange(t, &doc.Encoder)
	out := make([]float64, k)
	doc.Network.Predict(x, k, out)
	for _, p := range out {
		if !(p >= 0 && p <= 1) {
			return out, false
		}
	}
	return out, true
}

// encodeRange encodes rows of an encoder's training range (age = mean + k
// std for k in -10..10 where that is finite, each plan level and an unseen
// one) and returns them and their number; it fails the test when a row is
// skipped as bad.
func encodeRange(t *testing.T, enc *features.Encoder) ([]float64, int) {
	t.Helper()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "age", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "plan", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	bind, err := enc.Bind(schema)
	if err != nil {
		t.Fatal(err)
	}
	bld := array.NewRecordBuilder(alloc, schema)
	defer bld.Release()
	age := enc.Columns[0]
	n := 0
	for k := -10; k <= 10; k++ {
		v := age.Mean + float64(k)*age.Std
		if math.IsInf(v, 0) {
			continue // not a value data can hold
		}
		for _, p := range []string{"basic", "plus", "premium", "unseen"} {
			bld.Field(0).(*array.Float64Builder).Append(v)
			bld.Field(1).(*array.StringBuilder).Append(p)
			n++
		}
	}
	batch := bld.NewRecordBatch()
	defer batch.Release()
	skip := make([]bool, n)
	bind.BadRows(batch, skip)
	x := make([]float64, n*enc.Width)
	if k := bind.Encode(batch, skip, x); k != n {
		t.Fatalf("%d of %d rows encoded", k, n)
	}
	return x, n
}

// layer returns layer i of a decoded perceptron document's network.
func layer(doc map[string]any, i int) map[string]any {
	return doc["network"].(map[string]any)["layers"].([]any)[i].(map[string]any)
}

// kmeansRecord returns a stored row holding a small, consistent kmeans
// document: age (numeric) and plan (three levels), 2 segments.
func kmeansRecord(t *testing.T) *Record {
	t.Helper()
	doc := clustering.Document{
		Format: clustering.FormatVersion, Kind: "kmeans", Features: []string{"age", "plan"}, K: 2,
		Encoder: features.Encoder{Width: 4, Columns: []features.ColumnEncoding{
			{Name: "age", Kind: features.KindNumeric, Mean: 40, Std: 12, Offset: 0, Width: 1},
			{Name: "plan", Kind: features.KindCategorical, Levels: []string{"basic", "plus", "premium"}, Offset: 1, Width: 3},
		}},
		Model:   kmeans.Model{K: 2, Dim: 4, Centroids: []float64{-1, 1, 0, 0, 1, 0, 0, 1}, Sizes: []int64{5, 5}},
		Profile: []clustering.Segment{{Segment: 1, Size: 5}, {Segment: 2, Size: 5}},
	}
	b, err := json.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return &Record{Name: "seg", Version: 1, Kind: "kmeans", Task: task.Segmentation, Features: []string{"age", "plan"},
		Options: json.RawMessage(`{}`), Metrics: json.RawMessage(`{"metric":"silhouette"}`), Data: "c", Document: b}
}

// TestValidatedKMeansDocumentsAssign is TestValidatedDocumentsPredict for
// kmeans documents: seeded edits of the standardisation, the one-hot scale
// and the centroids; every edited document that imports assigns every row
// of its training range to a segment at a finite distance.
func TestValidatedKMeansDocumentsAssign(t *testing.T) {
	rec := kmeansRecord(t)
	if _, err := UnmarshalFile(mustMarshalFile(t, rec)); err != nil {
		t.Fatalf("the unedited document: %v", err)
	}
	extremes := []float64{0, 1, -1, 12, 40, 1e-308, 5e-324, 1e-30, 1e15, 1e150, -1e150, 1e151, 1e300, -1e300, math.MaxFloat64}
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func() float64 { return extremes[rng.IntN(len(extremes))] }
	accepted := 0
	const tries = 2000
	for try := range tries {
		b := editFile(t, rec, func(_, d map[string]any) {
			cols := d["encoder"].(map[string]any)["columns"].([]any)
			cents := d["model"].(map[string]any)["centroids"].([]any)
			for range 1 + rng.IntN(3) {
				switch rng.IntN(4) {
				case 0:
					cols[0].(map[string]any)["mean"] = pick()
				case 1:
					cols[0].(map[string]any)["std"] = pick()
				case 2:
					cols[1].(map[string]any)["scale"] = pick()
				case 3:
					cents[rng.IntN(len(cents))] = pick()
				}
			}
		})
		got, err := UnmarshalFile(b)
		if err != nil {
			continue
		}
		accepted++
		var doc clustering.Document
		if err := json.Unmarshal(got.Document, &doc); err != nil {
			t.Fatal(err)
		}
		x, n := encodeRange(t, &doc.Encoder)
		lab, dist := make([]int32, n), make([]float64, n)
		doc.Model.Assign(x, n, lab, dist)
		for i := range n {
			if lab[i] < 0 || int(lab[i]) >= doc.K || math.IsNaN(dist[i]) || math.IsInf(dist[i], 0) {
				t.Fatalf("edit %d passed validation but row %d gets segment %d at distance %v\n%s", try, i, lab[i], dist[i], got.Document)
			}
		}
	}
	t.Logf("%d of %d edited documents passed validation, each assigned", accepted, tries)
	if accepted < tries/10 || accepted == tries {
		t.Fatalf("%d of %d edited documents accepted: the edits test nothing", accepted, tries)
	}
}

func mustMarshalFile(t *testing.T, rec *Record) []byte {
	t.Helper()
	b, err := MarshalFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
