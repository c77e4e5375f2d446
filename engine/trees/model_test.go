package trees

import (
	"math"
	"testing"
)

// stump: x0 < 2.5 (NaN left) -> -1, else a categorical split on column 1:
// codes {0, 2} -> 3, others (NULL right) -> 5.
func stump() *Model {
	return &Model{
		Columns: []Column{{Name: "a", Kind: Numeric}, {Name: "c", Kind: Categorical, Levels: []string{"x", "y", "z"}}},
		K:       1, Base: []float64{0.5},
		Trees: []Tree{{
			Left: []int32{1, -1, 3, -1, -1}, Right: []int32{2, -1, 4, -1, -1},
			Feature: []int32{0, -1, 1, -1, -1}, Threshold: []float64{2.5, 0, 0, 0, 0},
			Categories: [][]int32{nil, nil, {0, 2}, nil, nil}, DefaultLeft: []bool{true, false, false, false, false},
			Value: []float64{0, -1, 0, 3, 5}, Cover: []float64{10, 4, 6, 3, 3}, Rows: []int64{10, 4, 6, 3, 3},
			Gain: []float64{2, 0, 1, 0, 0},
		}},
	}
}

func TestPredictRaw(t *testing.T) {
	m := stump()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	x := [][]float64{
		{1, nan, 3, 3, 3, 3, math.Inf(1)},
		{0, 0, 0, 1, 3, nan, 2},
	}
	want := []float64{-0.5, -0.5, 3.5, 5.5, 5.5, 5.5, 3.5}
	out := make([]float64, len(want))
	m.PredictRaw(x, len(want), out)
	for i := range want {
		if out[i] != want[i] {
			t.Errorf("row %d: %g, want %g", i, out[i], want[i])
		}
	}
}

func TestValidateRefuses(t *testing.T) {
	for name, damage := range map[string]func(m *Model){
		"child cycle":        func(m *Model) { m.Trees[0].Left[2] = 1 },
		"feature range":      func(m *Model) { m.Trees[0].Feature[0] = 7 },
		"category range":     func(m *Model) { m.Trees[0].Categories[2] = []int32{0, 9} },
		"unsorted":           func(m *Model) { m.Trees[0].Categories[2] = []int32{2, 0} },
		"infinite value":     func(m *Model) { m.Trees[0].Value[3] = math.Inf(1) },
		"short arrays":       func(m *Model) { m.Trees[0].Gain = m.Trees[0].Gain[:4] },
		"base count":         func(m *Model) { m.Base = nil },
		"numeric categories": func(m *Model) { m.Trees[0].Categories[0] = []int32{1} },
		"leaf with split":    func(m *Model) { m.Trees[0].Feature[1] = 0 },
	} {
		m := stump()
		damage(m)
		if err := m.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
