package service

// The options of split. They are declared without the duckdb_arrow build
// constraint, so go doc lists them; BindSplit and Splitter are in
// split.go.

// DefaultSplitSeed is the seed of split's row hash when SplitOptions.Seed
// is nil.
const DefaultSplitSeed = 42

// SplitFractionTolerance is how far split's fractions may sum from 1.
const SplitFractionTolerance = 1e-9

// DefaultSplitFractions are split's parts when SplitOptions.Fractions is
// nil: 80% in part 1, 20% in part 2. Read it, never change it.
var DefaultSplitFractions = []float64{0.8, 0.2}

// SplitOptions are split's named arguments. A zero value means the
// documented default.
type SplitOptions struct {
	// Fractions are the expected shares of the parts 1, 2, ..., each
	// positive and finite, summing to 1 within SplitFractionTolerance.
	// nil is DefaultSplitFractions; an empty non-nil slice is an error
	// (SQL's fractions := []).
	Fractions []float64
	// By are the columns whose values choose a row's part (matched as
	// SQL matches names, case-insensitively), each at most once; empty
	// is every column of the data.
	By []string
	// Seed is the seed of the row hash; nil is DefaultSplitSeed.
	Seed *int64
}
