package trees

import (
	"cmp"
	"slices"
)

// catRule is how the split search treats one categorical column (see
// bestCategorical).
type catRule struct {
	// minRows: a code with fewer rows in the node stays out of the order
	// and goes right.
	minRows float64
	// smooth is the hessian added in the ordering key G/(H+smooth).
	smooth float64
	// l2 is the children's L2 penalty in the gain; the parent's is
	// Config.L2.
	l2 float64
	// minGroup is the least number of rows a step of the scan adds to
	// the left side before the next split is tried, and the least number
	// of rows of the right side.
	minGroup float64
	// limit is the most codes on the left side.
	limit int
	// both scans the order from both ends, not from the low end only.
	both bool
}

// catRule returns the search rule of categorical column j: the plain one
// for a column of at most Config.CatExactLevels levels, the regularised
// one otherwise.
func (g *grower) catRule(j int) catRule {
	cfg := g.cfg
	if len(g.cols[j].Levels) <= cfg.CatExactLevels {
		return catRule{minRows: 1, smooth: cfg.L2, l2: cfg.L2, limit: len(g.cols[j].Levels) + 1}
	}
	return catRule{
		minRows: max(1, float64(cfg.CatMinRows)), smooth: cfg.CatSmooth, l2: cfg.L2 + cfg.CatL2,
		minGroup: float64(cfg.CatMinGroupRows), limit: cfg.CatMaxLevels, both: true,
	}
}

// bestCategorical finds the best split of nd on categorical column j from
// its histogram h (a bin per code, 'other' included, then the missing
// values' bin); parent is the node's score with Config.L2.
//
// The codes of the node are ordered by their gradient statistics and a
// split sends an end of that order left, every other code right. A column
// of at most CatExactLevels levels (BOOLEAN, small enums) is searched
// exactly: every code present, ordered by G/(H+L2), every prefix tried.
// Any other column is searched by LightGBM's regularised rule
// (FindBestThresholdCategoricalInner), so that a split of many levels does
// not fit the noise of the small ones:
//   - a code of fewer than CatMinRows rows in the node is left out of the
//     order and goes right;
//   - the others are ordered by G/(H+CatSmooth), which draws small levels
//     towards the middle;
//   - the left side is the first k codes of the order or the last k, k at
//     most CatMaxLevels and half the ordered codes;
//   - a split is tried only once the scan has added CatMinGroupRows rows
//     since the last one tried, and while the right side keeps that many;
//   - the gain is taken with the children's L2 raised by CatL2 (the
//     parent's is L2), which favours splits of large sides and is the
//     gain compared with other columns' and recorded.
//
// Missing values are tried on both sides in both searches; ties keep the
// first split found, so the result depends only on h.
func (g *grower) bestCategorical(nd *node, j int, h []hbin, parent float64) candidate {
	rule := g.catRule(j)
	c := candidate{feature: j}
	miss := h[len(h)-1]
	var order []int32
	for b := range h[:len(h)-1] {
		if h[b].n > 0 && h[b].n >= rule.minRows {
			order = append(order, int32(b))
		}
	}
	key := func(b int32) float64 { return h[b].g / (h[b].h + rule.smooth) }
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(key(a), key(b)) })
	limit := min(len(order), rule.limit)
	dirs := 1
	if rule.both {
		limit = min(limit, (len(order)+1)/2)
		dirs = 2
	}
	bestK, bestDir := -1, 0
	for dir := 0; dir < dirs; dir++ {
		var gl, hl, nl, group float64
		for k := 0; k < limit; k++ {
			b := order[k]
			if dir == 1 {
				b = order[len(order)-1-k]
			}
			gl += h[b].g
			hl += h[b].h
			nl += h[b].n
			group += h[b].n
			if nd.n-nl < rule.minGroup {
				break
			}
			if group < rule.minGroup {
				continue
			}
			group = 0
			// With every code of the node on the left, a split only when
			// missing values go right.
			all := nl+miss.n == nd.n
			if (!all || miss.n > 0) && g.try(&c, nd, gl, hl, nl, parent, rule.l2) {
				bestK, bestDir, c.defaultLeft = k, dir, miss.n == 0 && hl >= nd.h-hl
			}
			if !all && miss.n > 0 && nd.n-nl-miss.n >= rule.minGroup &&
				g.try(&c, nd, gl+miss.g, hl+miss.h, nl+miss.n, parent, rule.l2) {
				bestK, bestDir, c.defaultLeft = k, dir, true
			}
		}
	}
	if c.ok {
		if bestDir == 0 {
			c.cats = slices.Clone(order[:bestK+1])
		} else {
			c.cats = slices.Clone(order[len(order)-1-bestK:])
		}
		slices.Sort(c.cats)
	}
	return c
}
