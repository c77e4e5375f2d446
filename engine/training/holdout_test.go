package training

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/engine/features"
)

// heldOutRows reads batches as the evaluation functions do: the rows the
// training skipped (a bad label; for a perceptron also a NaN or infinite
// kept feature) are marked first, then Holdout marks the training rows.
// It returns the rows left (the validation rows) and Check's error.
func heldOutRows(t *testing.T, h Holdout, le *features.LabelEncoding, bad *features.Binding, schema *arrow.Schema, batches []arrow.RecordBatch) (int64, error) {
	t.Helper()
	r, err := h.Bind(schema)
	if err != nil {
		t.Fatal(err)
	}
	label := features.ColumnIndex(schema, le.Column)
	var kept int64
	for _, rec := range batches {
		skip := make([]bool, rec.NumRows())
		le.MarkSkips(rec.Column(label), skip)
		if bad != nil {
			bad.BadRows(rec, skip)
		}
		r.Mark(rec, skip)
		for _, s := range skip {
			if !s {
				kept++
			}
		}
	}
	return kept, r.Check()
}

// A model's validation rows are found again in a new read of its data:
// exactly as many as the training held out, whatever the order of the
// batches; a read with a row less or a value changed fails Check. Both
// trainers, with skipped rows (a NULL label, NaN features).
func TestHoldoutFindsValidationRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := makeSource(t, mem, 9000, 1000, mixedColumns())
	defer src.Release()
	changed := makeSource(t, mem, 9000, 1000, slices.Concat(mixedColumns()[:1], []col{{"x2", arrow.PrimitiveTypes.Int64, func(i int) any {
		if i == 8123 {
			return int64(-1)
		}
		return int64(i * 7 % 100)
	}}}, mixedColumns()[2:]))
	defer changed.Release()
	schema := src.Schema()

	res, err := Train(context.Background(), src, Options{Label: "y", Epochs: 2, Seed: new(int64(5)), ValidationFraction: new(0.3)})
	if err != nil {
		t.Fatal(err)
	}
	pd := res.Doc
	bad, err := pd.Encoder.Bind(schema)
	if err != nil {
		t.Fatal(err)
	}
	tres, err := TrainTrees(context.Background(), src, TreeOptions{Label: "y", Trees: 2, Seed: new(int64(9))})
	if err != nil {
		t.Fatal(err)
	}
	td := tres.Doc
	for _, c := range []struct {
		name  string
		h     Holdout
		le    *features.LabelEncoding
		bad   *features.Binding
		valid int64
	}{
		{"perceptron", pd.Holdout(), &pd.Label, bad, pd.Metrics.ValidRows},
		{"boosted_trees", td.Holdout(), &td.Label, nil, td.Metrics.ValidRows},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.valid < 100 || c.h.Fraction <= 0 {
				t.Fatalf("%d validation rows, fraction %g", c.valid, c.h.Fraction)
			}
			got, err := heldOutRows(t, c.h, c.le, c.bad, schema, src.Batches)
			if err != nil || got != c.valid {
				t.Fatalf("same read: %d rows (%v), want %d", got, err, c.valid)
			}
			reversed := slices.Clone(src.Batches)
			slices.Reverse(reversed)
			if got, err := heldOutRows(t, c.h, c.le, c.bad, schema, reversed); err != nil || got != c.valid {
				t.Fatalf("batches reversed: %d rows (%v), want %d", got, err, c.valid)
			}
			if _, err := heldOutRows(t, c.h, c.le, c.bad, schema, src.Batches[1:]); err == nil || !strings.Contains(err.Error(), "now has 8000 rows, the training read 9000") {
				t.Fatalf("a batch less: %v", err)
			}
			if _, err := heldOutRows(t, c.h, c.le, c.bad, schema, changed.Batches); err == nil || !strings.Contains(err.Error(), "not the same values") {
				t.Fatalf("a value changed: %v", err)
			}
		})
	}
	// A column the model read missing from the new read.
	if _, err := pd.Holdout().Bind(arrow.NewSchema(schema.Fields()[1:], nil)); err == nil || !strings.Contains(err.Error(), `no column "x1"`) {
		t.Fatalf("missing column: %v", err)
	}
}
