package trees

import (
	"math"
	"runtime"
	"sync"
)

// Scorer scores rows with a Model faster than Model.PredictRaw, with the
// same result bit for bit. Each tree is compiled once into one array of
// 16-byte nodes, renumbered level by level so that a node's children are
// neighbours, a leaf its own child. Rows are scored in blocks, tree by tree
// so a tree's nodes and the block's values stay in cache; a block's values
// are copied row by row twice, as they are and with missing values as -Inf,
// so that a split whose missing values go left reads the second copy and
// needs no test for them; a block moves down a tree one level at a time with
// branch-free steps (the rows' walks overlap instead of each waiting on its
// own mispredicted branches). Large batches are split across the cores. A
// Scorer is read-only: goroutines may share it.
type Scorer struct {
	k     int
	p     int // input columns
	base  []float64
	trees []stree
	cats  [][]uint64
}

// stree is a compiled tree.
type stree struct {
	nodes  []snode
	values []float64 // a leaf's value, by node
	depth  int       // the most levels a walk takes
}

// snode is a compiled tree node: a row goes to child when it goes left,
// child+1 when it goes right. A leaf has threshold NaN (no row goes left)
// and child one before itself.
type snode struct {
	// thr is a numeric split's threshold (x < thr goes left); a
	// categorical split's index into Scorer.cats.
	thr   float64
	child int32
	// off is where a row's value is in the block (column, plus
	// scoreBlock*p to read the copy with missing values as -Inf), and
	// the flags below.
	off uint32
}

const (
	offMask = 1<<30 - 1
	// flagSlow marks a split the branch-free step does not handle: a
	// categorical one, or one at -Inf whose missing values go left. It
	// reads the values as they are and tests them.
	flagSlow    = 1 << 31
	flagDefLeft = 1 << 30 // with flagSlow: missing values go left
)

// NewScorer compiles m, which must be valid (Model.Validate) and have
// fewer than 2,097,152 columns.
func NewScorer(m *Model) *Scorer {
	s := &Scorer{k: m.K, p: len(m.Columns), base: m.Base, trees: make([]stree, len(m.Trees))}
	for ti := range m.Trees {
		s.trees[ti] = s.compile(&m.Trees[ti], m.Columns)
	}
	return s
}

// compile renumbers t breadth first (so siblings are neighbours) into an
// stree.
func (s *Scorer) compile(t *Tree, cols []Column) stree {
	n := t.Len()
	order := make([]int32, 1, n) // new number -> old
	st := stree{nodes: make([]snode, n), values: make([]float64, n)}
	level := make([]int, n) // by new number
	for i := 0; i < len(order); i++ {
		o := order[i]
		if t.IsLeaf(int(o)) {
			st.nodes[i] = snode{thr: math.NaN(), child: int32(i) - 1}
			st.values[i] = t.Value[o]
			continue
		}
		c := int32(len(order))
		order = append(order, t.Left[o], t.Right[o])
		level[c], level[c+1] = level[i]+1, level[i]+1
		st.depth = max(st.depth, level[i]+1)
		f, thr, defLeft := uint32(t.Feature[o]), t.Threshold[o], t.DefaultLeft[o]
		nd := snode{thr: thr, child: c, off: f}
		switch {
		case cols[f].Kind == Categorical:
			set := make([]uint64, int(t.Categories[o][len(t.Categories[o])-1])/64+1)
			for _, code := range t.Categories[o] {
				set[code/64] |= 1 << (uint(code) % 64)
			}
			nd.thr = float64(len(s.cats))
			s.cats = append(s.cats, set)
			nd.off |= flagSlow
		case defLeft && math.IsInf(thr, -1):
			nd.off |= flagSlow
		case defLeft:
			nd.off += uint32(scoreBlock * s.p)
		}
		if nd.off&flagSlow != 0 && defLeft {
			nd.off |= flagDefLeft
		}
		st.nodes[i] = nd
	}
	return st
}

// scoreBlock is how many rows are scored tree by tree at once.
const scoreBlock = 256

// parallelRows is the least number of rows worth splitting across cores.
const parallelRows = 1024

// PredictRaw is Model.PredictRaw: the raw scores of the n rows of x
// (column-major) into out, K per row.
func (s *Scorer) PredictRaw(x [][]float64, n int, out []float64) {
	workers := min(runtime.GOMAXPROCS(0), n/parallelRows)
	if workers <= 1 {
		s.rows(x, 0, n, out)
		return
	}
	// The caller scores the first part itself rather than park while
	// the others run (inside a DuckDB callback its thread is locked).
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for lo := per; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.rows(x, lo, hi, out)
		}()
	}
	s.rows(x, 0, min(per, n), out)
	wg.Wait()
}

// rows scores rows [lo, hi).
func (s *Scorer) rows(x [][]float64, lo, hi int, out []float64) {
	k, p := s.k, s.p
	for r := lo; r < hi; r++ {
		copy(out[r*k:(r+1)*k], s.base)
	}
	var at [scoreBlock]int32
	blk := make([]float64, 2*scoreBlock*p)
	for b := lo; b < hi; b += scoreBlock {
		e := min(b+scoreBlock, hi)
		for j, col := range x[:p] {
			for i, v := range col[b:e] {
				blk[i*p+j] = v
				if v != v {
					v = math.Inf(-1)
				}
				blk[(scoreBlock+i)*p+j] = v
			}
		}
		idx := at[:e-b]
		for ti := range s.trees {
			st := &s.trees[ti]
			clear(idx)
			s.walk(st, blk, idx)
			c := ti % k
			for i, n := range idx {
				out[(b+i)*k+c] += st.values[n]
			}
		}
	}
}

// walk moves the rows of blk from the nodes idx holds down st, one level
// at a time.
func (s *Scorer) walk(st *stree, blk []float64, idx []int32) {
	nodes, p := st.nodes, s.p
	for level := 0; level < st.depth; level++ {
		for i, n := range idx {
			nd := &nodes[n]
			var left int32
			if f := nd.off; f&flagSlow == 0 {
				left = b2i(blk[i*p+int(f)] < nd.thr)
			} else {
				left = s.slowLeft(nd, blk[i*p+int(f&offMask)])
			}
			idx[i] = nd.child + 1 - left
		}
	}
}

// slowLeft tells (1 or 0) whether v goes left at a flagSlow node.
func (s *Scorer) slowLeft(nd *snode, v float64) int32 {
	if v != v {
		return b2i(nd.off&flagDefLeft != 0)
	}
	if math.IsInf(nd.thr, -1) {
		return 0 // nothing is below -Inf
	}
	set := s.cats[int(nd.thr)]
	c := int(v)
	return b2i(c >= 0 && c/64 < len(set) && set[c/64]&(1<<(uint(c)%64)) != 0)
}

// b2i is 1 for true, 0 for false (compiled without a branch).
func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
