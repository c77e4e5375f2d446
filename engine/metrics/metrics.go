package metrics

import (
	"fmt"
	"math"
)

// LogLossEps is the clipping bound of LogLoss: probabilities are clipped to
// [LogLossEps, 1-LogLossEps] so a confident mistake costs about 34.5, not +Inf.
// It is scikit-learn's historical value.
const LogLossEps = 1e-15

func checkLen(fn string, a, b int) {
	if a != b {
		panic(fmt.Sprintf("metrics: %s: length mismatch: %d predictions, %d labels", fn, a, b))
	}
}

// AUC returns the area under the ROC curve of score against the binary labels
// y: the probability that a randomly drawn positive row scores higher than a
// randomly drawn negative one, ties counting one half (the trapezoid rule, the
// same as the average-rank Mann-Whitney statistic). A row is positive when
// y > 0, so both 0/1 and -1/+1 labels work.
//
// w holds optional non-negative row weights; nil means every row weighs 1.
// AUC is NaN when the positive or the negative weight is zero (only one class
// present). NaN scores sort below every other score; -0 equals +0.
//
// AUC sorts copies of the scores (a stable radix sort, so rows with equal
// scores keep their input order and every sum is taken in one well-defined
// order): O(n) time and memory.
func AUC(score []float64, y []float64, w []float64) float64 {
	checkLen("AUC", len(score), len(y))
	if w != nil {
		checkLen("AUC", len(w), len(y))
	}
	nPos := 0
	for _, v := range y {
		if v > 0 {
			nPos++
		}
	}
	nNeg := len(y) - nPos
	if nPos == 0 || nNeg == 0 {
		return math.NaN()
	}
	// Sortable keys, positives and negatives apart; weights ride along.
	keys := make([]uint64, 2*len(y))
	pk, nk := keys[:0:nPos], keys[nPos:nPos:len(y)]
	var pw, nw, wbuf []float64
	if w != nil {
		wbuf = make([]float64, 2*len(y))
		pw, nw = wbuf[:0:nPos], wbuf[nPos:nPos:len(y)]
	}
	for i, s := range score {
		if y[i] > 0 {
			pk = append(pk, sortKey(s))
			if w != nil {
				pw = append(pw, w[i])
			}
		} else {
			nk = append(nk, sortKey(s))
			if w != nil {
				nw = append(nw, w[i])
			}
		}
	}
	tmpK := keys[len(y):]
	var tmpW []float64
	if w != nil {
		tmpW = wbuf[len(y):]
	}
	radixSort(pk, pw, tmpK, tmpW)
	radixSort(nk, nw, tmpK, tmpW)

	// Walk the distinct scores upwards. Every positive of a tie group beats
	// the negatives of all lower groups and ties with those of its own.
	var area, negBelow, totPos float64
	i, j := 0, 0
	for i < len(pk) || j < len(nk) {
		var k uint64
		switch {
		case i == len(pk):
			k = nk[j]
		case j == len(nk):
			k = pk[i]
		default:
			k = min(pk[i], nk[j])
		}
		var gPos, gNeg float64
		for ; i < len(pk) && pk[i] == k; i++ {
			if w != nil {
				gPos += pw[i]
			} else {
				gPos++
			}
		}
		for ; j < len(nk) && nk[j] == k; j++ {
			if w != nil {
				gNeg += nw[j]
			} else {
				gNeg++
			}
		}
		area += gPos * (negBelow + 0.5*gNeg)
		negBelow += gNeg
		totPos += gPos
	}
	if totPos <= 0 || negBelow <= 0 {
		return math.NaN()
	}
	return area / (totPos * negBelow)
}

// sortKey maps a float64 to a uint64 whose unsigned order is the numeric
// order, with every NaN at 0 (lowest) and -0 merged with +0.
func sortKey(s float64) uint64 {
	if s != s {
		return 0
	}
	if s == 0 {
		s = 0 // -0 -> +0
	}
	b := math.Float64bits(s)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// radixSort sorts keys ascending, moving vals (nil or as long as keys) along,
// with a stable least-significant-digit radix sort of 11-bit digits. tmpK and
// tmpV are scratch at least as long as keys (tmpV only when vals != nil).
// Digits on which all keys agree are skipped.
func radixSort(keys []uint64, vals []float64, tmpK []uint64, tmpV []float64) {
	const bits, buckets = 11, 1 << 11
	const passes = (64 + bits - 1) / bits
	n := len(keys)
	if n < 2 {
		return
	}
	var counts [passes][buckets]int
	for _, k := range keys {
		for p := 0; p < passes; p++ {
			counts[p][(k>>(p*bits))&(buckets-1)]++
		}
	}
	src, dst := keys, tmpK[:n]
	srcV, dstV := vals, tmpV
	if vals != nil {
		dstV = tmpV[:n]
	}
	for p := 0; p < passes; p++ {
		c := &counts[p]
		if c[(keys[0]>>(p*bits))&(buckets-1)] == n {
			continue // every key has the same digit here
		}
		sum := 0
		for b := range c {
			c[b], sum = sum, sum+c[b]
		}
		shift := uint(p * bits)
		if vals == nil {
			for _, k := range src {
				d := (k >> shift) & (buckets - 1)
				dst[c[d]] = k
				c[d]++
			}
		} else {
			for i, k := range src {
				d := (k >> shift) & (buckets - 1)
				dst[c[d]] = k
				dstV[c[d]] = srcV[i]
				c[d]++
			}
			srcV, dstV = dstV, srcV
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
		if vals != nil {
			copy(vals, srcV)
		}
	}
}

// Accuracy returns the fraction of rows whose predicted class equals the
// label, NaN for no rows.
func Accuracy(pred []int, y []int) float64 {
	checkLen("Accuracy", len(pred), len(y))
	if len(y) == 0 {
		return math.NaN()
	}
	hits := 0
	for i, p := range pred {
		if p == y[i] {
			hits++
		}
	}
	return float64(hits) / float64(len(y))
}

// RMSE returns the root mean squared error sqrt(mean((pred-y)^2)), NaN for no
// rows.
func RMSE(pred, y []float64) float64 {
	checkLen("RMSE", len(pred), len(y))
	if len(y) == 0 {
		return math.NaN()
	}
	ss := 0.0
	for i, p := range pred {
		d := p - y[i]
		ss += d * d
	}
	return math.Sqrt(ss / float64(len(y)))
}

// LogLoss returns the mean binary cross-entropy
// -mean(y*log(p) + (1-y)*log(1-p)) of the predicted probabilities p of class
// 1 against labels y in {0, 1} (soft labels in [0, 1] work too). p is clipped
// to [LogLossEps, 1-LogLossEps]. NaN for no rows.
func LogLoss(p, y []float64) float64 {
	checkLen("LogLoss", len(p), len(y))
	if len(y) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for i, pi := range p {
		pi = min(max(pi, LogLossEps), 1-LogLossEps)
		yi := y[i]
		switch yi {
		case 1:
			sum -= math.Log(pi)
		case 0:
			sum -= math.Log(1 - pi)
		default:
			sum -= yi*math.Log(pi) + (1-yi)*math.Log(1-pi)
		}
	}
	return sum / float64(len(y))
}
