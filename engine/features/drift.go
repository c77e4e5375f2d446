package features

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// PSIEpsilon is the share an empty bin counts with in PSI: a bin that
// holds no rows on one side would otherwise make the index infinite. It is
// the usual choice of credit-scoring practice (0.01%), small enough that a
// bin empty on both sides adds nothing and one empty on a single side
// still adds a large term.
const PSIEpsilon = 1e-4

// The drift statuses of a column, by PSI: DriftOK below PSIShifted,
// DriftShifted below PSISevere, DriftSevere from PSISevere on, or when
// more than UnseenSevere of the rows hold a level never seen in training.
const (
	DriftOK      = "ok"
	DriftShifted = "shifted"
	DriftSevere  = "severe"

	PSIShifted   = 0.1
	PSISevere    = 0.25
	UnseenSevere = 0.05
)

// PSI is the population stability index of the shares actual against the
// shares expected (both over the same bins, each summing to 1):
//
//	PSI = Σ (a_i - e_i) · ln(a_i / e_i)
//
// with each share below PSIEpsilon counted as PSIEpsilon. It is 0 for
// equal shares and grows as they part; below 0.1 is commonly read as no
// shift, 0.1 to 0.25 as a moderate one, above as a large one. len(actual)
// must be len(expected).
func PSI(expected, actual []float64) float64 {
	if len(expected) != len(actual) {
		panic(fmt.Sprintf("features: PSI of %d expected and %d actual shares", len(expected), len(actual)))
	}
	s := 0.0
	for i, e := range expected {
		e, a := max(e, PSIEpsilon), max(actual[i], PSIEpsilon)
		s += (a - e) * math.Log(a/e)
	}
	return s
}

// DriftStatus is the status of a column (or of a whole table) with the
// given PSI and share of rows with an unseen level (NaN: not known).
func DriftStatus(psi, unseen float64) string {
	switch {
	case psi >= PSISevere || unseen > UnseenSevere:
		return DriftSevere
	case psi >= PSIShifted:
		return DriftShifted
	}
	return DriftOK
}

// ColumnDrift compares one input column of a model on new data with its
// training statistics (ColumnStats). NaN marks what does not apply.
type ColumnDrift struct {
	Column string
	Kind   string
	// NullShareTrain and NullShareNow are the shares of NULL (or NaN)
	// values in training and in the data.
	NullShareTrain, NullShareNow float64
	// MeanTrain, MeanNow, StdTrain and StdNow are the mean and sample
	// standard deviation of the finite values (numeric columns only).
	MeanTrain, MeanNow, StdTrain, StdNow float64
	// PSI is the population stability index of the data's shares over
	// the column's bins (see DriftMeter) against training's.
	PSI float64
	// UnseenShare is the share of rows whose value is a level the
	// training never saw (categorical columns whose encoding lists every
	// training level; NaN otherwise).
	UnseenShare float64
	Status      string
}

// DriftMeter measures how the data in a stream of batches differs from a
// model's training data, column by column, from the model's statistics
// block alone: one pass, memory bounded by the number of bins. It is not
// safe for concurrent use.
//
// The bins of each column, shares of all rows:
//
//   - numeric, date and timestamp: the intervals between the training
//     quantile edges (Edges), then NULL (and NaN), then ±Inf. Only
//     interior edges distinct from both neighbours separate bins: an edge
//     repeated by its neighbours marks a value that holds more than a
//     tenth of the rows, and its bins are merged with the ones around it
//     (a 0/1 column has two bins, not ten). Bin j between separating edges
//     k and k' holds (k'-k)/10 of training's finite values; a value equal
//     to a separating edge counts half in each bin it bounds; values below
//     the minimum or above the maximum fall in the first or last bin.
//   - boolean: false, true, NULL.
//   - categorical: each kept level, 'other' (the training levels not
//     kept, and levels never seen), NULL.
//
// A categorical value is unseen when it is neither a kept level nor one of
// the encoding's OtherLevels. An encoding with OtherAny (more distinct
// training levels than the fitter tracked) cannot tell, and its column's
// UnseenShare is NaN.
type DriftMeter struct {
	b     *Binding
	stats Statistics
	cols  []driftCol
	rows  int64
	// anyUnseen counts the rows with an unseen level in some column.
	anyUnseen int64
	canTell   bool // some column can tell unseen levels
	buf       []float64
	rowUnseen []bool
}

// driftCol is the running state of one column.
type driftCol struct {
	cs *ColumnStats
	// numeric-like: the separating edges in the encoder's units, and the
	// training share of each interval between them.
	cuts     []float64
	expected []float64
	// bins counts halves of rows per bin: the intervals (or levels), then
	// NULL, then ±Inf (numeric-like) or nothing.
	halves []int64
	// categorical: bin of each one-hot slot's level (-1 for the slots of
	// 'other' and NULL).
	slotBin []int
	other   int // the 'other' bin
	unseen  int64
	tell    bool
	// numeric: Welford moments of the finite values.
	n          int64
	mean, m2   float64
	nulls, inf int64
}

// NewDriftMeter returns a DriftMeter of the columns b binds, whose
// training statistics are stats (one block per column, in the encoder's
// order; Validate is checked).
func NewDriftMeter(b *Binding, stats Statistics) (*DriftMeter, error) {
	names := make([]string, len(b.enc.Columns))
	for j := range b.enc.Columns {
		names[j] = b.enc.Columns[j].Name
	}
	if err := stats.ValidateDocument(names); err != nil {
		return nil, err
	}
	d := &DriftMeter{b: b, stats: stats, cols: make([]driftCol, len(b.cols))}
	for j := range b.cols {
		bc, cs := &b.cols[j], &stats[j]
		if cs.Kind != bc.kind {
			return nil, fmt.Errorf("column %q: statistics of a %s column, but a %s encoding", cs.Column, cs.Kind, bc.kind)
		}
		c := &d.cols[j]
		c.cs = cs
		switch bc.kind {
		case KindBoolean:
			c.halves = make([]int64, 3) // false, true, NULL
		case KindCategorical:
			enc := &b.enc.Columns[j]
			byName := make(map[string]int, len(cs.Levels))
			for i, l := range cs.Levels {
				if !l.Other && !l.Null {
					byName[l.Level] = i
				}
			}
			c.other = len(cs.Levels) - 2
			c.slotBin = make([]int, bc.width)
			for s := range c.slotBin {
				c.slotBin[s] = -1
			}
			for s, l := range enc.Levels {
				if i, ok := byName[l]; ok {
					c.slotBin[s] = i
				} else {
					c.slotBin[s] = c.other
				}
			}
			c.halves = make([]int64, len(cs.Levels))
			c.tell = !enc.OtherAny
			d.canTell = d.canTell || c.tell
		default:
			c.cuts, c.expected = separatingEdges(cs.Edges, divisorOfName(cs.Type), 1-cs.NullShare-cs.InfShare)
			c.halves = make([]int64, len(c.expected)+2)
		}
	}
	return d, nil
}

// separatingEdges returns the edges that separate numeric bins (see
// DriftMeter), divided by div, and the training share of each of the
// len(cuts)+1 bins: finite, the share of finite values, spread over them.
func separatingEdges(edges []float64, div, finite float64) (cuts, expected []float64) {
	if len(edges) != EdgeCount {
		return nil, []float64{finite} // no finite training value: one bin for every finite one
	}
	prev := 0
	for k := 1; k < EdgeCount-1; k++ {
		if edges[k-1] < edges[k] && edges[k] < edges[k+1] {
			cuts = append(cuts, edges[k]/div)
			expected = append(expected, finite*float64(k-prev)/float64(EdgeCount-1))
			prev = k
		}
	}
	expected = append(expected, finite*float64(EdgeCount-1-prev)/float64(EdgeCount-1))
	return cuts, expected
}

// divisorOfName is divisor for the Arrow type named typ (as
// arrow.DataType.String writes it): edges stored in Arrow's units divided
// by it are in the units toFloats gives.
func divisorOfName(typ string) float64 {
	switch {
	case typ == "date64":
		return 86400000
	case strings.HasPrefix(typ, "timestamp[ms"):
		return 1e3
	case strings.HasPrefix(typ, "timestamp[us"):
		return 1e6
	case strings.HasPrefix(typ, "timestamp[ns"):
		return 1e9
	}
	return 1
}

// Add counts the rows of rec, which must have the schema the meter's
// Binding was bound to. rec is not released.
func (d *DriftMeter) Add(rec arrow.RecordBatch) {
	d.b.check(rec)
	n := int(rec.NumRows())
	d.rows += int64(n)
	if cap(d.rowUnseen) < n {
		d.rowUnseen = make([]bool, n)
	}
	unseen := d.rowUnseen[:n]
	clear(unseen)
	for j := range d.b.cols {
		bc, c := &d.b.cols[j], &d.cols[j]
		a := rec.Column(bc.index)
		bm, off := validity(a)
		switch bc.kind {
		case KindCategorical:
			null := len(c.halves) - 1
			for i, s := range bc.slotsOf(a) {
				switch {
				case !isValid(bm, off, i):
					c.halves[null] += 2
				case s >= 0 && c.slotBin[s] >= 0:
					c.halves[c.slotBin[s]] += 2
				case s >= 0: // the 'other' slot: a training level not kept
					c.halves[c.other] += 2
				default: // never seen in training
					c.halves[c.other] += 2
					c.unseen++
					unseen[i] = true
				}
			}
			continue
		}
		if cap(d.buf) < n {
			d.buf = make([]float64, n)
		}
		vals := d.buf[:n]
		toFloats(a, vals)
		if bc.kind == KindBoolean {
			for i, v := range vals {
				switch {
				case !isValid(bm, off, i):
					c.halves[2] += 2
				case v != 0:
					c.halves[1] += 2
				default:
					c.halves[0] += 2
				}
			}
			continue
		}
		last := len(c.cuts)
		for i, v := range vals {
			switch {
			case !isValid(bm, off, i) || math.IsNaN(v):
				c.nulls++
				c.halves[last+1] += 2
				continue
			case math.IsInf(v, 0):
				c.inf++
				c.halves[last+2] += 2
				continue
			}
			c.n++
			dv := v - c.mean
			c.mean += dv / float64(c.n)
			c.m2 += dv * (v - c.mean)
			// The first cut not below v: v falls in the bin below it.
			lo, hi := 0, last
			for lo < hi {
				m := int(uint(lo+hi) >> 1)
				if c.cuts[m] < v {
					lo = m + 1
				} else {
					hi = m
				}
			}
			if lo < last && c.cuts[lo] == v {
				c.halves[lo]++
				c.halves[lo+1]++
			} else {
				c.halves[lo] += 2
			}
		}
	}
	for _, u := range unseen {
		if u {
			d.anyUnseen++
		}
	}
}

// Rows is the number of rows counted.
func (d *DriftMeter) Rows() int64 { return d.rows }

// Columns returns the drift of every column, in the encoder's order, over
// the rows counted (at least one).
func (d *DriftMeter) Columns() []ColumnDrift {
	out := make([]ColumnDrift, len(d.cols))
	rows := float64(d.rows)
	nan := math.NaN()
	for j := range d.cols {
		c := &d.cols[j]
		cs := c.cs
		r := ColumnDrift{Column: cs.Column, Kind: cs.Kind, NullShareTrain: cs.NullShare,
			MeanTrain: nan, MeanNow: nan, StdTrain: nan, StdNow: nan, UnseenShare: nan}
		actual := make([]float64, len(c.halves))
		for i, h := range c.halves {
			actual[i] = float64(h) / (2 * rows)
		}
		var expected []float64
		switch cs.Kind {
		case KindBoolean, KindCategorical:
			expected = make([]float64, len(cs.Levels))
			for i, l := range cs.Levels {
				expected[i] = l.Share
			}
			r.NullShareNow = actual[len(actual)-1]
			if c.tell {
				r.UnseenShare = float64(c.unseen) / rows
			}
		default:
			expected = append(append(expected, c.expected...), cs.NullShare, cs.InfShare)
			r.NullShareNow = float64(c.nulls) / rows
			if cs.Kind == KindNumeric {
				if cs.Mean != nil {
					r.MeanTrain = *cs.Mean
				}
				if cs.Std != nil {
					r.StdTrain = *cs.Std
				}
				if c.n > 0 {
					r.MeanNow = c.mean
				}
				if c.n > 1 {
					r.StdNow = math.Sqrt(c.m2 / float64(c.n-1))
				}
			}
		}
		r.PSI = PSI(expected, actual)
		r.Status = DriftStatus(r.PSI, r.UnseenShare)
		out[j] = r
	}
	return out
}

// Summary is the drift of the table as a whole, for the columns of
// Columns: Column "(all)", the largest PSI, the share of rows with an
// unseen level in at least one column (NaN when no column can tell), and
// the worst status (severe also when that share exceeds UnseenSevere);
// the other measures are NaN.
func (d *DriftMeter) Summary(cols []ColumnDrift) ColumnDrift {
	nan := math.NaN()
	s := ColumnDrift{Column: "(all)", NullShareTrain: nan, NullShareNow: nan, MeanTrain: nan, MeanNow: nan,
		StdTrain: nan, StdNow: nan, PSI: 0, UnseenShare: nan, Status: DriftOK}
	if d.canTell {
		s.UnseenShare = float64(d.anyUnseen) / float64(d.rows)
	}
	rank := map[string]int{DriftOK: 0, DriftShifted: 1, DriftSevere: 2}
	for _, c := range cols {
		s.PSI = max(s.PSI, c.PSI)
		if rank[c.Status] > rank[s.Status] {
			s.Status = c.Status
		}
	}
	if rank[DriftStatus(s.PSI, s.UnseenShare)] > rank[s.Status] {
		s.Status = DriftStatus(s.PSI, s.UnseenShare)
	}
	return s
}
