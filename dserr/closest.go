package dserr

import "strings"

// Closest returns the candidate nearest to name for a "did you mean"
// hint: the one of least edit distance (Levenshtein, case-insensitive;
// ties: the first), when that distance is at most a third of name's length
// (at least 1) and name is not a candidate itself. ok is false when no
// candidate is that close.
func Closest(name string, candidates []string) (best string, ok bool) {
	n := strings.ToLower(name)
	limit := max(len([]rune(n))/3, 1)
	bestD := limit + 1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == n {
			return "", false
		}
		if d := editDistance(n, lc); d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD <= limit
}

// editDistance is the Levenshtein distance of a and b, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
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
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
