//go:build duckdb_arrow

package service

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
)

// unitHash is a hash that features.HashUnit maps to u exactly (u a
// multiple of 2^-53 in [0, 1)).
func unitHash(u float64) uint64 { return uint64(u*(1<<53)) << 11 }

// The cuts are the running sums of all but the last fraction; a hash
// lands in the first part whose cut exceeds its unit value (a value at a
// cut goes to the next part), the last part taking the rest, checked by
// hand at and around every cut.
func TestAssignParts(t *testing.T) {
	cuts, err := splitCuts([]float64{0.5, 0.25, 0.25})
	if err != nil {
		t.Fatal(err)
	}
	if len(cuts) != 2 || cuts[0] != 0.5 || cuts[1] != 0.75 {
		t.Fatalf("cuts %v, want [0.5 0.75]", cuts)
	}
	below := 0.5 - 1.0/(1<<53) // the largest unit value below 0.5
	us := []float64{0, 0.25, below, 0.5, 0.6, math.Nextafter(0.75, 0), 0.75, 0.9, math.Nextafter(1, 0)}
	want := []int32{1, 1, 1, 2, 2, 2, 3, 3, 3}
	hashes := make([]uint64, len(us))
	for i, u := range us {
		hashes[i] = unitHash(u)
		if got := features.HashUnit(hashes[i]); got != u {
			t.Fatalf("HashUnit(unitHash(%v)) = %v", u, got)
		}
	}
	parts := make([]int32, len(us))
	assignParts(hashes, cuts, parts)
	for i := range us {
		if parts[i] != want[i] {
			t.Errorf("u = %v: part %d, want %d", us[i], parts[i], want[i])
		}
	}

	// Defaults: [0.8, 0.2]; one part takes everything.
	if cuts, err := splitCuts(nil); err != nil || len(cuts) != 1 || cuts[0] != 0.8 {
		t.Errorf("default cuts %v, %v; want [0.8]", cuts, err)
	}
	one, err := splitCuts([]float64{1})
	if err != nil || len(one) != 0 {
		t.Fatalf("cuts of [1]: %v, %v", one, err)
	}
	assignParts(hashes, one, parts)
	for i, p := range parts {
		if p != 1 {
			t.Errorf("one part: u = %v in part %d", us[i], p)
		}
	}
	// A sum short of 1 within the tolerance loses no row: the last part
	// takes the rest.
	short, err := splitCuts([]float64{0.7, 0.2, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	assignParts([]uint64{unitHash(math.Nextafter(1, 0))}, short, parts[:1])
	if parts[0] != 3 {
		t.Errorf("u just below 1 in part %d, want 3", parts[0])
	}
}

// Bad fractions are InvalidArgument errors of split's fractions argument.
func TestSplitCutsErrors(t *testing.T) {
	for _, c := range []struct {
		fractions []float64
		want      string
	}{
		{[]float64{}, "must list at least one share"},
		{[]float64{0.8, 0.3}, "must sum to 1, got [0.8, 0.3] summing to 1.1"},
		{[]float64{0.5, 0.5 - 2e-9}, "must sum to 1"},
		{[]float64{1, 0}, "greater than 0, got 0 (element 2)"},
		{[]float64{-1, 2}, "greater than 0, got -1 (element 1)"},
		{[]float64{math.NaN()}, "got NaN"},
		{[]float64{math.Inf(1)}, "got +Inf"},
	} {
		_, err := splitCuts(c.fractions)
		var de *dserr.Error
		if !errors.As(err, &de) || !errors.Is(err, dserr.InvalidArgument) || de.Func != "split" || de.Arg != "fractions" || !strings.Contains(de.Msg, c.want) {
			t.Errorf("%v: error %v, want split: fractions: ...%s", c.fractions, err, c.want)
		}
	}
	if _, err := splitCuts([]float64{0.5, 0.5 - 5e-10}); err != nil {
		t.Errorf("a sum within 1e-9 of 1: %v", err)
	}
}
