//go:build duckdb_arrow

package service

import (
	"strings"
	"testing"
)

// The automatic folds: cross-validation when the validation rows would be
// fewer than 2,000, or hold fewer than 200 of a label's rarest value (at
// most 20 values); the validation rows otherwise.
func TestAutoFolds(t *testing.T) {
	strata := func(rows, rare int) []uint64 {
		s := make([]uint64, rows)
		for i := 0; i < rare; i++ {
			s[i] = 1
		}
		return s
	}
	many := make([]uint64, 30000) // a label of 30 values: no class rule
	for i := range many {
		many[i] = uint64(i % 30)
	}
	for _, c := range []struct {
		name  string
		d     cvData
		vf    float64
		folds int
		why   string
	}{
		{"small", cvData{rows: 7482, strata: strata(7482, 400)}, 0.1, 5, "the validation rows would be 748, fewer than 2000"},
		{"rare class", cvData{rows: 50000, strata: strata(50000, 1500)}, 0.1, 5, "would hold 150 of the label's rarest value, fewer than 200"},
		{"enough", cvData{rows: 50000, strata: strata(50000, 2500)}, 0.1, NoFolds, ""},
		{"regression", cvData{rows: 30000, strata: nil}, 0.1, NoFolds, ""},
		{"many values", cvData{rows: 30000, strata: many}, 0.1, NoFolds, ""},
		{"larger fraction", cvData{rows: 10000, strata: strata(10000, 1000)}, 0.3, NoFolds, ""},
	} {
		folds, why := autoFolds(&c.d, c.vf)
		if folds != c.folds || !strings.Contains(why, c.why) || (c.why == "") != (why == "") {
			t.Errorf("%s: %d folds (%q), want %d (%q)", c.name, folds, why, c.folds, c.why)
		}
	}
}
