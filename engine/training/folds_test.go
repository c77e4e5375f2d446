package training

import (
	"math/rand/v2"
	"testing"
)

// Ungrouped folds are stratified to within one row of exact, per class
// and in all, and do not depend on the order of the rows.
func TestAssignFoldsStratified(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, k = 1003, 5
	keys, strata := make([]uint64, n), make([]uint64, n)
	for i := range keys {
		keys[i] = rng.Uint64()
		strata[i] = uint64(b2i(rng.Float64() < 0.3)) + 7 // classes 7 and 8
	}
	folds := AssignFolds(k, keys, strata, false)
	per := map[uint64][]int{7: make([]int, k), 8: make([]int, k)}
	all := make([]int, k)
	for i, f := range folds {
		per[strata[i]][f]++
		all[f]++
	}
	within1 := func(c []int) bool {
		lo, hi := c[0], c[0]
		for _, x := range c {
			lo, hi = min(lo, x), max(hi, x)
		}
		return hi-lo <= 1
	}
	for s, c := range per {
		if !within1(c) {
			t.Errorf("class %d: rows per fold %v, not within one row", s, c)
		}
	}
	if !within1(all) {
		t.Errorf("rows per fold %v", all)
	}
	// The same rows in another order: every row keeps its fold.
	perm := rng.Perm(n)
	pk, ps := make([]uint64, n), make([]uint64, n)
	for i, p := range perm {
		pk[i], ps[i] = keys[p], strata[p]
	}
	for i, f := range AssignFolds(k, pk, ps, false) {
		if f != folds[perm[i]] {
			t.Fatalf("row %d: fold %d shuffled, %d in order", perm[i], f, folds[perm[i]])
		}
	}
	// Without strata: folds within one row of each other.
	all = make([]int, k)
	for _, f := range AssignFolds(k, keys, nil, false) {
		all[f]++
	}
	if !within1(all) {
		t.Errorf("unstratified rows per fold %v", all)
	}
}

// Grouped folds never split a group, balance the rows as whole groups
// allow, and do not depend on the order of the rows.
func TestAssignFoldsGrouped(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const k = 4
	var keys, strata []uint64
	for g := 0; g < 600; g++ {
		key := rng.Uint64()
		churner := rng.Float64() < 0.25
		for r := 0; r <= rng.IntN(5); r++ {
			keys = append(keys, key)
			// Mostly one class per customer, sometimes both.
			strata = append(strata, uint64(b2i(churner != (rng.Float64() < 0.1))))
		}
	}
	n := len(keys)
	folds := AssignFolds(k, keys, strata, true)
	foldOf := map[uint64]int32{}
	rows := make([]int, k)
	pos := make([]int, k)
	for i, f := range folds {
		if g, seen := foldOf[keys[i]]; seen && g != f {
			t.Fatalf("group %x in folds %d and %d", keys[i], g, f)
		}
		foldOf[keys[i]] = f
		rows[f]++
		pos[f] += int(strata[i])
	}
	for f := range rows {
		// Groups of at most 5 rows: a fold is within a few groups of n/k.
		if d := rows[f] - n/k; d < -15 || d > 15 {
			t.Errorf("rows per fold %v (n %d)", rows, n)
		}
		share := float64(pos[f]) / float64(rows[f])
		if share < 0.2 || share > 0.4 {
			t.Errorf("fold %d: class share %.3f (rows %v, class 1 %v)", f, share, rows, pos)
		}
	}
	perm := rng.Perm(n)
	pk, ps := make([]uint64, n), make([]uint64, n)
	for i, p := range perm {
		pk[i], ps[i] = keys[p], strata[p]
	}
	for i, f := range AssignFolds(k, pk, ps, true) {
		if f != folds[perm[i]] {
			t.Fatalf("row %d: fold %d shuffled, %d in order", perm[i], f, folds[perm[i]])
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkAssignFolds: 5 stratified folds of 1M rows of two classes,
// ungrouped and grouped (10 rows a group).
func BenchmarkAssignFolds(b *testing.B) {
	const n = 1_000_000
	keys, groups, strata := make([]uint64, n), make([]uint64, n), make([]uint64, n)
	for i := range keys {
		keys[i] = uint64(i) * 0x9e3779b97f4a7c15
		groups[i] = uint64(i/10) * 0x9e3779b97f4a7c15
		strata[i] = uint64(i % 3 / 2)
	}
	b.Run("ungrouped", func(b *testing.B) {
		for b.Loop() {
			AssignFolds(5, keys, strata, false)
		}
	})
	b.Run("grouped", func(b *testing.B) {
		for b.Loop() {
			AssignFolds(5, groups, strata, true)
		}
	})
}
