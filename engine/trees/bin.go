package trees

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// binSampleRows is the most values of a numeric column the bin edges are
// computed from: columns of more training rows are cut at the quantiles of
// a seeded sample of about this many rows (the same rows for every
// column).
const binSampleRows = 1 << 18

// binned is the training matrix cut into bins: one byte per value,
// column-major. Bin nbins[j]-1 of column j holds its missing values; a
// numeric column's other bins are the intervals between its cuts (bin b
// holds cuts[b-1] <= x < cuts[b]), a categorical column's are its codes
// (levels, then "other").
type binned struct {
	bins  [][]uint8
	nbins []int
	cuts  [][]float64
}

// binData cuts the n rows of x into bins; see binned.
func binData(ctx context.Context, cols []Column, x [][]float64, n, maxBins int, seed uint64) (*binned, error) {
	p := len(cols)
	bd := &binned{bins: make([][]uint8, p), nbins: make([]int, p), cuts: make([][]float64, p)}
	var sample []int32
	if n > binSampleRows {
		sample = sampleRows(n, binSampleRows, seed)
	}
	errs := make([]error, p)
	err := parallel(ctx, p, func(j int) {
		errs[j] = bd.binColumn(j, cols[j], x[j][:n], maxBins, sample)
	})
	if err != nil {
		return nil, err
	}
	for j, e := range errs {
		if e != nil {
			return nil, fmt.Errorf("column %q: %v", cols[j].Name, e)
		}
	}
	return bd, nil
}

// sampleRows returns, ascending, the rows r of 0..n-1 whose seeded hash
// falls below m/n of the hash range: about m rows, the same for a given
// seed whatever else runs.
func sampleRows(n, m int, seed uint64) []int32 {
	limit := uint64(float64(m) / float64(n) * (1 << 63))
	out := make([]int32, 0, m+m/8)
	s := mix(seed ^ 0x5bd1e9955bd1e995)
	for r := 0; r < n; r++ {
		if mix(s+uint64(r))>>1 < limit {
			out = append(out, int32(r))
		}
	}
	return out
}

// mix is splitmix64's finalizer: a well-spread hash of a.
func mix(a uint64) uint64 {
	a += 0x9e3779b97f4a7c15
	a = (a ^ (a >> 30)) * 0xbf58476d1ce4e5b9
	a = (a ^ (a >> 27)) * 0x94d049bb133111eb
	return a ^ (a >> 31)
}

func (bd *binned) binColumn(j int, col Column, x []float64, maxBins int, sample []int32) error {
	b := make([]uint8, len(x))
	bd.bins[j] = b
	if col.Kind == Categorical {
		other := len(col.Levels)
		if other+2 > 256 {
			return fmt.Errorf("%d levels, at most 254", other)
		}
		miss := uint8(other + 1)
		for r, v := range x {
			switch {
			case math.IsNaN(v):
				b[r] = miss
			case v >= 0 && v <= float64(other) && v == math.Trunc(v):
				b[r] = uint8(v)
			default:
				return fmt.Errorf("row %d: code %g outside 0..%d", r, v, other)
			}
		}
		bd.nbins[j] = other + 2
		return nil
	}
	var vals []float64
	if sample != nil {
		vals = make([]float64, 0, len(sample))
		for _, r := range sample {
			if v := x[r]; !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
	} else {
		vals = make([]float64, 0, len(x))
		for _, v := range x {
			if !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
	}
	slices.Sort(vals)
	cuts := numericCuts(vals, maxBins)
	bd.cuts[j] = cuts
	miss := uint8(len(cuts) + 1)
	for r, v := range x {
		if math.IsNaN(v) {
			b[r] = miss
			continue
		}
		b[r] = uint8(upperBound(cuts, v))
	}
	bd.nbins[j] = len(cuts) + 2
	return nil
}

// upperBound is the number of cuts <= v (cuts ascending), found by a
// binary search whose steps are conditional moves rather than branches a
// random v would mispredict (b2i's 0 or 1 masks the step).
func upperBound(cuts []float64, v float64) int {
	if len(cuts) == 0 {
		return 0
	}
	base, n := 0, len(cuts)
	for n > 1 {
		half := n / 2
		base += half & -int(b2i(cuts[base+half] <= v))
		n -= half
	}
	return base + int(b2i(cuts[base] <= v))
}

// numericCuts returns at most maxBins-1 ascending cuts of the sorted
// values v: between every two distinct values when there are at most
// maxBins of them, otherwise between the distinct values where the running
// count crosses each multiple of len(v)/maxBins (a value is never split
// across bins, so a frequent value may take several quantiles' room).
func numericCuts(v []float64, maxBins int) []float64 {
	var dv []float64
	var dc []int
	for i := 0; i < len(v); {
		k := i
		for k < len(v) && v[k] == v[i] {
			k++
		}
		dv = append(dv, v[i])
		dc = append(dc, k-i)
		i = k
	}
	var cuts []float64
	if len(dv) <= maxBins {
		for d := 0; d+1 < len(dv); d++ {
			cuts = append(cuts, between(dv[d], dv[d+1]))
		}
		return cuts
	}
	step := float64(len(v)) / float64(maxBins)
	cum, next := 0, 1.0
	for d := 0; d+1 < len(dv) && len(cuts) < maxBins-1; d++ {
		cum += dc[d]
		if float64(cum) >= next*step {
			cuts = append(cuts, between(dv[d], dv[d+1]))
			for float64(cum) >= next*step {
				next++
			}
		}
	}
	return cuts
}

// between returns a threshold t with a < t <= b: their midpoint when it
// is strictly above a and finite, else the number just above a (b when a
// is -Inf), never +Inf.
func between(a, b float64) float64 {
	t := a/2 + b/2
	if t <= a || t > b || math.IsInf(t, 0) {
		t = b
		if !math.IsInf(a, 0) {
			if n := math.Nextafter(a, b); !math.IsInf(n, 0) {
				t = n
			}
		}
	} else {
		t = shortest(a, b, t)
	}
	// A model document is JSON, which has no infinities: the cut below
	// +Inf when the largest finite number is a value (both fall in the
	// upper bin, the data binned by this very cut).
	return min(t, math.MaxFloat64)
}

// shortest is the number with the fewest significant decimal digits
// strictly between a and b, found by rounding the midpoint mid: a
// threshold a rule shows as 17.74 rather than 17.740000000000002 (and
// 3.5 between 3 and 4), which splits the data as the midpoint does
// (values up to a go left, from b right).
func shortest(a, b, mid float64) float64 {
	for digits := 1; digits <= 17; digits++ {
		v, err := strconv.ParseFloat(strconv.FormatFloat(mid, 'g', digits, 64), 64)
		if err == nil && v > a && v < b {
			return v
		}
	}
	return mid
}
