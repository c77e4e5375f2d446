package store

import (
	"encoding/json"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// FuzzUnmarshalFile feeds model files to the decoder import_model uses (the
// seeds, valid files of every kind and task and damaged ones, are in
// testdata/fuzz/FuzzUnmarshalFile). On any input it never panics, its
// error is an InvalidArgument or Incompatible error about "path", it never
// allocates in proportion to a size the file declares rather than to the
// file's length, and a file it accepts predicts: its preprocessing binds to
// data of the feature columns, and encoding and scoring rows (NULLs,
// typical and extreme values, an unseen level) do not panic and give
// probabilities in [0, 1] and segments in range.
func FuzzUnmarshalFile(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rec, err := UnmarshalFile(b)
		runtime.ReadMemStats(&after)
		// JSON decoding allocates a small multiple of its input; a
		// declared width, k or layer size must not be allocated before it
		// is checked against the values the file really holds.
		if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(64*len(b)+1<<20); got > limit {
			t.Fatalf("decoding a %d-byte file allocated %d bytes (limit %d)", len(b), got, limit)
		}
		if err != nil {
			var de *dserr.Error
			if !errors.As(err, &de) || !errors.Is(err, dserr.InvalidArgument) && !errors.Is(err, dserr.Incompatible) {
				t.Fatalf("error %v (%T) is not an InvalidArgument or Incompatible ducksight error", err, err)
			}
			if !strings.HasPrefix(err.Error(), "path: ") {
				t.Fatalf("error %q does not name the path argument", err)
			}
			return
		}
		predicts(t, rec)
	})
}

// predicts scores a few rows with an accepted model.
func predicts(t *testing.T, rec *Record) {
	switch rec.Kind {
	case "perceptron":
		var d training.Document
		if err := json.Unmarshal(rec.Document, &d); err != nil {
			t.Fatalf("accepted document does not decode: %v", err)
		}
		x, n := encodeRows(t, &d.Encoder)
		k := d.Network.Outputs()
		out := make([]float64, n*k)
		d.Network.Predict(x, n, out)
		if d.Task == task.Regression {
			return
		}
		for i, p := range out {
			if p < 0 || p > 1 {
				t.Fatalf("row %d output %d: probability %v", i/k, i%k, p)
			}
		}
		if d.Task == task.Multiclass && k != len(d.Label.Levels) {
			t.Fatalf("%d outputs for %d classes", k, len(d.Label.Levels))
		}
	case "kmeans":
		var d clustering.Document
		if err := json.Unmarshal(rec.Document, &d); err != nil {
			t.Fatalf("accepted document does not decode: %v", err)
		}
		x, n := encodeRows(t, &d.Encoder)
		seg := make([]int32, n)
		dist := make([]float64, n)
		d.Model.Assign(x, n, seg, dist)
		for i, s := range seg {
			if s < -1 || int(s) >= d.Model.K || int(s) >= len(d.Profile) {
				t.Fatalf("row %d: segment %d of %d", i, s, d.Model.K)
			}
		}
	default:
		t.Fatalf("accepted kind %q", rec.Kind)
	}
}

// encodeRows binds enc to a batch of its columns (as a caller's table would
// hold them) and encodes four rows: all NULL, typical values (each mean, the
// first level), extreme values, and a level the model never saw.
func encodeRows(t *testing.T, enc *features.Encoder) ([]float64, int) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	const n = 4
	fields := make([]arrow.Field, len(enc.Columns))
	cols := make([]arrow.Array, len(enc.Columns))
	for i, c := range enc.Columns {
		var b array.Builder
		switch c.Kind {
		case features.KindCategorical:
			sb := array.NewStringBuilder(alloc)
			first := ""
			if len(c.Levels) > 0 {
				first = c.Levels[0]
			}
			sb.AppendNull()
			sb.Append(first)
			sb.Append(strings.Repeat("x", 300))
			sb.Append("\x00never seen")
			b = sb
		case features.KindBoolean:
			bb := array.NewBooleanBuilder(alloc)
			bb.AppendNull()
			bb.Append(true)
			bb.Append(false)
			bb.Append(true)
			b = bb
		case features.KindDate:
			db := array.NewDate32Builder(alloc)
			db.AppendNull()
			db.Append(arrow.Date32(int32(max(-1e6, min(1e6, c.Mean)))))
			db.Append(arrow.Date32(math.MaxInt32))
			db.Append(arrow.Date32(math.MinInt32))
			b = db
		case features.KindTimestamp:
			tb := array.NewTimestampBuilder(alloc, &arrow.TimestampType{Unit: arrow.Second})
			tb.AppendNull()
			tb.Append(arrow.Timestamp(int64(max(-1e15, min(1e15, c.Mean)))))
			tb.Append(arrow.Timestamp(math.MaxInt64))
			tb.Append(arrow.Timestamp(math.MinInt64))
			b = tb
		default:
			fb := array.NewFloat64Builder(alloc)
			fb.AppendNull()
			fb.Append(c.Mean)
			fb.Append(math.MaxFloat64)
			fb.Append(-math.SmallestNonzeroFloat64)
			b = fb
		}
		cols[i] = b.NewArray()
		b.Release()
		fields[i] = arrow.Field{Name: c.Name, Type: cols[i].DataType(), Nullable: true}
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, n)
	for _, c := range cols {
		c.Release()
	}
	defer rec.Release()
	bind, err := enc.Bind(rec.Schema())
	if err != nil {
		t.Fatalf("an accepted preprocessing does not bind to its own columns: %v", err)
	}
	x := make([]float64, n*enc.Width)
	bind.Encode(rec, nil, x)
	return x, n
}
