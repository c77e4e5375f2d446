package dserr

import "testing"

func TestClosest(t *testing.T) {
	cands := []string{".tables", ".timer", ".schema", ".models", ".mode", ".open"}
	for _, c := range []struct {
		name, want string
		ok         bool
	}{
		{".tabels", ".tables", true}, // a swap: distance 2, length 7
		{".tabes", ".tables", true},  // a letter missing
		{".Models", "", false},       // a candidate, whatever the case
		{".modl", ".mode", true},     // ties: the first of the nearest
		{".chart2", "", false},       // nothing near enough
		{".x", "", false},
		{"tmier", "", false}, // two edits on five letters: more than a third
	} {
		got, ok := Closest(c.name, cands)
		if got != c.want || ok != c.ok {
			t.Errorf("Closest(%q) = %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}, {"été", "ete", 2}} {
		if d := editDistance(c.a, c.b); d != c.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, d, c.d)
		}
	}
}
