package kmeans

import "fmt"

// ARI returns the adjusted Rand index of two labelings of the same rows, as
// scikit-learn's adjusted_rand_score: the Rand index (the share of pairs of
// rows on which the labelings agree: together in both or apart in both)
// adjusted for chance, so that 1 means the same partition (whatever the
// label values) and random labelings score about 0 (it can be negative).
// Label values are arbitrary. Two labelings that each put every row in its
// own cluster, or every row in one cluster, and empty labelings score 1.
// Slices of different lengths panic.
func ARI(a, b []int32) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("kmeans: ARI: labelings of %d and %d rows", len(a), len(b)))
	}
	n := int64(len(a))
	type pair struct{ a, b int32 }
	cont := make(map[pair]int64)
	na := make(map[int32]int64)
	nb := make(map[int32]int64)
	for i, la := range a {
		lb := b[i]
		cont[pair{la, lb}]++
		na[la]++
		nb[lb]++
	}
	// Ordered pairs of distinct rows: together in both (tp), together in a
	// only (fn), in b only (fp), apart in both (tn); integer sums, so the
	// map order does not matter.
	var sumSq, togetherB, togetherA int64
	for p, c := range cont {
		sumSq += c * c
		togetherB += c * nb[p.b] // ordered pairs together in b (with i = j)
		togetherA += c * na[p.a] // together in a
	}
	tp := sumSq - n
	fp := togetherB - sumSq
	fn := togetherA - sumSq
	tn := n*n - fp - fn - sumSq
	if fn == 0 && fp == 0 {
		return 1
	}
	ftp, ffp, ffn, ftn := float64(tp), float64(fp), float64(fn), float64(tn)
	return 2 * (ftp*ftn - ffn*ffp) / ((ftp+ffn)*(ffn+ftn) + (ftp+ffp)*(ffp+ftn))
}
