package features

import (
	"cmp"
	"math"
	"slices"
)

// LeakageThreshold is the label association above which profile flags a
// column as a likely leak of the label.
const LeakageThreshold = 0.98

// HalfStats is the label statistics of the rows of one level of a column
// in one half of the rows: N rows, Sum the sum of their labels (for a
// binary label coded 0/1, the number of positive rows).
type HalfStats struct {
	N   int64
	Sum float64
}

// CrossFittedAUC is the AUC of a categorical column for a binary label,
// cross-fitted on two halves of the rows: each level is scored in one half
// by its label rate (positives / rows) in the other half, a level absent
// from the other half by that half's overall rate, and the AUC is taken
// over every row with its out-of-half score (ties count one half). levels
// holds, for each level (the NULL level and an 'other' level among them,
// as the caller keeps them), its statistics in half 0 and half 1, Sum
// counting the positive rows.
//
// A level seen in one half only is not rewarded: its rows get the other
// half's overall rate, so a column unique on every row scores about 0.5.
// The result is NaN when there are no positive or no negative rows.
func CrossFittedAUC(levels [][2]HalfStats) float64 {
	type scored struct {
		score    float64
		pos, neg float64
		order    int
	}
	prior := priors(levels)
	g := make([]scored, 0, 2*len(levels))
	var P, N float64
	for k, l := range levels {
		for h := 0; h < 2; h++ {
			s := l[h]
			if s.N == 0 {
				continue
			}
			pos := s.Sum
			neg := float64(s.N) - pos
			P += pos
			N += neg
			g = append(g, scored{score: outOfHalf(l[1-h], prior[1-h]), pos: pos, neg: neg, order: 2*k + h})
		}
	}
	if P == 0 || N == 0 {
		return math.NaN()
	}
	slices.SortFunc(g, func(a, b scored) int {
		if c := cmp.Compare(a.score, b.score); c != 0 {
			return c
		}
		return cmp.Compare(a.order, b.order)
	})
	var u, negBelow float64
	for i := 0; i < len(g); {
		j := i
		var p, q float64
		for ; j < len(g) && g[j].score == g[i].score; j++ {
			p += g[j].pos
			q += g[j].neg
		}
		u += p*negBelow + 0.5*p*q
		negBelow += q
		i = j
	}
	return u / (P * N)
}

// CrossFittedPearson is |Pearson r| between a numeric label and a
// categorical column scored as CrossFittedAUC scores it (each level by its
// mean label in the other half, a level absent there by that half's
// overall mean). levels are as for CrossFittedAUC, Sum the sum of the
// labels. yMean and yM2 are the mean of the labels of all the rows and
// their sum of squared deviations. It is 0 when every row gets the same
// score, NaN without rows or when the label does not vary.
func CrossFittedPearson(levels [][2]HalfStats, yMean, yM2 float64) float64 {
	prior := priors(levels)
	var n, sumS float64
	for _, l := range levels {
		for h := 0; h < 2; h++ {
			if l[h].N > 0 {
				n += float64(l[h].N)
				sumS += float64(l[h].N) * outOfHalf(l[1-h], prior[1-h])
			}
		}
	}
	if n == 0 || !(yM2 > 0) {
		return math.NaN()
	}
	meanS := sumS / n
	var cov, m2s float64
	for _, l := range levels {
		for h := 0; h < 2; h++ {
			if s := l[h]; s.N > 0 {
				d := outOfHalf(l[1-h], prior[1-h]) - meanS
				cov += d * (s.Sum - float64(s.N)*yMean)
				m2s += float64(s.N) * d * d
			}
		}
	}
	if m2s == 0 {
		return 0
	}
	return math.Min(1, math.Abs(cov)/math.Sqrt(m2s*yM2))
}

// priors is each half's overall mean label (NaN for an empty half).
func priors(levels [][2]HalfStats) [2]float64 {
	var n [2]int64
	var s [2]float64
	for _, l := range levels {
		for h := 0; h < 2; h++ {
			n[h] += l[h].N
			s[h] += l[h].Sum
		}
	}
	return [2]float64{s[0] / float64(n[0]), s[1] / float64(n[1])}
}

// outOfHalf is the score a level gets from the other half's statistics o:
// its mean label there, or that half's prior without rows.
func outOfHalf(o HalfStats, prior float64) float64 {
	if o.N == 0 {
		return prior
	}
	return o.Sum / float64(o.N)
}

// NumericAUC is the association of a numeric column with a binary label:
// the AUC of the value as a score (ties count one half), reported as
// max(AUC, 1-AUC) so that either direction counts. vals holds the values,
// NaN for NULL; pos says which rows are positive. The NULL rows are placed
// below every value or above every value, whichever gives the larger
// association (a column NULL for exactly one class is then a perfect
// predictor, as it is). NaN without positive or negative rows.
func NumericAUC(vals []float64, pos []bool) float64 {
	type pair struct {
		v   float64
		pos bool
	}
	ps := make([]pair, 0, len(vals))
	var nullPos, nullNeg, P, N float64
	for i, v := range vals {
		if pos[i] {
			P++
		} else {
			N++
		}
		if math.IsNaN(v) {
			if pos[i] {
				nullPos++
			} else {
				nullNeg++
			}
			continue
		}
		ps = append(ps, pair{v, pos[i]})
	}
	if P == 0 || N == 0 {
		return math.NaN()
	}
	slices.SortFunc(ps, func(a, b pair) int { return cmp.Compare(a.v, b.v) })
	var u, negBelow float64
	for i := 0; i < len(ps); {
		j := i
		var p, q float64
		for ; j < len(ps) && ps[j].v == ps[i].v; j++ {
			if ps[j].pos {
				p++
			} else {
				q++
			}
		}
		u += p*negBelow + 0.5*p*q
		negBelow += q
		i = j
	}
	posVal, negVal := P-nullPos, N-nullNeg
	ties := 0.5 * nullPos * nullNeg
	low := (u + posVal*nullNeg + ties) / (P * N)  // NULL below every value
	high := (u + nullPos*negVal + ties) / (P * N) // NULL above every value
	return math.Max(math.Max(low, 1-low), math.Max(high, 1-high))
}
