package dataset_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/dataset/datasettest"
)

// ints makes a source of one INTEGER column x holding 0..rows-1 in
// batches of batch rows.
func ints(mem memory.Allocator, rows, batch int) *datasettest.Source {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	src := datasettest.New(schema)
	for lo := 0; lo < rows; lo += batch {
		b := array.NewInt64Builder(mem)
		for i := lo; i < min(lo+batch, rows); i++ {
			b.Append(int64(i))
		}
		col := b.NewArray()
		src.Batches = append(src.Batches, array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len())))
		col.Release()
		b.Release()
	}
	return src
}

// EachBatch hands fn every batch of one pass, in order, and releases each
// (the checked allocator ends at zero once the source is released).
func TestEachBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := ints(mem, 10, 3)
	defer src.Release()
	for pass := 1; pass <= 2; pass++ {
		var got []int64
		err := dataset.EachBatch(context.Background(), src, "f", func(rec arrow.RecordBatch) error {
			got = append(got, rec.Column(0).(*array.Int64).Int64Values()...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 10 || got[0] != 0 || got[9] != 9 {
			t.Errorf("pass %d: %v, want 0..9", pass, got)
		}
		if src.Streams != pass {
			t.Errorf("%d streams after pass %d", src.Streams, pass)
		}
	}
}

// An error of fn ends the pass with that error; a cancelled context ends
// it after the batch in hand with a Cancelled error naming the function.
func TestEachBatchStops(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := ints(mem, 10, 3)
	defer src.Release()
	stop := errors.New("stop")
	calls := 0
	err := dataset.EachBatch(context.Background(), src, "f", func(arrow.RecordBatch) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("%d calls, %v: want 1 call and fn's error", calls, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = dataset.EachBatch(ctx, src, "segment", func(arrow.RecordBatch) error {
		calls++
		cancel()
		return nil
	})
	var de *dserr.Error
	if calls != 1 || !errors.Is(err, dserr.Cancelled) || !errors.Is(err, context.Canceled) || !errors.As(err, &de) || de.Func != "segment" {
		t.Errorf("%d calls, %v: want 1 call and a cancellation of segment", calls, err)
	}
}

func TestParseSize(t *testing.T) {
	cases := []struct {
		in   string
		want int64
	}{
		{"2GB", 2e9}, {"512 mb", 512e6}, {"1.5GiB", 3 << 29}, {"100000", 100000}, {" 3 KiB ", 3072}, {"7B", 7}, {"1TB", 1e12},
	}
	for _, c := range cases {
		if got, err := dataset.ParseSize(c.in); err != nil || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "GB", "-1GB", "0", "two GB", "NaN"} {
		if _, err := dataset.ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q): no error", in)
		}
	}
}

func TestFormatSize(t *testing.T) {
	cases := []struct {
		in   int64
		want string
	}{{512, "512 B"}, {1000, "1.0 KB"}, {2621964352, "2.6 GB"}, {9.8e12, "9.8 TB"}}
	for _, c := range cases {
		if got := dataset.FormatSize(c.in); got != c.want {
			t.Errorf("FormatSize(%d) = %q, want %q", c.in, got, c.want)
		}
		if back, err := dataset.ParseSize(dataset.FormatSize(c.in)); err != nil || math.Abs(float64(back-c.in)) > 0.05*float64(c.in) {
			t.Errorf("ParseSize(FormatSize(%d)) = %d, %v", c.in, back, err)
		}
	}
}

// Num writes NaN and infinities as null and reads null back as NaN.
func TestNum(t *testing.T) {
	b, err := json.Marshal([]dataset.Num{1.5, dataset.Num(math.NaN()), dataset.Num(math.Inf(1))})
	if err != nil || string(b) != "[1.5,null,null]" {
		t.Fatalf("%s, %v", b, err)
	}
	var back []dataset.Num
	if err := json.Unmarshal(b, &back); err != nil || back[0] != 1.5 || !math.IsNaN(float64(back[1])) {
		t.Errorf("%v, %v", back, err)
	}
}

func TestNewFingerprint(t *testing.T) {
	f := dataset.NewFingerprint(3, 0xbeef)
	if f.Rows != 3 || f.Hash != "000000000000beef" {
		t.Errorf("%+v", f)
	}
}
