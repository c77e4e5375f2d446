package kmeans

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// The loops in this file are the fast path: plain Go over flat row-major
// slices. Every squared distance is one running sum over the columns in
// order, so its bits do not depend on which kernel or which position in a
// block computed it; the speed comes from computing four distances at once
// (four independent sums, each column of x loaded once).

// sqdist returns the squared Euclidean distance between a and b, summed over
// the columns in order; b must be at least as long as a.
func sqdist(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for i, v := range a {
		t := v - b[i]
		s += t * t
	}
	return s
}

// sqdists writes to out[j] the squared distance from x to row j of the k x
// len(x) matrix c, for j < k.
func sqdists(x, c []float64, k int, out []float64) {
	d := len(x)
	out = out[:k]
	j := 0
	for ; j+4 <= k; j += 4 {
		o := j * d
		c0 := c[o : o+d]
		c1 := c[o+d : o+2*d][:d]
		c2 := c[o+2*d : o+3*d][:d]
		c3 := c[o+3*d : o+4*d][:d]
		var s0, s1, s2, s3 float64
		for i, v := range x {
			t0 := v - c0[i]
			t1 := v - c1[i]
			t2 := v - c2[i]
			t3 := v - c3[i]
			s0 += t0 * t0
			s1 += t1 * t1
			s2 += t2 * t2
			s3 += t3 * t3
		}
		oo := out[j : j+4 : j+4]
		oo[0], oo[1], oo[2], oo[3] = s0, s1, s2, s3
	}
	if j+2 <= k {
		o := j * d
		c0 := c[o : o+d]
		c1 := c[o+d : o+2*d][:d]
		var s0, s1 float64
		for i, v := range x {
			t0 := v - c0[i]
			t1 := v - c1[i]
			s0 += t0 * t0
			s1 += t1 * t1
		}
		out[j], out[j+1] = s0, s1
		j += 2
	}
	if j < k {
		out[j] = sqdist(x, c[j*d:j*d+d])
	}
}

// sqdistRows writes to out[r] the squared distance from row r of the m x
// len(c) matrix x to c, for m <= 4 rows (four rows at a time give four
// independent sums).
func sqdistRows(x []float64, m int, c []float64, out []float64) {
	d := len(c)
	if m < 4 {
		for r := range m {
			out[r] = sqdist(x[r*d:r*d+d], c)
		}
		return
	}
	x0 := x[:d]
	x1 := x[d : 2*d][:d]
	x2 := x[2*d : 3*d][:d]
	x3 := x[3*d : 4*d][:d]
	var s0, s1, s2, s3 float64
	for i, v := range c {
		t0 := x0[i] - v
		t1 := x1[i] - v
		t2 := x2[i] - v
		t3 := x3[i] - v
		s0 += t0 * t0
		s1 += t1 * t1
		s2 += t2 * t2
		s3 += t3 * t3
	}
	out = out[:4]
	out[0], out[1], out[2], out[3] = s0, s1, s2, s3
}

// nearest returns the index of the row of the k x len(x) matrix c nearest to
// x (ties: the lower index) and the squared distance to it, using buf (at
// least k long) as scratch. It returns -1 and +Inf when no distance is a
// number below +Inf (a NaN in x, or an overflow).
func nearest(x, c []float64, k int, buf []float64) (int, float64) {
	buf = buf[:k]
	sqdists(x, c, k, buf)
	best, bi := math.Inf(1), -1
	for j, s := range buf {
		if s < best {
			best, bi = s, j
		}
	}
	return bi, best
}

// shardRows is the number of rows of a shard: the unit of parallel work
// whose partial sums are added in a fixed order.
const shardRows = 1024

// workers returns the number of goroutines to use for n independent tasks.
func workers(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n))
}

// parallel calls f(worker, i) for every i in [0, n) on procs goroutines (the
// caller's and procs-1 more), each task once; worker in [0, procs) tells a
// task which goroutine's scratch it may use. Tasks must write only to memory
// of their own (per task or per worker), so the result does not depend on
// which goroutine ran which task.
func parallel(procs, n int, f func(worker, i int)) {
	procs = min(procs, n)
	if procs <= 1 {
		for i := 0; i < n; i++ {
			f(0, i)
		}
		return
	}
	var next atomic.Int64
	run := func(worker int) {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			f(worker, i)
		}
	}
	var wg sync.WaitGroup
	for wk := 1; wk < procs; wk++ {
		wg.Go(func() { run(wk) })
	}
	run(0)
	wg.Wait()
}

// Random streams. Run r of Fit draws from the PCG stream (Seed, r); the
// streams below are reserved for other uses of the same seed.
const sampleStream = 0x53414d504c45 // "SAMPLE": SampleRows

// newRand returns the PCG source of stream (seed, stream).
func newRand(seed int64, stream uint64) *rand.PCG {
	return rand.NewPCG(uint64(seed), stream)
}

// uniform returns a number in [0, 1) from the top 53 bits of the next
// output of src: a fixed recipe, so draws do not change with the Go release.
func uniform(src *rand.PCG) float64 {
	return float64(src.Uint64()>>11) * 0x1p-53
}

// below returns an integer in [0, n) from the next output of src (n < 2^53).
func below(src *rand.PCG, n int) int {
	return min(int(uniform(src)*float64(n)), n-1)
}
