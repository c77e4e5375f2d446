package dserr

import "strings"

// Closest returns the candidate nearest to name for a "did you mean"
// hint: the one of least edit distance (case-insensitive; ties: the first),
// when that distance is at most a third of name's length (rounded down:
// a name of one or two letters, y, is not taken for another, x) and name
// is not a candidate itself. A candidate that differs from name only
// in case is at distance 0: it is the hint for a name that is matched
// exactly (a model, a dot command). ok is false when no candidate is that
// close.
//
// The distance is Levenshtein's with the swap of two adjacent letters as
// one edit (the optimal string alignment distance), so that the commonest
// typos (chrun, hiden, churnd, tabels) are each one edit away.
func Closest(name string, candidates []string) (best string, ok bool) {
	n := strings.ToLower(name)
	limit := len([]rune(n)) / 3
	bestD := limit + 1
	for _, c := range candidates {
		if c == name {
			return "", false
		}
		if d := editDistance(n, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD <= limit
}

// editDistance is the optimal string alignment distance of a and b, by
// runes: insertions, deletions, substitutions and swaps of two adjacent
// runes each count one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1) // row i-2
	prev := make([]int, len(rb)+1)  // row i-1
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
