package trees

import (
	"math"
	"runtime"
	"sync"
)

// Scorer scores rows with a Model faster than Model.PredictRaw, with the
// same result bit for bit: each tree is compiled once into one array of
// small nodes (a categorical split's level set as a bitset), rows are
// scored in blocks tree by tree so a tree's nodes stay in cache, and large
// batches are split across the cores. A Scorer is read-only: goroutines
// may share it.
type Scorer struct {
	k     int
	base  []float64
	trees [][]snode
	cats  [][]uint64
}

// snode is a compiled tree node.
type snode struct {
	thr         float64 // numeric split: x < thr goes left
	value       float64 // a leaf's value
	feat        int32   // split column; -1 for a leaf
	left, right int32
	cat         int32 // index into Scorer.cats of a categorical split's level set; -1 numeric
	defLeft     bool
}

// NewScorer compiles m, which must be valid (Model.Validate).
func NewScorer(m *Model) *Scorer {
	s := &Scorer{k: m.K, base: m.Base, trees: make([][]snode, len(m.Trees))}
	for ti := range m.Trees {
		t := &m.Trees[ti]
		nodes := make([]snode, t.Len())
		for i := range nodes {
			nd := snode{thr: t.Threshold[i], value: t.Value[i], feat: t.Feature[i], left: t.Left[i], right: t.Right[i],
				cat: -1, defLeft: t.DefaultLeft[i]}
			if t.IsLeaf(i) {
				nd.feat = -1
			} else if cats := t.Categories[i]; cats != nil {
				set := make([]uint64, int(cats[len(cats)-1])/64+1)
				for _, c := range cats {
					set[c/64] |= 1 << (uint(c) % 64)
				}
				nd.cat = int32(len(s.cats))
				s.cats = append(s.cats, set)
			}
			nodes[i] = nd
		}
		s.trees[ti] = nodes
	}
	return s
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
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.rows(x, lo, hi, out)
		}()
	}
	wg.Wait()
}

// rows scores rows [lo, hi).
func (s *Scorer) rows(x [][]float64, lo, hi int, out []float64) {
	k := s.k
	for r := lo; r < hi; r++ {
		copy(out[r*k:(r+1)*k], s.base)
	}
	for b := lo; b < hi; b += scoreBlock {
		e := min(b+scoreBlock, hi)
		for ti, nodes := range s.trees {
			c := ti % k
			for r := b; r < e; r++ {
				out[r*k+c] += s.leafValue(nodes, x, r)
			}
		}
	}
}

// leafValue is the value of the leaf row r reaches in a compiled tree.
func (s *Scorer) leafValue(nodes []snode, x [][]float64, r int) float64 {
	i := int32(0)
	for {
		nd := &nodes[i]
		if nd.feat < 0 {
			return nd.value
		}
		v := x[nd.feat][r]
		var left bool
		switch {
		case math.IsNaN(v):
			left = nd.defLeft
		case nd.cat >= 0:
			set := s.cats[nd.cat]
			c := int(v)
			left = c >= 0 && c/64 < len(set) && set[c/64]&(1<<(uint(c)%64)) != 0
		default:
			left = v < nd.thr
		}
		if left {
			i = nd.left
		} else {
			i = nd.right
		}
	}
}
