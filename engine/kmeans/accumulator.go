package kmeans

import (
	"context"
	"fmt"
)

// An Accumulator runs Lloyd iterations over data that arrives in batches,
// for example streamed from a query that does not fit in memory. One pass
// over the data is one iteration: Add assigns every row of a batch to its
// nearest current centroid and adds it to that cluster's weighted sums; Next
// ends the pass, turns the sums into the new centroids and starts the next
// pass from them.
//
//	acc := kmeans.NewAccumulator(init, k, d)
//	for {
//		for each batch { acc.Add(x, n, w) }
//		_, shift, _ := acc.Next()
//		if shift <= tol { break }
//	}
//
// Rows are cut into 1024-row shards numbered from the first row of the pass,
// whatever the batch boundaries; the shards of a batch are processed in
// parallel (up to GOMAXPROCS goroutines) and their sums added in shard order,
// and a shard split across batches is continued where it stopped. The
// centroids therefore do not depend on GOMAXPROCS or on how the rows are cut
// into batches: Fit on one slice and an Accumulator fed the same rows in
// batches of any size agree bit for bit.
//
// An Accumulator is not safe for concurrent use.
type Accumulator struct {
	k, d   int
	cent   []float64 // centroids the current pass assigns to
	rows   int64     // rows added in the current pass
	total  partial   // shards of the current pass folded so far, in order
	open   *partial  // the shard being filled, continued by the next Add
	spare  *partial  // becomes open when a batch ends inside a new shard
	slots  []*partial
	tasks  []task
	counts []int64 // rows per cluster in the last completed pass
}

// partial holds the sums of one shard (or, as Accumulator.total, of all the
// shards folded so far).
type partial struct {
	sums    []float64 // k x d: sum of w_i*x_i over the cluster's rows
	wsum    []float64 // k: sum of w_i
	counts  []int64   // k: rows
	inertia float64   // sum of w_i*||x_i - c||^2
	rows    int       // rows of the shard seen so far
	far     farList   // the rows farthest from their centroids
	buf     []float64 // k distances (scratch)
}

// task is a run of rows of one batch that belongs to one shard.
type task struct {
	p      *partial // where the rows go; nil: a wave slot
	lo, hi int      // rows of the batch
	fresh  bool     // p starts a new shard
}

// NewAccumulator returns an accumulator whose first pass assigns rows to
// the k x d row-major centroids (copied).
func NewAccumulator(centroids []float64, k, d int) *Accumulator {
	if k < 1 || d < 1 {
		panic(fmt.Sprintf("kmeans: NewAccumulator: k and d must be >= 1, got %d and %d", k, d))
	}
	a := &Accumulator{k: k, d: d, cent: make([]float64, k*d), counts: make([]int64, k)}
	a.total = *a.newPartial()
	a.open, a.spare = a.newPartial(), a.newPartial()
	a.Reset(centroids)
	return a
}

func (a *Accumulator) newPartial() *partial {
	p := &partial{
		sums:   make([]float64, a.k*a.d),
		wsum:   make([]float64, a.k),
		counts: make([]int64, a.k),
		buf:    make([]float64, a.k),
	}
	p.far.init(a.k, a.d)
	return p
}

func (p *partial) reset() {
	clear(p.sums)
	clear(p.wsum)
	clear(p.counts)
	p.inertia = 0
	p.rows = 0
	p.far.n = 0
}

// Reset drops the current pass and starts a new one from the k x d
// centroids.
func (a *Accumulator) Reset(centroids []float64) {
	if len(centroids) != a.k*a.d {
		panic(fmt.Sprintf("kmeans: %d centroid values for k=%d, d=%d", len(centroids), a.k, a.d))
	}
	copy(a.cent, centroids)
	a.rows = 0
	a.total.reset()
	a.open.reset()
	a.spare.reset()
}

// Centroids returns a copy of the centroids the current pass assigns to.
func (a *Accumulator) Centroids() []float64 {
	return append([]float64(nil), a.cent...)
}

// Counts returns a copy of the number of rows assigned to each cluster in
// the last pass that Next ended (before any re-seeding of empty clusters).
func (a *Accumulator) Counts() []int64 {
	return append([]int64(nil), a.counts...)
}

// Add assigns the n rows of x (row-major, n x d) to the current centroids
// and adds them to the pass's sums, with optional row weights w (nil means
// 1; weights must be finite and >= 0). A row whose distances are all NaN (a
// NaN in the row) is skipped; callers that must not lose rows check for
// non-finite values first, as Fit does.
func (a *Accumulator) Add(x []float64, n int, w []float64) {
	_ = a.add(context.Background(), x, n, w)
}

// add is Add, checking ctx (when not nil) between waves of shards. After
// an error the pass is incomplete and must be Reset.
func (a *Accumulator) add(ctx context.Context, x []float64, n int, w []float64) error {
	d := a.d
	if n < 0 || len(x) < n*d {
		panic(fmt.Sprintf("kmeans: Add: %d values for %d rows of %d columns", len(x), n, d))
	}
	if w != nil && len(w) < n {
		panic(fmt.Sprintf("kmeans: Add: %d weights for %d rows", len(w), n))
	}
	// Cut the batch into tasks in shard order: the rest of the open shard,
	// whole shards, then the start of a new shard that stays open.
	tasks := a.tasks[:0]
	pos := 0
	if a.open.rows > 0 {
		pos = min(shardRows-a.open.rows, n)
		tasks = append(tasks, task{p: a.open, lo: 0, hi: pos})
	}
	for ; pos+shardRows <= n; pos += shardRows {
		tasks = append(tasks, task{lo: pos, hi: pos + shardRows, fresh: true})
	}
	if pos < n {
		tasks = append(tasks, task{p: a.spare, lo: pos, hi: n, fresh: true})
	}
	a.tasks = tasks

	// Shards go in waves of parallel work, each wave's sums then added in
	// order: up to 64 shards per goroutine when the per-shard sums are small
	// (few waves, few pauses at their ends), fewer when they are large,
	// keeping the slots' memory near 8 MB.
	procs := workers(len(tasks))
	perSlot := 2*a.k*a.d + 4*a.k
	wave := min(len(tasks), max(4*procs, min(64*procs, (1<<20)/perSlot)))
	for len(a.slots) < wave {
		a.slots = append(a.slots, a.newPartial())
	}
	for first := 0; first < len(tasks); first += wave {
		if ctx != nil {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		cnt := min(wave, len(tasks)-first)
		parallel(procs, cnt, func(_, j int) {
			t := &tasks[first+j]
			p := t.p
			if p == nil {
				p = a.slots[j]
			}
			if t.fresh {
				p.reset()
			}
			a.accumulate(p, x, w, t.lo, t.hi, a.rows+int64(t.lo))
		})
		for j := 0; j < cnt; j++ { // fold in shard order
			t := &tasks[first+j]
			switch {
			case t.p == nil:
				a.total.fold(a.slots[j])
			case t.p == a.open && a.open.rows == shardRows:
				a.total.fold(a.open)
				a.open.reset()
			}
		}
	}
	if len(tasks) > 0 && tasks[len(tasks)-1].p == a.spare {
		// The batch ended inside a new shard; the open one is empty now.
		a.open, a.spare = a.spare, a.open
	}
	a.rows += int64(n)
	return nil
}

// accumulate adds rows [lo, hi) of x to p; row lo is row row0 of the pass.
func (a *Accumulator) accumulate(p *partial, x, w []float64, lo, hi int, row0 int64) {
	k, d := a.k, a.d
	cent := a.cent
	sums, wsum, counts := p.sums, p.wsum, p.counts
	inertia := p.inertia
	thresh := p.far.threshold()
	for i := lo; i < hi; i++ {
		xi := x[i*d : i*d+d]
		c, d2 := nearest(xi, cent, k, p.buf)
		if c < 0 {
			continue
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		s := sums[c*d : c*d+d]
		for j, v := range xi {
			s[j] += wi * v
		}
		wsum[c] += wi
		counts[c]++
		inertia += wi * d2
		if d2 > thresh && wi > 0 {
			p.far.insert(d2, row0+int64(i-lo), int32(c), wi, xi)
			thresh = p.far.threshold()
		}
	}
	p.inertia = inertia
	p.rows += hi - lo
}

// fold adds the sums of q to p.
func (p *partial) fold(q *partial) {
	for i, v := range q.sums {
		p.sums[i] += v
	}
	for i, v := range q.wsum {
		p.wsum[i] += v
		p.counts[i] += q.counts[i]
	}
	p.inertia += q.inertia
	for i := 0; i < q.far.n; i++ {
		f := &q.far.pts[i]
		p.far.insert(f.dist, f.row, f.label, f.w, f.x)
	}
}

// Next ends the pass and starts the next one from the new centroids, which
// it returns (a new slice, k x d) with the shift (the sum over clusters of
// the squared distance each centroid moved) and the pass's inertia (the
// weighted sum of squared distances of the rows to the centroids they were
// assigned to, the ones before the update).
//
// A cluster's new centroid is the weighted mean of its rows. A cluster that
// got no weight is re-seeded with the row farthest from its own centroid, as
// the package documentation describes; one for which no row qualifies keeps
// its centroid.
func (a *Accumulator) Next() (centroids []float64, shift, inertia float64) {
	if a.open.rows > 0 {
		a.total.fold(a.open)
		a.open.reset()
	}
	t := &a.total
	k, d := a.k, a.d
	copy(a.counts, t.counts)
	next := make([]float64, k*d)
	copy(next, a.cent)

	// Re-seed the clusters without weight with the farthest rows.
	moved := make([]bool, k)
	f := 0
	for c := 0; c < k; c++ {
		if t.wsum[c] > 0 {
			continue
		}
		for ; f < t.far.n; f++ {
			p := &t.far.pts[f]
			old := int(p.label)
			if t.counts[old] < 2 || !(t.wsum[old]-p.w > 0) {
				continue // moving the row would empty its cluster
			}
			so := t.sums[old*d : old*d+d]
			for j, v := range p.x {
				so[j] -= p.w * v
			}
			t.wsum[old] -= p.w
			t.counts[old]--
			copy(next[c*d:c*d+d], p.x) // exactly the row
			moved[c] = true
			f++
			break
		}
	}
	for c := 0; c < k; c++ {
		ws := t.wsum[c]
		if moved[c] || !(ws > 0) {
			continue
		}
		nc, s := next[c*d:c*d+d], t.sums[c*d:c*d+d]
		for j := range nc {
			nc[j] = s[j] / ws
		}
	}
	for i, v := range next {
		m := v - a.cent[i]
		shift += m * m
	}
	inertia = t.inertia
	copy(a.cent, next)
	a.rows = 0
	t.reset()
	return next, shift, inertia
}
