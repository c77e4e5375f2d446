package dserr

import (
	"math/rand/v2"
	"testing"
)

func TestClosest(t *testing.T) {
	cands := []string{".tables", ".timer", ".schema", ".models", ".mode", ".open", "churn"}
	for _, c := range []struct {
		name, want string
		ok         bool
	}{
		{".tabels", ".tables", true}, // a swap: one edit
		{".tabes", ".tables", true},  // a letter missing
		{".Models", ".models", true}, // case only: distance 0
		{".models", "", false},       // a candidate itself
		{".modl", ".mode", true},     // ties: the first of the nearest
		{".chart2", "", false},       // nothing near enough
		{".x", "", false},
		{"y", "", false}, // one letter is not taken for another
		{"CHURN", "churn", true},
		{"tmier", "", false},     // ".timer": two edits on five letters, more than a third
		{"tmier.", "", false},    // two swaps, two edits
		{"chrun", "churn", true}, // a swap on five letters
	} {
		got, ok := Closest(c.name, cands)
		if got != c.want || ok != c.ok {
			t.Errorf("Closest(%q) = %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}, {"été", "ete", 2},
		{"ab", "ba", 1}, {"abcd", "badc", 2}, {"ca", "abc", 3}, {"hiden", "hidden", 1}, {"chrun", "churn", 1}} {
		if d := editDistance(c.a, c.b); d != c.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, d, c.d)
		}
	}
}

// osa is the optimal string alignment distance by its recursive
// definition, for short strings.
func osa(a, b []rune) int {
	if len(a) == 0 {
		return len(b)
	}
	if len(b) == 0 {
		return len(a)
	}
	i, j := len(a), len(b)
	cost := 1
	if a[i-1] == b[j-1] {
		cost = 0
	}
	d := min(osa(a[:i-1], b)+1, osa(a, b[:j-1])+1, osa(a[:i-1], b[:j-1])+cost)
	if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
		d = min(d, osa(a[:i-2], b[:j-2])+1)
	}
	return d
}

func TestEditDistanceBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		r := make([]rune, rng.IntN(7))
		for i := range r {
			r[i] = []rune("abcé")[rng.IntN(4)]
		}
		return string(r)
	}
	for range 3000 {
		a, b := word(), word()
		if got, want := editDistance(a, b), osa([]rune(a), []rune(b)); got != want {
			t.Fatalf("editDistance(%q, %q) = %d, want %d", a, b, got, want)
		}
	}
}
