package trees

import (
	"cmp"
	"slices"
)

// bestCategorical orders the codes present in the node by G/(H+lambda)
// (LightGBM's order) and tries every prefix of that order as the left set,
// missing values both ways.
func (g *grower) bestCategorical(nd *node, j int, h []hbin, parent float64) candidate {
	c := candidate{feature: j}
	nb := len(h)
	miss := h[nb-1]
	var order []int32
	for b := 0; b < nb-1; b++ {
		if h[b].n > 0 {
			order = append(order, int32(b))
		}
	}
	ratio := func(b int32) float64 { return h[b].g / (h[b].h + g.cfg.L2) }
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(ratio(a), ratio(b)) })
	var gl, hl, nl float64
	bestK := -1
	for k, b := range order {
		gl += h[b].g
		hl += h[b].h
		nl += h[b].n
		// The last prefix holds every present code: a split only when
		// missing values go right.
		last := k == len(order)-1
		if (!last || miss.n > 0) && g.try(&c, nd, gl, hl, nl, parent) {
			bestK, c.defaultLeft = k, miss.n == 0 && hl >= nd.h-hl
		}
		if !last && miss.n > 0 && g.try(&c, nd, gl+miss.g, hl+miss.h, nl+miss.n, parent) {
			bestK, c.defaultLeft = k, true
		}
	}
	if c.ok {
		c.cats = slices.Clone(order[:bestK+1])
		slices.Sort(c.cats)
	}
	return c
}
