package kmeans

import (
	"context"
	"math"
	"math/rand/v2"
)

// weight returns row i's weight: w[i], or 1 when w is nil.
func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// initPlusPlus returns k centroids (k x d) chosen from the rows of x by the
// greedy k-means++ of scikit-learn (Arthur and Vassilvitskii's k-means++
// with 2+floor(ln k) candidates per step, keeping the one that lowers the
// potential the most), drawing from src. The distances to the candidates
// are computed over 1024-row shards in parallel and the potentials added in
// shard order.
func initPlusPlus(ctx context.Context, x []float64, n, d int, w []float64, k int, src *rand.PCG) ([]float64, error) {
	cent := make([]float64, k*d)
	first := pickWeighted(src, w, n)
	copy(cent[:d], x[first*d:first*d+d])
	if k == 1 {
		return cent, nil
	}
	trials := 2 + int(math.Log(float64(k)))
	nsh := (n + shardRows - 1) / shardRows
	procs := workers(nsh)
	closest := make([]float64, n) // squared distance to the nearest centroid so far
	shardPot := make([]float64, nsh*trials)
	bufs := make([][]float64, procs)
	for i := range bufs {
		bufs[i] = make([]float64, trials)
	}
	cand := make([]int, trials)
	draws := make([]float64, trials)
	candC := make([]float64, trials*d)
	candPot := make([]float64, trials)

	// closest[i] = min(closest[i], distance to c), or = when init is set.
	update := func(c []float64, init bool) {
		parallel(procs, nsh, func(_, s int) {
			lo, hi := s*shardRows, min(n, (s+1)*shardRows)
			var d4 [4]float64
			for i := lo; i < hi; i += 4 {
				m := min(4, hi-i)
				sqdistRows(x[i*d:(i+m)*d], m, c, d4[:m])
				for r, d2 := range d4[:m] {
					if init || d2 < closest[i+r] {
						closest[i+r] = d2
					}
				}
			}
			sp := 0.0
			for i := lo; i < hi; i++ {
				sp += weight(w, i) * closest[i]
			}
			shardPot[s*trials] = sp
		})
	}
	update(cent[:d], true)
	pot := 0.0
	for s := 0; s < nsh; s++ {
		pot += shardPot[s*trials]
	}

	for c := 1; c < k; c++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for t := range draws {
			draws[t] = uniform(src) * pot
		}
		pickPotential(closest, w, draws, cand)
		for t, i := range cand {
			if i < 0 { // every row sits on a centroid: draw by weight
				i = pickWeighted(src, w, n)
				cand[t] = i
			}
			copy(candC[t*d:t*d+d], x[i*d:i*d+d])
		}
		parallel(procs, nsh, func(wk, s int) {
			buf := bufs[wk]
			sp := shardPot[s*trials : s*trials+trials]
			clear(sp)
			lo, hi := s*shardRows, min(n, (s+1)*shardRows)
			for i := lo; i < hi; i++ {
				sqdists(x[i*d:i*d+d], candC, trials, buf)
				wi, ci := weight(w, i), closest[i]
				for t, d2 := range buf {
					sp[t] += wi * min(ci, d2)
				}
			}
		})
		best := 0
		for t := range candPot {
			candPot[t] = 0
			for s := 0; s < nsh; s++ {
				candPot[t] += shardPot[s*trials+t]
			}
			if candPot[t] < candPot[best] {
				best = t
			}
		}
		copy(cent[c*d:c*d+d], candC[best*d:best*d+d])
		update(cent[c*d:c*d+d], false)
		pot = 0
		for s := 0; s < nsh; s++ {
			pot += shardPot[s*trials]
		}
	}
	return cent, nil
}

// pickWeighted returns a row drawn with probability proportional to its
// weight (uniformly when w is nil).
func pickWeighted(src *rand.PCG, w []float64, n int) int {
	if w == nil {
		return below(src, n)
	}
	total := 0.0
	for _, v := range w[:n] {
		total += v
	}
	r := uniform(src) * total
	acc, last := 0.0, -1
	for i, v := range w[:n] {
		if v > 0 {
			acc += v
			last = i
			if acc > r {
				return i
			}
		}
	}
	return last // rounding: r was at the very end
}

// pickPotential sets cand[t] to the first row at which the running sum of
// w_i*closest[i] exceeds r[t], to the last row with a positive term when
// rounding leaves r[t] beyond the end, or to -1 when every term is 0. The
// running sum is the same for every t, so one pass serves all of them.
func pickPotential(closest, w []float64, r []float64, cand []int) {
	for t := range cand {
		cand[t] = -1
	}
	left := len(r)
	acc, last := 0.0, -1
	for i, c := range closest {
		if v := weight(w, i) * c; v > 0 {
			acc += v
			last = i
			for t, rt := range r {
				if cand[t] < 0 && acc > rt {
					cand[t] = i
					left--
				}
			}
			if left == 0 {
				return
			}
		}
	}
	for t := range cand {
		if cand[t] < 0 {
			cand[t] = last
		}
	}
}

// initRandom returns k distinct rows of x (k x d), drawn without replacement
// with probability proportional to their weight: the k rows with the
// largest keys log(u_i)/w_i, u_i uniform in (0, 1] (Efraimidis and
// Spirakis), in order of their keys. Rows of weight 0 are never drawn; the
// caller makes sure at least k rows have a positive weight.
func initRandom(x []float64, n, d int, w []float64, k int, src *rand.PCG) []float64 {
	type keyed struct {
		key float64
		row int
	}
	top := make([]keyed, 0, k) // descending keys
	for i := 0; i < n; i++ {
		u := 1 - uniform(src)
		wi := weight(w, i)
		if !(wi > 0) {
			continue
		}
		key := math.Log(u) / wi
		if len(top) == k && !(key > top[k-1].key) {
			continue
		}
		if len(top) < k {
			top = append(top, keyed{})
		}
		j := len(top) - 1
		for ; j > 0 && key > top[j-1].key; j-- {
			top[j] = top[j-1]
		}
		top[j] = keyed{key, i}
	}
	cent := make([]float64, k*d)
	for c, t := range top {
		copy(cent[c*d:c*d+d], x[t.row*d:t.row*d+d])
	}
	return cent
}
