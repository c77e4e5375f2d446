package training

import (
	"context"
	"math/rand/v2"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
)

// The shuffle buffer of the streamed mode holds between minShuffleRows and
// maxShuffleRows rows: as many as half of the memory left to the data
// allows (streamShuffleRows).
const (
	minShuffleRows = 2048
	maxShuffleRows = 1 << 16
)

// streamShuffleRows is the size in rows of the streamed mode's shuffle
// buffer when budget bytes are left for the data: its two copies of the
// encoded rows take at most half of budget, within [minShuffleRows,
// maxShuffleRows].
func streamShuffleRows(budget int64, width int) int {
	rows := budget / 2 / shuffleBytes(1, width)
	return int(min(max(rows, minShuffleRows), maxShuffleRows))
}

// shuffleBytes is the memory of a shuffle buffer of rows rows: the rows
// and their labels, gathered, then permuted into a second buffer.
func shuffleBytes(rows, width int) int64 { return 2 * int64(rows) * int64(width+1) * 8 }

// validBytesPerRow is the memory a cached validation row takes: its
// encoded inputs and label, its outputs, and the metric's sort keys.
func validBytesPerRow(width, outputs int) int64 { return int64(width+1+outputs)*8 + 32 }

// streamTrain is one epoch of the streamed mode: it re-streams the data,
// encodes the training rows (the validation rows are cached, or streamed
// by streamValid), and hands them to fn in shuffled blocks of shuffleRows
// rows.
func streamTrain(ctx context.Context, src dataset.Source, b *features.Binding, le *features.LabelEncoding, labelIdx int,
	hashCols []int, split splitter, width, shuffleRows int, seed uint64, e *epochRunner, fn func(x, y []float64, n int) error) error {
	buf := make([]float64, 0, shuffleRows*width)
	ybuf := make([]float64, 0, shuffleRows)
	xs := make([]float64, shuffleRows*width)
	ys := make([]float64, shuffleRows)
	block := uint64(0)
	flush := func() error {
		n := len(ybuf)
		if n == 0 {
			return nil
		}
		rng := rand.New(rand.NewPCG(seed^uint64(e.epoch)<<32, block))
		block++
		for j, r := range rng.Perm(n) {
			copy(xs[j*width:(j+1)*width], buf[r*width:(r+1)*width])
			ys[j] = ybuf[r]
		}
		buf, ybuf = buf[:0], ybuf[:0]
		return fn(xs, ys, n)
	}
	p := rowPicker{b: b, le: le, labelIdx: labelIdx, hashCols: hashCols, split: split}
	err := dataset.EachBatch(ctx, src, Fn, func(rec arrow.RecordBatch) error {
		skip, rows := p.pick(rec, false)
		for rows > 0 {
			// Encode the whole batch when it fits, else flush first.
			if len(ybuf)+rows > shuffleRows {
				if err := flush(); err != nil {
					return err
				}
			}
			if rows > shuffleRows {
				rows = 0 // a batch larger than the buffer cannot happen (chunks are 2048 rows)
				continue
			}
			k := len(ybuf)
			buf = buf[:(k+rows)*width]
			ybuf = ybuf[:k+rows]
			b.Encode(rec, skip, buf[k*width:])
			le.Encode(rec.Column(labelIdx), skip, ybuf[k:])
			e.d.target.standardise(ybuf[k:])
			rows = 0
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// streamValid is one pass of the streamed validation, for a streamed
// training whose validation rows do not fit in memory: it re-streams the
// data and hands fn the validation rows of each batch, encoded, with their
// labels (standardised by target when it is set).
func streamValid(ctx context.Context, src dataset.Source, b *features.Binding, le *features.LabelEncoding, labelIdx int,
	hashCols []int, split splitter, width int, target *TargetScale, fn func(x, y []float64, n int) error) error {
	p := rowPicker{b: b, le: le, labelIdx: labelIdx, hashCols: hashCols, split: split}
	var buf, ybuf []float64
	return dataset.EachBatch(ctx, src, Fn, func(rec arrow.RecordBatch) error {
		n := int(rec.NumRows())
		skip, rows := p.pick(rec, true)
		if rows == 0 {
			return nil
		}
		if cap(buf) < n*width {
			buf = make([]float64, n*width)
			ybuf = make([]float64, n)
		}
		x, y := buf[:n*width], ybuf[:n]
		b.Encode(rec, skip, x)
		le.Encode(rec.Column(labelIdx), skip, y[:rows])
		target.standardise(y[:rows])
		return fn(x[:rows*width], y[:rows], rows)
	})
}

// rowPicker chooses, batch by batch, the rows of one side of the
// validation split that training can use: a usable label, finite
// features, and the side's row hash. Its buffers are reused across
// batches.
type rowPicker struct {
	b        *features.Binding
	le       *features.LabelEncoding
	labelIdx int
	hashCols []int
	split    splitter
	skip     []bool
	hashes   []uint64
}

// pick returns the skip flags of rec's rows (true: not on the side valid
// asks for, or unusable) and how many rows are kept.
func (p *rowPicker) pick(rec arrow.RecordBatch, valid bool) ([]bool, int) {
	skip := resetSkip(&p.skip, int(rec.NumRows()))
	p.le.MarkSkips(rec.Column(p.labelIdx), skip)
	p.b.BadRows(rec, skip)
	p.hashes = features.RowHashes(rec, p.hashCols, p.split.seed, p.hashes)
	rows := 0
	for i := range skip {
		if !skip[i] && p.split.valid(p.hashes[i]) != valid {
			skip[i] = true
		}
		if !skip[i] {
			rows++
		}
	}
	return skip, rows
}
