package training

import (
	"context"
	"math/rand/v2"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/features"
)

// shuffleRows is the shuffle buffer of the streamed mode, in rows.
const shuffleRows = 1 << 16

// streamTrain is one epoch of the streamed mode: it re-streams the data,
// encodes the training rows (the validation rows are cached), and hands
// them to fn in shuffled blocks of shuffleRows rows.
func streamTrain(ctx context.Context, src Source, b *features.Binding, le *features.LabelEncoding, labelIdx int,
	hashCols []int, split splitter, width int, seed uint64, e *epochRunner, fn func(x, y []float64, n int) error) error {
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
	var skipBuf []bool
	var hashes []uint64
	err := eachBatch(ctx, src, func(rec arrow.RecordBatch) error {
		skip := resetSkip(&skipBuf, int(rec.NumRows()))
		le.MarkSkips(rec.Column(labelIdx), skip)
		b.BadRows(rec, skip)
		hashes = features.RowHashes(rec, hashCols, split.seed, hashes)
		for i := range skip {
			if !skip[i] && split.valid(hashes[i]) {
				skip[i] = true
			}
		}
		rows := 0
		for _, s := range skip {
			if !s {
				rows++
			}
		}
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
			if t := e.d.target; t != nil {
				for j := k; j < len(ybuf); j++ {
					ybuf[j] = (ybuf[j] - t.Mean) / t.Std
				}
			}
			rows = 0
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}
