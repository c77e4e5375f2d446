package tuning

import (
	"math"
	"strings"
)

// The model kinds tune searches, and the pseudo-kind that searches both.
const (
	Perceptron   = "perceptron"
	BoostedTrees = "boosted_trees"
	Auto         = "auto"
)

// Kinds are the kinds a Search may hold, in the order kind 'auto'
// alternates them (Search.Trial).
var Kinds = []string{BoostedTrees, Perceptron}

// Type is the SQL type of a tunable parameter, as the training function
// takes it.
type Type uint8

const (
	// Integer is an INTEGER parameter; its values are int64.
	Integer Type = iota + 1
	// Double is a DOUBLE parameter; its values are float64.
	Double
	// Varchar is a VARCHAR parameter with a fixed set of values; its
	// values are string.
	Varchar
	// IntegerList is an INTEGER[] parameter (hidden); its values are
	// []int64, each element within the parameter's range.
	IntegerList
)

// String returns the SQL spelling of t: INTEGER, DOUBLE, VARCHAR or
// INTEGER[].
func (t Type) String() string {
	switch t {
	case Integer:
		return "INTEGER"
	case Double:
		return "DOUBLE"
	case Varchar:
		return "VARCHAR"
	case IntegerList:
		return "INTEGER[]"
	}
	return "Type(?)"
}

// Param describes a tunable parameter of a kind: its training argument's
// name, type and legal values.
type Param struct {
	Name string
	Type Type
	// Min and Max bound a number (Integer, Double) or each element of an
	// IntegerList; Max is +Inf for a parameter bounded below only
	// (which must still be finite). MinOpen excludes Min itself
	// (learning_rate, subsample, colsample are > 0).
	Min, Max float64
	MinOpen  bool
	// Values are a Varchar parameter's legal values.
	Values []string
}

// The bounds of the training arguments, restated from engine/training so
// that this package does not depend on it (options.go: MaxHiddenSize,
// MaxLearningRate, MaxBatchSize, MaxEpochs, MaxL2 and Options.Validate;
// tree_options.go: MaxTrees, MaxTreeDepth; trees.go: TreeOptions.Validate).
// docs/sql.md's train_perceptron and train_boosted_trees tables show the
// same ranges. Keep them equal to training's.
const (
	maxHiddenSize   = 4096      // training.MaxHiddenSize: units of one hidden layer
	maxLearningRate = 10        // training.MaxLearningRate: learning_rate in (0, 10], both kinds
	maxBatchSize    = 1_000_000 // training.MaxBatchSize
	maxEpochs       = 100_000   // training.MaxEpochs
	maxL2           = 1000      // training.MaxL2: l2 in [0, 1000], both kinds
	maxTrees        = 100_000   // training.MaxTrees
	maxTreeDepth    = 30        // training.MaxTreeDepth
)

// params are the tunable parameters of each kind, ordered by name.
var params = map[string][]Param{
	Perceptron: {
		{Name: "activation", Type: Varchar, Values: []string{"relu", "tanh", "sigmoid"}},
		{Name: "batch_size", Type: Integer, Min: 1, Max: maxBatchSize},
		{Name: "epochs", Type: Integer, Min: 1, Max: maxEpochs},
		{Name: "hidden", Type: IntegerList, Min: 1, Max: maxHiddenSize},
		{Name: "l2", Type: Double, Min: 0, Max: maxL2},
		{Name: "learning_rate", Type: Double, Min: 0, MinOpen: true, Max: maxLearningRate},
	},
	BoostedTrees: {
		{Name: "colsample", Type: Double, Min: 0, MinOpen: true, Max: 1},
		{Name: "l2", Type: Double, Min: 0, Max: maxL2},
		{Name: "learning_rate", Type: Double, Min: 0, MinOpen: true, Max: maxLearningRate},
		{Name: "max_depth", Type: Integer, Min: 1, Max: maxTreeDepth},
		{Name: "min_child_weight", Type: Double, Min: 0, Max: math.Inf(1)},
		{Name: "min_split_gain", Type: Double, Min: 0, Max: math.Inf(1)},
		{Name: "subsample", Type: Double, Min: 0, MinOpen: true, Max: 1},
		{Name: "trees", Type: Integer, Min: 1, Max: maxTrees},
	},
}

// Params returns the tunable parameters of kind ("perceptron" or
// "boosted_trees"), ordered by name, or nil for another kind. The slice
// is shared: do not modify it.
func Params(kind string) []Param { return params[kind] }

// Lookup returns kind's parameter called name.
func Lookup(kind, name string) (Param, bool) {
	for _, p := range params[kind] {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// paramNames lists kind's parameter names, comma separated.
func paramNames(kind string) string {
	names := make([]string, 0, len(params[kind]))
	for _, p := range params[kind] {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// bounds says what p's numbers must be, as the training errors say it:
// "must be between 1 and 30", "must be greater than 0 and at most 1",
// "must be a finite number at least 0".
func (p Param) bounds() string {
	switch {
	case math.IsInf(p.Max, 1):
		return "must be a finite number at least " + num(p.Min)
	case p.MinOpen:
		return "must be greater than " + num(p.Min) + " and at most " + num(p.Max)
	}
	return "must be between " + num(p.Min) + " and " + num(p.Max)
}

// legal reports whether the finite number v is within p's bounds.
func (p Param) legal(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) || v > p.Max {
		return false
	}
	if p.MinOpen {
		return v > p.Min
	}
	return v >= p.Min
}
