package features

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/engine/task"
)

// Batches from the bridge alias DuckDB's memory, which is reused once a
// batch is released: nothing the fitters keep may point into a batch. The
// test overwrites each batch's string bytes after observing it, the way a
// released chunk's memory gets reused, and checks the learnt levels.
func TestFittersDoNotKeepBatchMemory(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "label", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	f, err := NewFitter(schema, []string{"region"}, FitOptions{MaxLevels: 100})
	if err != nil {
		t.Fatal(err)
	}
	lf, err := NewLabelFitter(schema.Field(1), task.Auto, nil)
	if err != nil {
		t.Fatal(err)
	}
	regions := []string{"north", "south", "east", "west", "central"}
	for batch := 0; batch < 4; batch++ {
		rb := array.NewRecordBuilder(alloc, schema)
		for i := 0; i < 50; i++ {
			rb.Field(0).(*array.StringBuilder).Append(regions[(i+batch)%5])
			rb.Field(1).(*array.StringBuilder).Append([]string{"no", "yes"}[(i+batch)%2])
		}
		rec := rb.NewRecordBatch()
		skip := make([]bool, rec.NumRows())
		lf.Observe(rec.Column(1), skip)
		if err := f.Observe(rec, skip); err != nil {
			t.Fatal(err)
		}
		for c := 0; c < 2; c++ { // the "released" batch's memory is reused
			b := rec.Column(c).(*array.String).ValueBytes()
			for i := range b {
				b[i] = 'x'
			}
		}
		rec.Release()
		rb.Release()
	}
	enc, _, err := f.Finish()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, l := range enc.Columns[0].Levels {
		got[l] = true
	}
	for _, r := range regions {
		if !got[r] {
			t.Errorf("level %q lost; levels %q", r, enc.Columns[0].Levels)
		}
	}
	le, err := lf.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if len(le.Levels) != 2 || le.Levels[0] != "no" || le.Levels[1] != "yes" {
		t.Errorf("label levels %q, want [no yes]", le.Levels)
	}
}
