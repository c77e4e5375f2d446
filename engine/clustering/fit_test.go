package clustering

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset/datasettest"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
)

// groups makes rows rows in three groups around (0,0), (6,0) and (0,6)
// (x, y with unit noise), a categorical column that follows the group,
// some NULL y values (imputed with the mean, such a row can land in
// another group), and the true group.
func groups(mem memory.Allocator, rows int) (*datasettest.Source, []int32) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "y", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "tier", Type: arrow.BinaryTypes.String},
	}, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	src := datasettest.New(schema)
	truth := make([]int32, rows)
	for lo := 0; lo < rows; lo += 2048 {
		n := min(2048, rows-lo)
		bx := array.NewFloat64Builder(mem)
		by := array.NewFloat64Builder(mem)
		bt := array.NewStringBuilder(mem)
		for i := 0; i < n; i++ {
			g := (lo + i) % 3
			truth[lo+i] = int32(g)
			cx, cy := []float64{0, 6, 0}[g], []float64{0, 0, 6}[g]
			bx.Append(cx + rng.NormFloat64())
			if (lo+i)%97 == 0 {
				by.AppendNull()
			} else {
				by.Append(cy + rng.NormFloat64())
			}
			bt.Append([]string{"bronze", "silver", "gold"}[g])
		}
		cols := []arrow.Array{bx.NewArray(), by.NewArray(), bt.NewArray()}
		src.Batches = append(src.Batches, array.NewRecordBatch(schema, cols, int64(n)))
		for _, c := range cols {
			c.Release()
		}
		bx.Release()
		by.Release()
		bt.Release()
	}
	return src, truth
}

// assign labels every row of src with the document's model.
func assign(t *testing.T, src *datasettest.Source, d *Document) []int32 {
	b, err := d.Encoder.Bind(src.Schema())
	if err != nil {
		t.Fatal(err)
	}
	var out []int32
	for _, rec := range src.Batches {
		n := int(rec.NumRows())
		x := make([]float64, n*d.Encoder.Width)
		b.Encode(rec, nil, x)
		lab := make([]int32, n)
		d.Model.Assign(x, n, lab, nil)
		out = append(out, lab...)
	}
	return out
}

func TestFitCachedAndStreamed(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	src, truth := groups(mem, 30000)
	defer src.Release()

	cached, err := Fit(context.Background(), src, Options{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if cached.Mode != "cached" {
		t.Fatalf("mode %s", cached.Mode)
	}
	d := cached.Doc
	if ari := kmeans.ARI(assign(t, src, d), truth); ari < 0.97 {
		t.Errorf("cached: ARI %v against the true groups", ari)
	}
	// Sizes descend; the profile adds up; every group's tier is pure.
	total := int64(0)
	for i, s := range d.Profile {
		total += s.Size
		if i > 0 && s.Size > d.Profile[i-1].Size {
			t.Errorf("segment %d (%d rows) larger than segment %d", s.Segment, s.Size, i)
		}
		if tier := s.Columns[2]; tier.Top == nil || float64(tier.TopShare) < 0.97 {
			t.Errorf("segment %d: tier top %v share %v", s.Segment, tier.Top, tier.TopShare)
		}
	}
	if total != 30000 || d.Quality.K != 3 || !(float64(d.Quality.Silhouette) > 0.5) {
		t.Errorf("profile total %d, quality %+v", total, d.Quality)
	}
	// The same data, options and seed: the same document, bit for bit.
	again, err := Fit(context.Background(), src, Options{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(d)
	b, _ := json.Marshal(again.Doc)
	if string(a) != string(b) {
		t.Error("two fits of the same data differ")
	}

	// Streamed (a memory limit far below the data): the same segments.
	streamed, err := Fit(context.Background(), src, Options{K: 3, MemoryLimit: "64KB"})
	if err != nil {
		t.Fatal(err)
	}
	if streamed.Mode != "streamed" {
		t.Fatalf("mode %s", streamed.Mode)
	}
	if ari := kmeans.ARI(assign(t, src, streamed.Doc), assign(t, src, d)); ari < 0.999 {
		t.Errorf("streamed and cached segmentations differ: ARI %v", ari)
	}
	for i := range d.Profile {
		if d.Profile[i].Size != streamed.Doc.Profile[i].Size {
			t.Errorf("segment %d: %d rows cached, %d streamed", i+1, d.Profile[i].Size, streamed.Doc.Profile[i].Size)
		}
	}

	// Automatic k finds the three groups.
	auto, err := Fit(context.Background(), src, Options{KMax: 6})
	if err != nil {
		t.Fatal(err)
	}
	if auto.Doc.K != 3 || !auto.Doc.KAutomatic || len(auto.Doc.KScores) != 5 {
		t.Errorf("automatic k: %d (automatic %v, %d scores)", auto.Doc.K, auto.Doc.KAutomatic, len(auto.Doc.KScores))
	}
}

func TestFitErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	src, _ := groups(mem, 100)
	defer src.Release()
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{K: -1}, "segment: k: must be between 2 and 1000 (or 0 to choose k automatically), got -1"},
		{Options{K: 101}, "segment: k: 101 is more than the 100 usable rows"},
		{Options{NInit: -2}, "segment: n_init: must be between 1 and 100, got -2"},
		{Options{Features: []string{"zz"}}, `segment: features: column "zz" not found in data (columns: "x", "y", "tier")`},
		{Options{Exclude: []string{"teir"}}, `segment: exclude: column "teir" not found in data (did you mean "tier"?)`},
	} {
		if _, err := Fit(context.Background(), src, c.o); err == nil || err.Error() != c.want {
			t.Errorf("%+v: %v, want %s", c.o, err, c.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fit(ctx, src, Options{K: 2}); !errors.Is(err, dserr.Cancelled) {
		t.Errorf("cancelled: %v", err)
	}
}

// The document holds one statistics block per feature over every row,
// checked against counts made here; it survives JSON and validates, and
// a document without it (saved before ducksight stored it) validates too.
func TestFitStatistics(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const rows = 3000
	src, _ := groups(mem, rows)
	defer src.Release()
	res, err := Fit(context.Background(), src, Options{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Doc
	st := d.Statistics
	if len(st) != 3 || st[0].Column != "x" || st[1].Column != "y" || st[2].Column != "tier" {
		t.Fatalf("statistics %+v", st)
	}
	// y is NULL on rows 0, 97, 194, ...: 31 of 3000.
	if st[1].Rows != rows || st[1].NullShare != 31.0/rows || *st[1].Mean != float64(d.Population[1].Mean) {
		t.Errorf("y: %d rows, NULL share %v, mean %v (population mean %v)", st[1].Rows, st[1].NullShare, *st[1].Mean, d.Population[1].Mean)
	}
	// tier follows row % 3: a third each, by frequency then name.
	want := []features.LevelShare{{Level: "bronze", Share: 1.0 / 3}, {Level: "gold", Share: 1.0 / 3}, {Level: "silver", Share: 1.0 / 3}, {Other: true}, {Null: true}}
	if !reflect.DeepEqual(st[2].Levels, want) {
		t.Errorf("tier: %+v, want %+v", st[2].Levels, want)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back Document
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil || !reflect.DeepEqual(back.Statistics, st) {
		t.Fatalf("after JSON: %v, statistics %+v", err, back.Statistics)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	delete(raw, "statistics")
	old, _ := json.Marshal(raw)
	var od Document
	if err := json.Unmarshal(old, &od); err != nil {
		t.Fatal(err)
	}
	if err := od.Validate(); err != nil || od.Statistics != nil {
		t.Fatalf("without statistics: %v, %v", err, od.Statistics)
	}
	back.Statistics = back.Statistics[:2]
	if err := back.Validate(); err == nil || !strings.Contains(err.Error(), "the statistics describe") {
		t.Errorf("two blocks for three features: %v", err)
	}
}
