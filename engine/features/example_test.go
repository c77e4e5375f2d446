package features_test

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
)

// A trainer's first pass fits the features and the label; encoding then
// replays the stored preprocessing, here on data with its columns in
// another order and another case.
func ExampleFitter() {
	alloc := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "customer_id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "age", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "plan", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "churned", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	b := array.NewRecordBuilder(alloc, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{101, 102, 103, 104}, nil)
	b.Field(1).(*array.Int32Builder).AppendValues([]int32{30, 40, 0, 50}, []bool{true, true, false, true})
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"gold", "free", "free", ""}, []bool{true, true, true, false})
	b.Field(3).(*array.BooleanBuilder).AppendValues([]bool{false, true, true, false}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()

	fitter, _ := features.NewFitter(schema, []string{"customer_id", "age", "plan"}, features.FitOptions{})
	labels, _ := features.NewLabelFitter(schema.Field(3), task.Auto, nil)
	skip := make([]bool, rec.NumRows())
	fitter.BadRows(rec, skip)
	labels.Observe(rec.Column(3), skip)
	fitter.Observe(rec, skip)
	enc, dropped, _ := fitter.Finish()
	label, _ := labels.Finish()
	fmt.Println("dropped:", dropped)
	fmt.Println("inputs:", enc.InputNames())
	fmt.Println("label:", label.Task, label.Levels, "positive", label.Levels[label.Positive])

	// Predict-time data: other column order, other case.
	pschema := arrow.NewSchema([]arrow.Field{
		{Name: "PLAN", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "Age", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	pb := array.NewRecordBuilder(alloc, pschema)
	defer pb.Release()
	pb.Field(0).(*array.StringBuilder).AppendValues([]string{"gold", "platinum", ""}, []bool{true, true, false})
	pb.Field(1).(*array.Int64Builder).AppendValues([]int64{50, 40, 0}, []bool{true, true, false})
	pred := pb.NewRecordBatch()
	defer pred.Release()
	bound, err := enc.Bind(pschema)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := make([]float64, int(pred.NumRows())*enc.Width)
	n := bound.Encode(pred, nil, out)
	for r := 0; r < n; r++ {
		fmt.Println(out[r*enc.Width : (r+1)*enc.Width])
	}
	// Output:
	// dropped: [{customer_id identifier-like (unique on every row)}]
	// inputs: [age age IS NULL plan=free plan=gold plan IS NULL]
	// label: binary [false true] positive true
	// [1 0 0 1 0]
	// [0 0 0 0 0]
	// [0 1 0 0 1]
}

// A kernel that holds its columns as column-major float64 (NaN for NULL,
// categorical codes with len(levels) for 'other') computes the statistics
// block the Fitter would store, one column at a time.
func ExampleStatsOf() {
	nan := math.NaN()
	tenure := features.StatsOf("tenure", features.KindNumeric, "int32", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, nan}, nil)
	fmt.Printf("%s: NULL share %.3f, mean %g, edges %v\n", tenure.Column, tenure.NullShare, *tenure.Mean, tenure.Edges)
	plan := features.StatsOf("plan", features.KindCategorical, "utf8", []float64{0, 0, 1, 2, nan}, []string{"basic", "pro"})
	for _, l := range plan.Levels {
		switch {
		case l.Other:
			fmt.Printf("(other) %.1f\n", l.Share)
		case l.Null:
			fmt.Printf("NULL %.1f\n", l.Share)
		default:
			fmt.Printf("%s %.1f\n", l.Level, l.Share)
		}
	}
	fmt.Println(features.Statistics{tenure, plan}.Validate())
	// Output:
	// tenure: NULL share 0.083, mean 6, edges [1 2 3 4 5 6 7 8 9 10 11]
	// basic 0.4
	// pro 0.2
	// (other) 0.2
	// NULL 0.2
	// <nil>
}
