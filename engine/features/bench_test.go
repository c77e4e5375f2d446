package features

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// benchData is rows x cols float64 columns (one value in 10 NULL, at
// random, when nulls), as batches of batchRows rows sliced from one
// record.
func benchData(alloc memory.Allocator, rows, cols, batchRows int, nulls bool) (arrow.RecordBatch, []arrow.RecordBatch) {
	rng := rand.New(rand.NewPCG(11, 12))
	arrs := make([]arrow.Array, cols)
	names := make([]string, cols)
	for j := range arrs {
		b := array.NewFloat64Builder(alloc)
		vals := make([]float64, rows)
		valid := make([]bool, rows)
		for i := range vals {
			vals[i] = rng.NormFloat64()*float64(j+1) + float64(j)
			valid[i] = !nulls || rng.IntN(10) != 0
		}
		b.AppendValues(vals, valid)
		arrs[j] = b.NewArray()
		b.Release()
		names[j] = fmt.Sprint("x", j)
	}
	all := record(names, arrs...)
	var batches []arrow.RecordBatch
	for lo := 0; lo < rows; lo += batchRows {
		batches = append(batches, all.NewSlice(int64(lo), int64(min(lo+batchRows, rows))))
	}
	return all, batches
}

// BenchmarkEncode encodes 1M rows x 16 float64 columns per iteration, in
// DuckDB-sized batches (2048 rows) or large ones, into one 1M x 16 matrix
// (a trainer's in-memory data) or into a reused batch-sized buffer (a
// trainer re-encoding each epoch, or predict).
func BenchmarkEncode(b *testing.B) {
	const rows, cols = 1 << 20, 16
	for _, bc := range []struct {
		name      string
		batchRows int
		nulls     bool
		skip      bool
		reuse     bool
		workers   int
	}{
		{"batch=2048/matrix", 2048, false, false, false, 1},
		{"batch=2048/reused", 2048, false, false, true, 1},
		{"batch=122880/matrix", 122880, false, false, false, 1},
		{"batch=2048/nulls/matrix", 2048, true, false, false, 1},
		{"batch=2048/nulls/reused", 2048, true, false, true, 1},
		{"batch=2048/skip10%/matrix", 2048, false, true, false, 1},
		{"batch=2048/matrix/2goroutines", 2048, false, false, false, 2},
		{"batch=2048/reused/2goroutines", 2048, false, false, true, 2},
	} {
		b.Run(bc.name, func(b *testing.B) {
			alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer alloc.AssertSize(b, 0)
			all, batches := benchData(alloc, rows, cols, bc.batchRows, bc.nulls)
			defer all.Release()
			defer func() {
				for _, r := range batches {
					r.Release()
				}
			}()
			enc, _ := fit(b, FitOptions{}, batches[:4]...)
			bound, err := enc.Bind(all.Schema())
			if err != nil {
				b.Fatal(err)
			}
			var skips [][]bool
			for _, r := range batches {
				var s []bool
				if bc.skip {
					s = make([]bool, r.NumRows())
					for i := range s {
						s[i] = i%10 == 3
					}
				}
				skips = append(skips, s)
			}
			workers := max(1, bc.workers)
			// Where each batch's rows go in the matrix, or which reused
			// buffer (one per worker) it is written to.
			starts := make([]int, len(batches))
			at := 0
			for k, r := range batches {
				starts[k] = at
				at += int(r.NumRows())
				if bc.skip {
					at -= int(r.NumRows()+6) / 10
				}
			}
			var out []float64
			if bc.reuse {
				out = make([]float64, workers*bc.batchRows*enc.Width)
			} else {
				out = make([]float64, rows*enc.Width)
			}
			b.SetBytes(rows * cols * 8)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				// Batch k goes to worker k % workers: the way a trainer
				// would hand batches to encoding goroutines.
				var wg sync.WaitGroup
				for wk := range workers {
					wg.Go(func() {
						for k := wk; k < len(batches); k += workers {
							var dst []float64
							if bc.reuse {
								dst = out[wk*bc.batchRows*enc.Width:]
							} else {
								dst = out[starts[k]*enc.Width:]
							}
							bound.Encode(batches[k], skips[k], dst)
						}
					})
				}
				wg.Wait()
			}
			elapsed := b.Elapsed()
			b.StopTimer()
			base := baseline(b.N, batches, workers)
			b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
			b.ReportMetric(elapsed.Seconds()*1e3/float64(b.N), "ms/1Mx16")
			b.ReportMetric(elapsed.Seconds()/base.Seconds(), "x-baseline")
		})
	}
}

// baseline times the floor Encode is measured against, n times: the same
// batches standardised column by column into a contiguous reused buffer
// (no transposition, no NULL handling), by the same number of goroutines.
// It reads what Encode reads and does its arithmetic.
func baseline(n int, batches []arrow.RecordBatch, workers int) time.Duration {
	start := time.Now()
	for range n {
		var wg sync.WaitGroup
		for wk := range workers {
			wg.Go(func() {
				buf := make([]float64, batches[0].NumRows())
				for k := wk; k < len(batches); k += workers {
					for _, col := range batches[k].Columns() {
						vals := col.(*array.Float64).Float64Values()
						for i, v := range vals {
							buf[i] = (v - 1.5) * 0.5
						}
					}
				}
			})
		}
		wg.Wait()
	}
	return time.Since(start)
}

// BenchmarkEncodeCategorical: 1M rows of one VARCHAR column with 50 levels
// and one ENUM column, into a reused buffer.
func BenchmarkEncodeCategorical(b *testing.B) {
	const rows, batchRows = 1 << 20, 2048
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(b, 0)
	rng := rand.New(rand.NewPCG(13, 14))
	words := make([]string, 50)
	for i := range words {
		words[i] = fmt.Sprintf("level-%02d", i)
	}
	sb := array.NewStringBuilder(alloc)
	idx := make([]any, rows)
	for i := range rows {
		sb.Append(words[rng.IntN(50)])
		idx[i] = rng.IntN(len(words))
	}
	s := sb.NewArray()
	sb.Release()
	all := record([]string{"s", "e"}, s, enum(alloc, arrow.PrimitiveTypes.Uint8, words, func() []int {
		v := make([]int, rows)
		for i := range v {
			v[i] = idx[i].(int)
		}
		return v
	}()...))
	defer all.Release()
	var batches []arrow.RecordBatch
	for lo := 0; lo < rows; lo += batchRows {
		batches = append(batches, all.NewSlice(int64(lo), int64(lo+batchRows)))
	}
	defer func() {
		for _, r := range batches {
			r.Release()
		}
	}()
	enc, _ := fit(b, FitOptions{}, batches[:50]...)
	bound, _ := enc.Bind(all.Schema())
	out := make([]float64, batchRows*enc.Width)
	b.ResetTimer()
	for range b.N {
		for _, r := range batches {
			bound.Encode(r, nil, out)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkFit: one fitting pass over 1M rows x 16 float64 columns.
func BenchmarkFit(b *testing.B) {
	const rows, cols = 1 << 20, 16
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(b, 0)
	all, batches := benchData(alloc, rows, cols, 2048, true)
	defer all.Release()
	defer func() {
		for _, r := range batches {
			r.Release()
		}
	}()
	b.ResetTimer()
	for range b.N {
		fit(b, FitOptions{}, batches...)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkRowHashes: hashes of 1M rows over an integer and a text column.
func BenchmarkRowHashes(b *testing.B) {
	const rows, batchRows = 1 << 20, 2048
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(b, 0)
	ib := array.NewInt64Builder(alloc)
	sb := array.NewStringBuilder(alloc)
	for i := range rows {
		ib.Append(int64(i))
		sb.Append(fmt.Sprintf("customer-%07d", i))
	}
	all := record([]string{"id", "name"}, ib.NewArray(), sb.NewArray())
	ib.Release()
	sb.Release()
	defer all.Release()
	dst := make([]uint64, batchRows)
	b.ResetTimer()
	for range b.N {
		for lo := 0; lo < rows; lo += batchRows {
			r := all.NewSlice(int64(lo), int64(lo+batchRows))
			dst = RowHashes(r, []int{0, 1}, 1, dst)
			r.Release()
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkRowHashPair: the split and fingerprint hashes of 1M rows of 16
// DOUBLE columns, as training computes them, with RowHashPair and with two
// calls of RowHashes.
func BenchmarkRowHashPair(b *testing.B) {
	const rows, cols = 1 << 20, 16
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(b, 0)
	all, batches := benchData(alloc, rows, cols, 2048, false)
	defer all.Release()
	defer func() {
		for _, r := range batches {
			r.Release()
		}
	}()
	idx := make([]int, cols)
	for i := range idx {
		idx[i] = i
	}
	ha, hb := make([]uint64, 2048), make([]uint64, 2048)
	b.Run("pair", func(b *testing.B) {
		for range b.N {
			for _, r := range batches {
				ha, hb = RowHashPair(r, idx, 42, 0, ha, hb)
			}
		}
	})
	b.Run("twice", func(b *testing.B) {
		for range b.N {
			for _, r := range batches {
				ha = RowHashes(r, idx, 42, ha)
				hb = RowHashes(r, idx, 0, hb)
			}
		}
	})
}
