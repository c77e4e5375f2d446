package trees

import (
	"context"
	"runtime"
)

// gpair is a row's gradient and hessian, the row weight applied.
type gpair struct{ g, h float64 }

// hbin is one histogram bin: the sums of gradient and hessian and the
// number of rows.
type hbin struct{ g, h, n float64 }

// minLossChange is the least loss change (XGBoost's kRtEps, on the sum
// G_L^2/(H_L+lambda) + G_R^2/(H_R+lambda) - G^2/(H+lambda)) a split needs,
// so that rounding noise never splits a node.
const minLossChange = 1e-6

// partChunk is the number of rows of a partition task.
const partChunk = 1 << 15

// candidate is the best split of a node on one column.
type candidate struct {
	ok          bool
	gain        float64 // loss reduction: half the loss change
	feature     int
	bin         int     // numeric: the last bin that goes left
	cats        []int32 // categorical: the codes that go left, sorted
	defaultLeft bool
	gl, hl, nl  float64 // the left child's sums
}

// better tells whether c beats d: a larger gain, then the earlier column.
func (c *candidate) better(d *candidate) bool {
	if !c.ok {
		return false
	}
	return !d.ok || c.gain > d.gain
}

// node is a node of the tree being grown: its rows are
// grower.rows[start:end].
type node struct {
	id         int32
	start, end int
	g, h, n    float64
	depth      int
	// hist holds 256 bins per column (column j's at j*256), filled for
	// the columns the tree may split on.
	hist []hbin
	// all tells that the node's rows are every row, in order (the root
	// of a tree without row sampling).
	all bool
}

// leafRange is a grown leaf: its rows and value.
type leafRange struct {
	start, end int
	value      float64
	id         int32 // the leaf's node
}

// grower grows one tree at a time over a binned matrix.
type grower struct {
	cfg  *Config
	bd   *binned
	cols []Column
	// rows holds the rows of the tree being grown, each node's a
	// contiguous range, ascending within it; tmp is partition room.
	rows, tmp []int32
	// gp holds the gradient pairs gathered in rows' order for the
	// nodes whose histograms are built.
	gp   []gpair
	pool [][]hbin
}

func newGrower(cfg *Config, bd *binned, cols []Column, n int) *grower {
	return &grower{cfg: cfg, bd: bd, cols: cols, rows: make([]int32, n), tmp: make([]int32, n), gp: make([]gpair, n)}
}

func (g *grower) getHist() []hbin {
	if k := len(g.pool); k > 0 {
		h := g.pool[k-1]
		g.pool = g.pool[:k-1]
		return h
	}
	return make([]hbin, 256*len(g.bd.bins))
}

func (g *grower) putHist(h []hbin) {
	if h != nil {
		g.pool = append(g.pool, h)
	}
}

// leafValue is the shrunk Newton step -G/(H+lambda) * learning rate.
func (g *grower) leafValue(sg, sh float64) float64 {
	return -sg / (sh + g.cfg.L2) * g.cfg.LearningRate
}

// splittable tells whether a node at depth with these sums may still
// split.
func (g *grower) splittable(depth int, h, n float64) bool {
	return depth < g.cfg.MaxDepth && n >= 2*float64(g.cfg.MinRowsInLeaf) && h >= 2*g.cfg.MinChildWeight
}

// grownTree is a grown tree: the model's tree, each internal node's bin
// routing (goLeft[b] tells whether bin b goes left) for walking binned
// rows, and the leaves.
type grownTree struct {
	tree   Tree
	goLeft [][256]bool
	leaves []leafRange
}

// grow grows a tree on the first m entries of g.rows (ascending), with
// gradient pairs gp (indexed by row) and the columns feats (ascending).
func (g *grower) grow(ctx context.Context, m int, gp []gpair, feats []int) (*grownTree, error) {
	out := &grownTree{}
	root := &node{id: 0, start: 0, end: m, all: m == len(g.rows)}
	for _, r := range g.rows[:m] {
		root.g += gp[r].g
		root.h += gp[r].h
	}
	root.n = float64(m)
	g.addNode(out, root)
	level := []*node{root}
	if g.splittable(0, root.h, root.n) {
		root.hist = g.getHist()
		if err := g.buildHists(ctx, []*node{root}, gp, feats); err != nil {
			return nil, err
		}
	}
	for len(level) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// The best split of every node that may split, per column.
		var open []*node
		for _, nd := range level {
			if nd.hist != nil {
				open = append(open, nd)
			}
		}
		cands := make([]candidate, len(open)*len(feats))
		err := parallel(ctx, len(cands), func(i int) {
			cands[i] = g.bestSplit(open[i/len(feats)], feats[i%len(feats)])
		})
		if err != nil {
			return nil, err
		}
		best := make(map[*node]*candidate, len(open))
		for i, nd := range open {
			var b *candidate
			for f := range feats {
				c := &cands[i*len(feats)+f]
				if b == nil || c.better(b) {
					b = c
				}
			}
			if b.ok {
				best[nd] = b
			}
		}
		// Split, or make leaves.
		type pair struct {
			parent      *node
			split       *candidate
			left, right *node
			table       [256]bool
			go8         [256]uint8 // table as 1 (left) and 0
		}
		var pairs []*pair
		for _, nd := range level {
			c := best[nd]
			if c == nil {
				g.putHist(nd.hist)
				nd.hist = nil
				out.leaves = append(out.leaves, leafRange{nd.start, nd.end, out.tree.Value[nd.id], nd.id})
				continue
			}
			p := &pair{parent: nd, split: c}
			p.table[g.bd.nbins[c.feature]-1] = c.defaultLeft
			if c.cats != nil {
				for _, code := range c.cats {
					p.table[code] = true
				}
			} else {
				for b := 0; b <= c.bin; b++ {
					p.table[b] = true
				}
			}
			for b, l := range p.table {
				if l {
					p.go8[b] = 1
				}
			}
			pairs = append(pairs, p)
		}
		// Partition every split node's rows, stable (each side stays
		// ascending), in chunks of partChunk rows: each chunk splits its
		// rows into tmp (the right side reversed), then both sides move
		// to their place, so the result is the sequential partition's
		// whatever runs in parallel.
		type chunk struct {
			p          *pair
			start, end int
			nl         int // rows of the chunk going left
			lBefore    int // rows going left in the node's earlier chunks
			rBefore    int
		}
		var chunks []chunk
		for _, p := range pairs {
			nd := p.parent
			for s := nd.start; s < nd.end; s += partChunk {
				chunks = append(chunks, chunk{p: p, start: s, end: min(nd.end, s+partChunk)})
			}
		}
		err = parallel(ctx, len(chunks), func(i int) {
			ch := &chunks[i]
			ch.nl = partition(g.rows[ch.start:ch.end], g.tmp[ch.start:ch.end], g.bd.bins[ch.p.split.feature], &ch.p.go8)
		})
		if err != nil {
			return nil, err
		}
		nleft := make(map[*pair]int, len(pairs))
		for i := range chunks {
			ch := &chunks[i]
			ch.lBefore = nleft[ch.p]
			ch.rBefore = (ch.start - ch.p.parent.start) - ch.lBefore
			nleft[ch.p] += ch.nl
		}
		err = parallel(ctx, len(chunks), func(i int) {
			ch := &chunks[i]
			nd := ch.p.parent
			copy(g.rows[nd.start+ch.lBefore:], g.tmp[ch.start:ch.start+ch.nl])
			right := g.tmp[ch.start+ch.nl : ch.end]
			dst := g.rows[nd.start+nleft[ch.p]+ch.rBefore:]
			dst = dst[:len(right)]
			for i, r := range right {
				dst[len(dst)-1-i] = r
			}
		})
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			nd, c := p.parent, p.split
			l := nd.start + nleft[p]
			p.left = &node{start: nd.start, end: l, g: c.gl, h: c.hl, n: float64(l - nd.start), depth: nd.depth + 1}
			p.right = &node{start: l, end: nd.end, g: nd.g - c.gl, h: nd.h - c.hl, n: float64(nd.end - l), depth: nd.depth + 1}
		}
		var next, build []*node
		type sub struct{ big, small *node }
		var subs []sub
		for _, p := range pairs {
			nd, c := p.parent, p.split
			t := &out.tree
			p.left.id = g.addNode(out, p.left)
			p.right.id = g.addNode(out, p.right)
			t.Left[nd.id], t.Right[nd.id] = p.left.id, p.right.id
			t.Feature[nd.id] = int32(c.feature)
			t.DefaultLeft[nd.id] = c.defaultLeft
			t.Gain[nd.id] = c.gain
			if c.cats != nil {
				t.Categories[nd.id] = c.cats
			} else {
				t.Threshold[nd.id] = g.bd.cuts[c.feature][c.bin]
			}
			out.goLeft[nd.id] = p.table
			next = append(next, p.left, p.right)
			ls := g.splittable(p.left.depth, p.left.h, p.left.n)
			rs := g.splittable(p.right.depth, p.right.h, p.right.n)
			if !ls && !rs {
				g.putHist(nd.hist)
				nd.hist = nil
				continue
			}
			small, big := p.left, p.right
			if big.n < small.n {
				small, big = big, small
			}
			small.hist = g.getHist()
			big.hist = nd.hist
			nd.hist = nil
			build = append(build, small)
			subs = append(subs, sub{big, small})
		}
		if err := g.buildHists(ctx, build, gp, feats); err != nil {
			return nil, err
		}
		for _, s := range subs {
			for _, j := range feats {
				bh, sh := s.big.hist[j*256:j*256+g.bd.nbins[j]], s.small.hist[j*256:j*256+g.bd.nbins[j]]
				for b := range bh {
					bh[b].g -= sh[b].g
					bh[b].h -= sh[b].h
					bh[b].n -= sh[b].n
				}
			}
		}
		for _, nd := range next {
			if nd.hist != nil && !g.splittable(nd.depth, nd.h, nd.n) {
				g.putHist(nd.hist)
				nd.hist = nil
			}
		}
		level = next
	}
	return out, nil
}

// addNode appends nd to the tree as a leaf and returns its index.
func (g *grower) addNode(out *grownTree, nd *node) int32 {
	t := &out.tree
	id := int32(len(t.Left))
	t.Left = append(t.Left, -1)
	t.Right = append(t.Right, -1)
	t.Feature = append(t.Feature, -1)
	t.Threshold = append(t.Threshold, 0)
	t.Categories = append(t.Categories, nil)
	t.DefaultLeft = append(t.DefaultLeft, false)
	t.Value = append(t.Value, g.leafValue(nd.g, nd.h))
	t.Cover = append(t.Cover, nd.h)
	t.Rows = append(t.Rows, int64(nd.n))
	t.Gain = append(t.Gain, 0)
	out.goLeft = append(out.goLeft, [256]bool{})
	return id
}

// partition moves rows into tmp, those whose bin in col goes left
// (left[bin] is 1) forward from tmp's start, the others backward from its
// end, and returns the number going left. Each row is written to both ends
// and the side it goes to keeps it: no branch to mispredict. (A write that
// a row's side does not keep lands on a slot still free, which a later row
// claims.)
func partition(rows, tmp []int32, col []uint8, left *[256]uint8) int {
	tmp = tmp[:len(rows)]
	l, t := 0, len(tmp)
	for _, r := range rows {
		gl := int(left[col[r]])
		tmp[l] = r
		tmp[t-1] = r
		l += gl
		t -= 1 - gl
	}
	return l
}

// buildHists builds the histograms of nodes over the columns feats: the
// gradient pairs of each node's rows are gathered in row order first, then
// every (node, column) histogram is summed in row order, by one goroutine,
// whatever the grouping of columns into tasks (which only balances the
// work), so the sums do not depend on GOMAXPROCS.
func (g *grower) buildHists(ctx context.Context, nodes []*node, gp []gpair, feats []int) error {
	err := parallel(ctx, len(nodes), func(i int) {
		nd := nodes[i]
		if nd.all {
			return
		}
		for k := nd.start; k < nd.end; k++ {
			g.gp[k] = gp[g.rows[k]]
		}
	})
	if err != nil {
		return err
	}
	// Columns are summed four at a time (one pass over the rows and
	// their gradient pairs for four histograms); a node's columns are cut
	// into enough groups to keep every goroutine busy.
	workers := runtime.GOMAXPROCS(0)
	size := len(feats)
	for size > 4 && len(nodes)*((len(feats)+size-1)/size) < 2*workers {
		size = (size + 1) / 2
	}
	groups := (len(feats) + size - 1) / size
	return parallel(ctx, len(nodes)*groups, func(i int) {
		nd := nodes[i/groups]
		lo := (i % groups) * size
		fs := feats[lo:min(len(feats), lo+size)]
		rows := g.rows[nd.start:nd.end]
		pairs := g.gp[nd.start:nd.end]
		for len(fs) > 0 {
			var h [4]*[256]hbin
			var c [4][]uint8
			m := min(4, len(fs))
			for q := 0; q < m; q++ {
				j := fs[q]
				h[q] = (*[256]hbin)(nd.hist[j*256 : (j+1)*256])
				clear(h[q][:g.bd.nbins[j]])
				c[q] = g.bd.bins[j]
			}
			switch {
			case nd.all && m == 4:
				hist4All(gp, c[0], c[1], c[2], c[3], h[0], h[1], h[2], h[3])
			case m == 4:
				hist4(rows, pairs, c[0], c[1], c[2], c[3], h[0], h[1], h[2], h[3])
			default:
				for q := 0; q < m; q++ {
					if nd.all {
						hist1All(gp, c[q], h[q])
					} else {
						hist1(rows, pairs, c[q], h[q])
					}
				}
			}
			fs = fs[m:]
		}
	})
}

// hist1 adds the gradient pairs of rows to h by their bins in col.
func hist1(rows []int32, pairs []gpair, col []uint8, h *[256]hbin) {
	pairs = pairs[:len(rows)]
	for k, r := range rows {
		b := &h[col[r]]
		p := pairs[k]
		b.g += p.g
		b.h += p.h
		b.n++
	}
}

// hist1All is hist1 over every row, in order.
func hist1All(pairs []gpair, col []uint8, h *[256]hbin) {
	col = col[:len(pairs)]
	for k, p := range pairs {
		b := &h[col[k]]
		b.g += p.g
		b.h += p.h
		b.n++
	}
}

// hist4All is hist4 over every row, in order.
func hist4All(pairs []gpair, c0, c1, c2, c3 []uint8, h0, h1, h2, h3 *[256]hbin) {
	n := len(pairs)
	c0, c1, c2, c3 = c0[:n], c1[:n], c2[:n], c3[:n]
	for k, p := range pairs {
		b0, b1, b2, b3 := &h0[c0[k]], &h1[c1[k]], &h2[c2[k]], &h3[c3[k]]
		b0.g += p.g
		b0.h += p.h
		b0.n++
		b1.g += p.g
		b1.h += p.h
		b1.n++
		b2.g += p.g
		b2.h += p.h
		b2.n++
		b3.g += p.g
		b3.h += p.h
		b3.n++
	}
}

// hist4 is hist1 for four columns in one pass.
func hist4(rows []int32, pairs []gpair, c0, c1, c2, c3 []uint8, h0, h1, h2, h3 *[256]hbin) {
	pairs = pairs[:len(rows)]
	for k, r := range rows {
		p := pairs[k]
		b0, b1, b2, b3 := &h0[c0[r]], &h1[c1[r]], &h2[c2[r]], &h3[c3[r]]
		b0.g += p.g
		b0.h += p.h
		b0.n++
		b1.g += p.g
		b1.h += p.h
		b1.n++
		b2.g += p.g
		b2.h += p.h
		b2.n++
		b3.g += p.g
		b3.h += p.h
		b3.n++
	}
}

// score is G^2/(H+lambda), the loss reduction (doubled) of a leaf.
func (g *grower) score(sg, sh float64) float64 { return sg * sg / (sh + g.cfg.L2) }

// try records the split with left sums (gl, hl, nl) in c when it is
// allowed and better than c, and tells whether it did (the caller then
// sets the split's routing). The children are scored with L2 penalty l2:
// the config's, or a categorical rule's larger one (the parent's score,
// parent, is the caller's).
func (g *grower) try(c *candidate, nd *node, gl, hl, nl, parent, l2 float64) bool {
	gr, hr, nr := nd.g-gl, nd.h-hl, nd.n-nl
	minRows := float64(g.cfg.MinRowsInLeaf)
	if nl < minRows || nr < minRows || hl < g.cfg.MinChildWeight || hr < g.cfg.MinChildWeight {
		return false
	}
	change := gl*gl/(hl+l2) + gr*gr/(hr+l2) - parent
	if change < minLossChange {
		return false
	}
	gain := change / 2
	if gain-g.cfg.MinSplitGain <= 0 || (c.ok && gain <= c.gain) {
		return false
	}
	c.ok, c.gain, c.gl, c.hl, c.nl = true, gain, gl, hl, nl
	return true
}

// bestSplit finds the best split of nd on column j from its histogram.
func (g *grower) bestSplit(nd *node, j int) candidate {
	c := candidate{feature: j}
	nb := g.bd.nbins[j]
	h := nd.hist[j*256 : j*256+nb]
	miss := h[nb-1]
	parent := g.score(nd.g, nd.h)
	if g.cols[j].Kind == Categorical {
		return g.bestCategorical(nd, j, h, parent)
	}
	var gl, hl, nl float64
	for b := 0; b < nb-2; b++ {
		if h[b].n == 0 {
			continue
		}
		gl += h[b].g
		hl += h[b].h
		nl += h[b].n
		// Missing right (the only choice when the node has none: then
		// missing values go to the child with the larger cover).
		if g.try(&c, nd, gl, hl, nl, parent, g.cfg.L2) {
			c.bin, c.defaultLeft = b, miss.n == 0 && hl >= nd.h-hl
		}
		if miss.n > 0 && g.try(&c, nd, gl+miss.g, hl+miss.h, nl+miss.n, parent, g.cfg.L2) {
			c.bin, c.defaultLeft = b, true
		}
	}
	return c
}

// countPositives sets the tree's Positives: the rows of label 1 among the
// rows (indexes into y) reaching each node, from the leaves' row ranges of
// rows up to the root (children come after their parent).
func (gt *grownTree) countPositives(rows []int32, y []float64) {
	t := &gt.tree
	pos := make([]int64, t.Len())
	for _, l := range gt.leaves {
		var p int64
		for _, r := range rows[l.start:l.end] {
			if y[r] > 0 {
				p++
			}
		}
		pos[l.id] = p
	}
	for i := t.Len() - 1; i >= 0; i-- {
		if !t.IsLeaf(i) {
			pos[i] = pos[t.Left[i]] + pos[t.Right[i]]
		}
	}
	t.Positives = pos
}
