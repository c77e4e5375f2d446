package features

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Profiler accumulates per-group statistics of a binding's feature columns
// from the raw data (not the encoding): what a segment profile reports.
// Numeric, date, timestamp and boolean columns keep the sum and count of
// their non-NULL values, in the units the encoder standardises (DATE days
// and TIMESTAMP seconds since the epoch, booleans 0/1); categorical
// columns keep the count of each level. It is not safe for concurrent use.
type Profiler struct {
	b      *Binding
	rows   []int64
	sum    [][]float64 // [group][column]
	count  [][]int64
	nulls  [][]int64
	levels [][]map[string]*int64 // *int64: a found key is never rewritten (see fit.go)
	buf    []float64
}

// ColumnProfile is one group's statistics of one feature column.
type ColumnProfile struct {
	Column string
	Kind   string
	Count  int64 // non-NULL values
	Nulls  int64
	// Mean of the non-NULL values (numeric, date, timestamp, boolean; the
	// share of true for a boolean); NaN when Count is 0.
	Mean float64
	// Levels counts each level (categorical columns).
	Levels map[string]int64
}

// NewProfiler returns a Profiler of groups groups over b's columns.
func NewProfiler(b *Binding, groups int) *Profiler {
	p := &Profiler{b: b, rows: make([]int64, groups)}
	nc := len(b.cols)
	p.sum, p.count, p.nulls, p.levels = make([][]float64, groups), make([][]int64, groups), make([][]int64, groups), make([][]map[string]*int64, groups)
	for g := 0; g < groups; g++ {
		p.sum[g], p.count[g], p.nulls[g], p.levels[g] = make([]float64, nc), make([]int64, nc), make([]int64, nc), make([]map[string]*int64, nc)
		for c := range b.cols {
			if b.cols[c].kind == KindCategorical {
				p.levels[g][c] = map[string]*int64{}
			}
		}
	}
	return p
}

// Add counts the rows of rec: row i into group[i], or nowhere when
// group[i] < 0. rec must have the schema b was bound to.
func (p *Profiler) Add(rec arrow.RecordBatch, group []int32) {
	p.b.check(rec)
	n := int(rec.NumRows())
	for i := 0; i < n; i++ {
		if g := group[i]; g >= 0 {
			p.rows[g]++
		}
	}
	for c := range p.b.cols {
		bc := &p.b.cols[c]
		a := rec.Column(bc.index)
		bm, off := validity(a)
		if bc.kind == KindCategorical {
			text := textAt(a)
			for i := 0; i < n; i++ {
				g := group[i]
				if g < 0 {
					continue
				}
				if !isValid(bm, off, i) {
					p.nulls[g][c]++
					continue
				}
				p.count[g][c]++
				// The text aliases the batch's memory: a new key is
				// cloned, and an existing one is only read.
				t := text(i)
				if n, ok := p.levels[g][c][t]; ok {
					*n++
				} else {
					one := int64(1)
					p.levels[g][c][strings.Clone(t)] = &one
				}
			}
			continue
		}
		if cap(p.buf) < n {
			p.buf = make([]float64, n)
		}
		vals := p.buf[:n]
		toFloats(a, vals)
		for i, v := range vals {
			g := group[i]
			if g < 0 {
				continue
			}
			if !isValid(bm, off, i) || !finite(v) {
				p.nulls[g][c]++
				continue
			}
			p.count[g][c]++
			p.sum[g][c] += v
		}
	}
}

// Rows is the number of rows counted into group g.
func (p *Profiler) Rows(g int) int64 { return p.rows[g] }

// Columns is the number of feature columns.
func (p *Profiler) Columns() int { return len(p.b.cols) }

// Column returns group g's statistics of feature column c (in the
// encoder's column order).
func (p *Profiler) Column(g, c int) ColumnProfile {
	bc := &p.b.cols[c]
	cp := ColumnProfile{Column: bc.name, Kind: bc.kind, Count: p.count[g][c], Nulls: p.nulls[g][c]}
	if bc.kind == KindCategorical {
		cp.Levels = make(map[string]int64, len(p.levels[g][c]))
		for l, n := range p.levels[g][c] {
			cp.Levels[l] = *n
		}
		return cp
	}
	cp.Mean = p.sum[g][c] / float64(p.count[g][c]) // NaN for 0/0
	return cp
}

// textAt returns the text of row i of a string-like or dictionary array.
func textAt(a arrow.Array) func(i int) string {
	switch s := a.(type) {
	case array.StringLike:
		return s.Value
	case *array.Dictionary:
		words := s.Dictionary().(array.StringLike)
		return func(i int) string { return words.Value(s.GetValueIndex(i)) }
	}
	return func(int) string { return "" }
}
