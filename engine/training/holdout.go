package training

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
)

// Holdout is what a trained model keeps of its validation split, enough to
// find its validation rows again in a new read of its training data: the
// columns whose values were hashed (the model's input columns, then the
// label), the seed and share of the split, and the fingerprint of the
// rows the training read.
type Holdout struct {
	Columns  []string
	Seed     uint64
	Fraction float64
	Data     dataset.Fingerprint
}

// Holdout is the document's validation split.
func (d *Document) Holdout() Holdout {
	return holdout(&d.Encoder, &d.Label, *d.Options.Seed, *d.Options.ValidationFraction, d.Data)
}

// Holdout is the document's validation split.
func (d *TreesDocument) Holdout() Holdout {
	return holdout(&d.Encoder, &d.Label, *d.Options.Seed, *d.Options.ValidationFraction, d.Data)
}

func holdout(enc *features.Encoder, le *features.LabelEncoding, seed int64, frac float64, data dataset.Fingerprint) Holdout {
	cols := make([]string, 0, len(enc.Columns)+1)
	for _, c := range enc.Columns {
		cols = append(cols, c.Name)
	}
	return Holdout{Columns: append(cols, le.Column), Seed: uint64(seed), Fraction: frac, Data: data}
}

// HoldoutRows picks a model's validation rows out of a new read of its
// training data, batch by batch (Mark), and checks at the end that the
// read gave the rows the training read (Check): the same number of rows,
// and the same sum of row hashes over the rows the training used. The
// rows are assigned exactly as the trainers assign them (the same hash of
// the same columns and seed), so the order of the rows does not matter.
type HoldoutRows struct {
	h            Holdout
	cols         []int
	split        splitter
	rows         int64
	fp           uint64
	hashes, fphs []uint64
}

// Bind finds the holdout's columns in schema, the schema of the new read;
// a column missing is an error.
func (h Holdout) Bind(schema *arrow.Schema) (*HoldoutRows, error) {
	cols := make([]int, len(h.Columns))
	for i, c := range h.Columns {
		if cols[i] = features.ColumnIndex(schema, c); cols[i] < 0 {
			return nil, fmt.Errorf("has no column %q, which the model was trained on", c)
		}
	}
	return &HoldoutRows{h: h, cols: cols, split: splitter{frac: h.Fraction, seed: h.Seed}}, nil
}

// Mark marks in skip the training rows of rec, leaving its validation rows
// unmarked. skip must already mark the rows the training skipped (a bad
// label, or a value the model cannot read): they count in the row total
// but not in the hash sum, as in the trainers. It returns the number of
// rows it marked.
func (r *HoldoutRows) Mark(rec arrow.RecordBatch, skip []bool) int {
	n := int(rec.NumRows())
	r.hashes, r.fphs = features.RowHashPair(rec, r.cols, r.split.seed, 0, r.hashes[:0], r.fphs[:0])
	r.rows += int64(n)
	marked := 0
	for i := 0; i < n; i++ {
		if skip[i] {
			continue
		}
		r.fp += r.fphs[i]
		if !r.split.valid(r.hashes[i]) {
			skip[i] = true
			marked++
		}
	}
	return marked
}

// Check reports whether the rows read so far are the rows the training
// read: an error says how they differ.
func (r *HoldoutRows) Check() error {
	got := dataset.NewFingerprint(r.rows, r.fp)
	if got == r.h.Data {
		return nil
	}
	if got.Rows != r.h.Data.Rows {
		return fmt.Errorf("changed since training: it now has %d rows, the training read %d", got.Rows, r.h.Data.Rows)
	}
	return fmt.Errorf("changed since training: it has the %d rows the training read, but not the same values (fingerprint %s, at training %s)", got.Rows, got.Hash, r.h.Data.Hash)
}
