package trees

import (
	"fmt"
	"slices"
	"testing"
)

func TestGain(t *testing.T) {
	m := stump()
	// A second tree splitting on column 1 at the root and column 0 below.
	m.Trees = append(m.Trees, Tree{
		Left: []int32{1, 3, -1, -1, -1}, Right: []int32{2, 4, -1, -1, -1},
		Feature: []int32{1, 0, -1, -1, -1}, Threshold: []float64{0, 7, 0, 0, 0},
		Categories: [][]int32{{1}, nil, nil, nil, nil}, DefaultLeft: make([]bool, 5),
		Value: make([]float64, 5), Cover: []float64{10, 6, 4, 3, 3}, Rows: []int64{10, 6, 4, 3, 3},
		Gain: []float64{0.5, 0.25, 0, 0, 0},
	})
	m.Columns = append(m.Columns, Column{Name: "unused", Kind: Numeric})
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := m.Gain(), []float64{2.25, 1.5, 0}; !slices.Equal(got, want) {
		t.Errorf("gain %v, want %v", got, want)
	}
}

func ExampleModel_Gain() {
	m := stump() // the root splits on a (gain 2), its right child on c (gain 1)
	for j, g := range m.Gain() {
		fmt.Printf("%s %g\n", m.Columns[j].Name, g)
	}
	// Output:
	// a 2
	// c 1
}
