package kmeans

// farList keeps the rows farthest from their centroids seen so far, up to
// its capacity (k: no more clusters than that can be empty), the candidates
// for re-seeding empty clusters. Rows are ordered by distance, descending,
// then by row number, so the list is the same whatever order the rows or
// shard lists are inserted in.
type farList struct {
	pts []farPoint // len = capacity; the first n are in use, in order
	n   int
}

type farPoint struct {
	dist  float64   // squared distance to its centroid
	row   int64     // row number within the pass
	label int32     // its cluster
	w     float64   // its weight
	x     []float64 // its values (owned)
}

func (f *farList) init(capacity, d int) {
	f.pts = make([]farPoint, capacity)
	for i := range f.pts {
		f.pts[i].x = make([]float64, d)
	}
}

// threshold returns the distance a row must exceed to enter the list:
// 0 (rows on their centroid never qualify) until the list is full, then the
// last distance kept.
func (f *farList) threshold() float64 {
	if f.n < len(f.pts) {
		return 0
	}
	return f.pts[f.n-1].dist
}

// before reports whether p goes before q: farther, or as far and earlier.
func (p *farPoint) before(q *farPoint) bool {
	return p.dist > q.dist || p.dist == q.dist && p.row < q.row
}

// insert adds a row if it is among the farthest; x is copied.
func (f *farList) insert(dist float64, row int64, label int32, w float64, x []float64) {
	if len(f.pts) == 0 || !(dist > 0) {
		return
	}
	p := farPoint{dist: dist, row: row}
	i := f.n
	if f.n == len(f.pts) {
		if !p.before(&f.pts[f.n-1]) {
			return
		}
		i = f.n - 1 // replaces the last
	} else {
		f.n++
	}
	e := &f.pts[i]
	e.dist, e.row, e.label, e.w = dist, row, label, w
	copy(e.x, x)
	for ; i > 0 && f.pts[i].before(&f.pts[i-1]); i-- {
		f.pts[i], f.pts[i-1] = f.pts[i-1], f.pts[i]
	}
}
