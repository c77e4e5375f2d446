package training

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/bigmem"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
)

// Row fates in encodeRetained.
const (
	rowTrain uint8 = iota
	rowValid
	rowSkipped
)

// batchPlan is what encodeRetained learns about one batch before it
// encodes it.
type batchPlan struct {
	fate                     []uint8 // per row: rowTrain, rowValid or rowSkipped
	train, valid             int     // rows of each kind
	trainAt, validAt         int     // the batch's first training and validation row among all
	skippedLabel, skippedBad int
	classes                  []float64       // classification: training rows per class
	odd                      map[int]float64 // classification: training rows of a label outside the classes (none, after MarkSkips)
}

// encodeRetained fills the cache from batches held in memory and returns
// each row's fate (for fingerprintAsync). It gives exactly what add over
// the same batches, in order, followed by shuffleCache gives, computed in
// parallel: a first phase finds each row's fate (skipped, training or
// validation: the label and bad-value checks and the split hash) batch by
// batch; the prefix sums of the counts then place every batch's rows, and
// a second phase encodes the batches and writes each training row straight
// to where shuffleCache would have moved it. The cache is allocated, at its
// exact size, from mem.
//
// splitHashes are the rows' split hashes when they were computed ahead
// (nil otherwise); checkBad false skips the search for NaN and infinite
// features, of which the fitting found none.
func (d *encodedData) encodeRetained(ctx context.Context, batches []arrow.RecordBatch, splitHashes [][]uint64, checkBad bool, b *features.Binding, le *features.LabelEncoding,
	labelIdx int, hashCols []int, split splitter, seed uint64, mem *bigmem.Arena) (skippedLabel, skippedBad int64, fates [][]uint8, err error) {
	plans := make([]batchPlan, len(batches))
	var total int
	for _, rec := range batches {
		total += int(rec.NumRows())
	}
	all := make([]uint8, total)
	at := 0
	for i, rec := range batches {
		n := int(rec.NumRows())
		plans[i].fate = all[at : at+n : at+n]
		at += n
	}
	w := d.width
	type scratch struct {
		skip      []bool
		hashes    []uint64
		buf, ybuf []float64
	}
	prepare := func(s *scratch, n int) {
		if cap(s.skip) < n {
			s.skip = make([]bool, n)
			s.hashes = make([]uint64, n)
			s.buf = make([]float64, n*w)
			s.ybuf = make([]float64, n)
		}
		s.skip = s.skip[:n]
		clear(s.skip)
	}

	// Phase 1: the fate of every row.
	err = parallelBatches(ctx, len(batches), func(s *scratch, i int) {
		rec, p := batches[i], &plans[i]
		n := int(rec.NumRows())
		prepare(s, n)
		p.skippedLabel = le.MarkSkips(rec.Column(labelIdx), s.skip)
		if checkBad {
			p.skippedBad = b.BadRows(rec, s.skip)
		}
		var hashes []uint64
		if splitHashes != nil {
			hashes = splitHashes[i]
		} else {
			hashes = features.RowHashes(rec, hashCols, split.seed, s.hashes[:n])
		}
		for r := 0; r < n; r++ {
			switch {
			case s.skip[r]:
				p.fate[r] = rowSkipped
			case split.valid(hashes[r]):
				p.fate[r] = rowValid
				p.valid++
			default:
				p.fate[r] = rowTrain
				p.train++
			}
		}
	})
	if err != nil {
		return 0, 0, nil, err
	}
	var nTrain, nValid int
	for i := range plans {
		p := &plans[i]
		p.trainAt, p.validAt = nTrain, nValid
		nTrain += p.train
		nValid += p.valid
		skippedLabel += int64(p.skippedLabel)
		skippedBad += int64(p.skippedBad)
	}
	d.trainRows, d.validRows = int64(nTrain), int64(nValid)
	// Every element is written below (place is a bijection): no zeroing.
	d.xTrain, d.yTrain = mem.RawFloat64s(nTrain*w), mem.RawFloat64s(nTrain)
	d.xValid, d.yValid = mem.RawFloat64s(nValid*w), mem.RawFloat64s(nValid)
	// Where shuffleCache would move each block of training rows.
	dest := blockDestinations(nTrain, seed)
	place := func(t int) int {
		if blk := t / shuffleBlock; blk < len(dest) {
			return int(dest[blk])*shuffleBlock + t%shuffleBlock
		}
		return t // the last, partial block stays in place
	}
	regression := le.Task == task.Regression
	binary := le.Task == task.Binary && len(le.Levels) == 2
	classes := len(le.Levels)

	// Phase 2: encode and place the rows: a batch is encoded whole (the
	// encoder's fastest loops), then its rows are copied out, a training
	// row at a time or runs of them that go to one block together.
	err = parallelBatches(ctx, len(batches), func(s *scratch, i int) {
		rec, p := batches[i], &plans[i]
		n := int(rec.NumRows())
		prepare(s, n)
		for r, f := range p.fate {
			s.skip[r] = f == rowSkipped
		}
		rows := b.Encode(rec, s.skip, s.buf[:n*w])
		ys := s.ybuf[:rows]
		le.Encode(rec.Column(labelIdx), s.skip, ys)
		if !regression {
			p.classes = make([]float64, classes)
		}
		k, t, v := 0, p.trainAt, p.validAt
		run, runK, runT := 0, 0, 0 // training rows pending: run rows from s.buf row runK, training row runT
		ones := 0.0
		flush := func() {
			if run > 0 {
				j := place(runT)
				copy(d.xTrain[j*w:(j+run)*w], s.buf[runK*w:(runK+run)*w])
				copy(d.yTrain[j:j+run], ys[runK:runK+run])
				run = 0
			}
		}
		for _, f := range p.fate {
			switch f {
			case rowSkipped:
				continue
			case rowValid:
				flush()
				copy(d.xValid[v*w:(v+1)*w], s.buf[k*w:(k+1)*w])
				d.yValid[v] = ys[k]
				v++
			default:
				// A run ends at a block boundary (the last, partial
				// block has none inside).
				if run > 0 && t%shuffleBlock == 0 {
					flush()
				}
				if run == 0 {
					runK, runT = k, t
				}
				run++
				t++
				switch {
				case binary:
					ones += ys[k] // the labels are 0 and 1
				case !regression:
					if c := int(ys[k]); c >= 0 && c < classes {
						p.classes[c]++
					} else {
						if p.odd == nil {
							p.odd = map[int]float64{}
						}
						p.odd[c]++
					}
				}
			}
			k++
		}
		flush()
		if binary {
			p.classes[1] = ones
			p.classes[0] = float64(p.train) - ones
		}
	})
	if err != nil {
		return 0, 0, nil, err
	}
	// The label statistics of the training rows, summed in row order as
	// add sums them.
	if regression {
		for t := 0; t < nTrain; t++ {
			y := d.yTrain[place(t)]
			d.ySum += y
			d.ySumSq += y * y
		}
	} else if nTrain > 0 {
		d.classCounts = map[int]float64{}
		for i := range plans {
			for c, cnt := range plans[i].classes {
				if cnt > 0 {
					d.classCounts[c] += cnt
				}
			}
			for c, cnt := range plans[i].odd {
				d.classCounts[c] += cnt
			}
		}
	}
	fates = make([][]uint8, len(plans))
	for i := range plans {
		fates[i] = plans[i].fate
	}
	return skippedLabel, skippedBad, fates, nil
}

// fingerprintAsync sums the fingerprint hashes of the rows used (those
// whose fate is not rowSkipped) of batches in a goroutine, and returns the
// function that waits for the sum. It runs beside the epochs, which leave
// a core idle (a step over 256 rows is one goroutine's work). batches must
// stay valid until the wait function has returned, and it must be called
// on every path (it may be called again; a panic in the goroutine is
// raised again in it).
func fingerprintAsync(ctx context.Context, batches []arrow.RecordBatch, fates [][]uint8, hashCols []int) func() (uint64, error) {
	var fp uint64
	var err error
	var panicked any
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { panicked = recover() }()
		var h []uint64
		for i, rec := range batches {
			if i%64 == 0 && ctx.Err() != nil {
				err = dserr.Cancel(Fn, "", ctx.Err())
				return
			}
			h = features.RowHashes(rec, hashCols, 0, h)
			for r, f := range fates[i] {
				if f != rowSkipped {
					fp += h[r]
				}
			}
		}
	}()
	return func() (uint64, error) {
		<-done
		if p := panicked; p != nil {
			panicked = nil
			panic(p)
		}
		return fp, err
	}
}

// parallelBatches runs fn on batches 0..n-1 from a few goroutines, each
// with its own scratch space. The batches are handed out in order but
// finish in any: fn must only write what belongs to its batch. A panic in
// fn is raised again in the caller once every goroutine has stopped (so
// nothing still writes to memory the caller frees while unwinding).
func parallelBatches[S any](ctx context.Context, n int, fn func(s *S, i int)) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	var mu sync.Mutex
	var panicked any
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					failed.Store(true)
					mu.Lock()
					if panicked == nil {
						panicked = p
					}
					mu.Unlock()
				}
			}()
			var s S
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if i%64 == 0 && ctx.Err() != nil {
					failed.Store(true)
					return
				}
				fn(&s, i)
			}
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	if err := ctx.Err(); err != nil {
		return dserr.Cancel(Fn, "", err)
	}
	return nil
}

// blockSwaps calls swap(i, j) for the swaps of shuffleCache's in-place
// Fisher-Yates shuffle of nb blocks with seed, in order.
func blockSwaps(nb int, seed uint64, swap func(i, j int)) {
	if nb < 2 {
		return
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for i := nb - 1; i > 0; i-- {
		if j := rng.IntN(i + 1); j != i {
			swap(i, j)
		}
	}
}

// blockDestinations returns, for each whole block of shuffleBlock rows of
// n training rows, the block it ends up at after shuffleCache.
func blockDestinations(n int, seed uint64) []int32 {
	nb := n / shuffleBlock
	at := make([]int32, nb) // at[i]: the original block now at i
	for i := range at {
		at[i] = int32(i)
	}
	blockSwaps(nb, seed, func(i, j int) { at[i], at[j] = at[j], at[i] })
	dest := make([]int32, nb)
	for i, b := range at {
		dest[b] = int32(i)
	}
	return dest
}
