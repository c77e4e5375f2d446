//go:build duckdb_arrow

package service

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/engine/dataset/datasettest"
	"github.com/ducksight/ducksight/engine/perceptron"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// testRecord is n rows of numeric (with NULLs), integer, categorical and
// boolean features and a binary, a three-class and a numeric label that
// depend on them.
func testRecord(t *testing.T, mem memory.Allocator, n int) arrow.RecordBatch {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "x", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "cat", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "flag", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "ybin", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "ycls", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "yreg", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	cats := []string{"a", "b", "c", "d"}
	for i := 0; i < n; i++ {
		x := math.Sin(float64(i)*0.7) * 3
		k := int64(i*7%11) - 5
		cat := cats[i*5%7%4]
		flag := i%3 == 0
		if i%13 == 0 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Float64Builder).Append(x)
		}
		b.Field(1).(*array.Int64Builder).Append(k)
		if i%17 == 0 {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.StringBuilder).Append(cat)
		}
		b.Field(3).(*array.BooleanBuilder).Append(flag)
		s := x + 0.4*float64(k) + float64(len(cat)+i%4) - 2
		if flag {
			s += 1.5
		}
		b.Field(4).(*array.BooleanBuilder).Append(s+math.Cos(float64(i)) > 0)
		b.Field(5).(*array.StringBuilder).Append([]string{"lo", "mid", "hi"}[int(math.Abs(s+math.Cos(float64(i)*3)))%3])
		b.Field(6).(*array.Float64Builder).Append(100 + 20*s + math.Cos(float64(i)*5))
	}
	return b.NewRecordBatch()
}

// Every perceptron's Rows give raw scores that link to Predict's outputs
// bit for bit, and explanations measured from the training-mean input:
// the reference is the mean of the encoded training rows; the baseline is
// the raw score there; a single-layer network's contributions are w·(x -
// E[x]) summed over the column's inputs (brute force) and add up to the
// raw score within 1e-12 relative; an MLP's are the per-column sums of
// its integrated gradients and add up within 1% of the rows' mean |raw
// score - baseline|.
func TestPerceptronRowsExplain(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	const n = 700
	rec := testRecord(t, mem, n)
	defer rec.Release()
	feats := []string{"x", "k", "cat", "flag"}
	for _, tc := range []struct {
		label  string
		hidden []int
		tk     task.Task
	}{
		{"ybin", nil, task.Binary},
		{"ycls", nil, task.Multiclass},
		{"yreg", nil, task.Regression},
		{"ybin", []int{5}, task.Binary},
		{"ycls", []int{4}, task.Multiclass},
		{"yreg", []int{3}, task.Regression},
	} {
		name := fmt.Sprintf("%s hidden %v", tc.label, tc.hidden)
		src := datasettest.New(rec.Schema(), rec)
		res, err := training.Train(ctx, src, training.Options{Label: tc.label, Features: feats, Hidden: tc.hidden, Epochs: 3})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		doc := res.Doc
		if doc.Task != tc.tk {
			t.Fatalf("%s: task %v, want %v", name, doc.Task, tc.tk)
		}
		m := perceptronModel{doc}
		b, err := m.Bind(rec.Schema())
		if err != nil {
			t.Fatal(err)
		}
		rows := b.NewRows(0)
		if got := rows.Append(rec, nil); got != n || rows.Len() != n {
			t.Fatalf("%s: appended %d rows, Len %d, want %d", name, got, rows.Len(), n)
		}
		k := m.Outputs()
		raw := make([]float64, n*k)
		rows.Raw(raw)

		// The raw scores link to Predict's outputs, to the bit.
		w := doc.Encoder.Width
		x := rows.(*perceptronRows).x
		out := make([]float64, n*k)
		doc.Network.Predict(x, n, out)
		linked := append([]float64(nil), raw...)
		link(m, linked, n)
		mean, std := targetScale(doc)
		for i := range out {
			want := out[i]
			if tc.tk == task.Regression {
				want = out[i]*std + mean
			}
			if math.Float64bits(linked[i]) != math.Float64bits(want) {
				t.Fatalf("%s: output %d: linked raw %v, Predict %v", name, i, linked[i], want)
			}
		}

		// The reference is the mean of the encoded training rows (every
		// row of rec: training and validation rows).
		ref, err := doc.Encoder.Expected(doc.Statistics)
		if err != nil {
			t.Fatal(err)
		}
		for j := range ref {
			s := 0.0
			for r := 0; r < n; r++ {
				s += x[r*w+j]
			}
			if math.Abs(s/n-ref[j]) > 1e-12 {
				t.Fatalf("%s: input %d: reference %v, mean of the encoded rows %v", name, j, ref[j], s/n)
			}
		}

		cls := make([]int, n)
		if tc.tk == task.Multiclass {
			for i := range cls {
				cls[i] = argmax(linked[i*k : (i+1)*k])
			}
		}
		c := len(m.Features())
		contrib, base := make([]float64, n*c), make([]float64, n)
		additive, err := rows.Explain(ctx, raw, cls, contrib, base)
		if err != nil {
			t.Fatal(err)
		}
		if !additive {
			t.Fatalf("%s: not additive", name)
		}

		scale, shift := 1.0, 0.0
		if tc.tk == task.Regression {
			scale, shift = std, mean
		}
		refRaw := make([]float64, k)
		doc.Network.PredictRaw(ref, 1, refRaw)
		at, err := perceptron.NewAttributor(&doc.Network, ref)
		if err != nil {
			t.Fatal(err)
		}
		attr := make([]float64, n*w)
		at.Attribute(x, n, cls, attr)
		var errSum, diffSum float64
		for r := 0; r < n; r++ {
			cl := cls[r]
			score := raw[r*k+cl]
			if want := refRaw[cl]*scale + shift; base[r] != want {
				t.Fatalf("%s: row %d: baseline %v, raw score of the reference %v", name, r, base[r], want)
			}
			sum := base[r]
			for f, col := range doc.Encoder.Columns {
				want := 0.0
				for j := col.Offset; j < col.Offset+col.Width; j++ {
					if tc.hidden == nil {
						want += doc.Network.Layers[0].W[j*k+cl] * (x[r*w+j] - ref[j])
					} else {
						want += attr[r*w+j]
					}
				}
				want *= scale
				if got := contrib[r*c+f]; math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
					t.Fatalf("%s: row %d column %s: contribution %v, want %v", name, r, col.Name, got, want)
				}
				sum += contrib[r*c+f]
			}
			if tc.hidden == nil {
				if e := math.Abs(sum - score); e > 1e-12*math.Max(1, math.Abs(score)) {
					t.Fatalf("%s: row %d: baseline %v + contributions = %v, raw score %v", name, r, base[r], sum, score)
				}
			}
			errSum += math.Abs(sum - score)
			diffSum += math.Abs(score - base[r])
		}
		if errSum > 0.01*diffSum {
			t.Fatalf("%s: mean |baseline + contributions - raw score| %v, %.2f%% of the mean |raw score - baseline| %v",
				name, errSum/n, 100*errSum/diffSum, diffSum/n)
		}
		t.Logf("%s: mean approximation error %.3g%% of the mean |raw score - baseline|", name, 100*errSum/diffSum)
	}
}

// Permute moves a column's values between rows as a permutation of the
// encoded inputs would, Restore puts them back (the raw scores again to
// the bit), and Append skips the rows skip marks.
func TestPerceptronRowsPermute(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	const n = 300
	rec := testRecord(t, mem, n)
	defer rec.Release()
	res, err := training.Train(ctx, datasettest.New(rec.Schema(), rec), training.Options{Label: "ycls", Features: []string{"x", "k", "cat", "flag"}, Epochs: 2})
	if err != nil {
		t.Fatal(err)
	}
	doc := res.Doc
	m := perceptronModel{doc}
	b, err := m.Bind(rec.Schema())
	if err != nil {
		t.Fatal(err)
	}
	rows := b.NewRows(16) // grows
	rows.Append(rec, nil)
	k := m.Outputs()
	before := make([]float64, n*k)
	rows.Raw(before)
	pr := rows.(*perceptronRows)
	w := doc.Encoder.Width
	orig := append([]float64(nil), pr.x...)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = n - 1 - i
	}
	for f, col := range doc.Encoder.Columns {
		rows.Permute(f, perm)
		rows.Permute(f, perm) // again: from the original values, not the permuted ones
		for i := 0; i < n; i++ {
			for j := 0; j < w; j++ {
				want := orig[i*w+j]
				if j >= col.Offset && j < col.Offset+col.Width {
					want = orig[perm[i]*w+j]
				}
				if pr.x[i*w+j] != want {
					t.Fatalf("column %s: row %d input %d = %v, want %v", col.Name, i, j, pr.x[i*w+j], want)
				}
			}
		}
		rows.Restore(f)
		after := make([]float64, n*k)
		rows.Raw(after)
		for i := range after {
			if math.Float64bits(after[i]) != math.Float64bits(before[i]) {
				t.Fatalf("column %s: raw %d after Restore %v, before %v", col.Name, i, after[i], before[i])
			}
		}
	}

	skip := make([]bool, n)
	for i := range skip {
		skip[i] = i%3 == 1
	}
	rows.Reset()
	if got := rows.Append(rec, skip); got != n-n/3 || rows.Len() != got {
		t.Fatalf("Append with skips: %d rows, Len %d, want %d", got, rows.Len(), n-n/3)
	}
	for i, j := 0, 0; i < n; i++ {
		if skip[i] {
			continue
		}
		for c := 0; c < w; c++ {
			if pr.x[j*w+c] != orig[i*w+c] {
				t.Fatalf("Append with skips: row %d (data row %d) input %d = %v, want %v", j, i, c, pr.x[j*w+c], orig[i*w+c])
			}
		}
		j++
	}
}
