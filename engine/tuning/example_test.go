package tuning_test

import (
	"fmt"
	"math"
	"strconv"

	"github.com/ducksight/ducksight/engine/tuning"
)

// Example shows tune's loop: parse the space argument, sample trial i's
// configuration, and let successive halving stop weak trials after a
// fraction of their rounds. The training is simulated: a curve whose
// height depends on the configuration and whose speed on the learning
// rate.
func Example() {
	// space := {max_depth: {min: 2, max: 6}, learning_rate: [0.05, 0.1, 0.3]},
	// with l2 := 1 given explicitly (so not searched).
	space, err := tuning.ParseSpace("tune", "space", tuning.BoostedTrees, []tuning.Field{
		{Name: "max_depth", Value: []tuning.Field{{Name: "min", Value: int64(2)}, {Name: "max", Value: int64(6)}}},
		{Name: "learning_rate", Value: []any{0.05, 0.1, 0.3}},
	}, []string{"l2"})
	if err != nil {
		fmt.Println(err)
		return
	}
	const rounds = 27
	h := tuning.NewHalving(rounds) // rungs at rounds 3 and 9
	fmt.Println("rungs", h.Rungs)
	best, bestAUC := 0, math.Inf(-1)
	for trial := range 8 {
		config := space.Sample(trial, 42)
		d, _ := tuning.Get(config, "max_depth")
		l, _ := tuning.Get(config, "learning_rate")
		depth, lr := float64(d.(int64)), l.(float64)
		status, ran := "completed", rounds
		for round := 1; round <= rounds; round++ {
			auc := (0.9 - 0.02*math.Abs(depth-4)) * (1 - 0.4*math.Exp(-lr*float64(round)))
			if !h.Continue(trial, round, auc) {
				status, ran = "stopped early", round
				break
			}
			if round == rounds {
				h.Finish(trial, auc)
				if auc > bestAUC {
					best, bestAUC = trial, auc
				}
			}
		}
		fmt.Printf("%d %s %d %s\n", trial+1, tuning.JSON(config), ran, status)
	}
	fmt.Printf("best: trial %d, auc %.3f\n", best+1, bestAUC)
	// Errors name the function, the argument and the field.
	_, err = tuning.ParseSpace("tune", "space", tuning.BoostedTrees, []tuning.Field{{Name: "l2", Value: []any{0.1, 1.0}}}, []string{"l2"})
	fmt.Println(err)
	// Output:
	// rungs [3 9]
	// 1 {"learning_rate":0.05,"max_depth":6} 27 completed
	// 2 {"learning_rate":0.1,"max_depth":3} 27 completed
	// 3 {"learning_rate":0.05,"max_depth":4} 27 completed
	// 4 {"learning_rate":0.3,"max_depth":2} 27 completed
	// 5 {"learning_rate":0.05,"max_depth":3} 3 stopped early
	// 6 {"learning_rate":0.3,"max_depth":5} 27 completed
	// 7 {"learning_rate":0.1,"max_depth":2} 3 stopped early
	// 8 {"learning_rate":0.3,"max_depth":4} 27 completed
	// best: trial 8, auc 0.900
	// tune: space: l2 is given explicitly (l2 := ...); leave it out of space or drop the argument
}

// ExampleSearch shows kind 'auto': trials alternate boosted trees and the
// perceptron, each kind with its own sequence over its own space (here
// the perceptron's is narrowed to hidden and l2, the trees' default
// without l2, which is given explicitly).
func ExampleSearch() {
	s, err := tuning.ParseSearch("tune", "space", tuning.Auto, []tuning.Field{
		{Name: "perceptron", Value: []tuning.Field{
			{Name: "hidden", Value: []any{[]any{}, []any{int64(32), int64(16)}}},
			{Name: "learning_rate", Value: []tuning.Field{{Name: "min", Value: 0.001}, {Name: "max", Value: 0.1}, {Name: "scale", Value: "log"}}},
		}},
	}, []string{"l2"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range 4 {
		kind, config := s.Sample(i, 7)
		space, index := s.Trial(i)
		fmt.Printf("trial %d: %s (space %d, index %d): %s\n", i+1, kind, space, index, tuning.JSON(rounded(config)))
	}
	// Output:
	// trial 1: boosted_trees (space 0, index 0): {"colsample":0.6226,"learning_rate":0.2364,"max_depth":3,"min_child_weight":9.766,"subsample":0.9142}
	// trial 2: perceptron (space 1, index 0): {"hidden":[32,16],"learning_rate":0.001062}
	// trial 3: boosted_trees (space 0, index 1): {"colsample":0.8726,"learning_rate":0.05092,"max_depth":2,"min_child_weight":16.54,"subsample":0.6596}
	// trial 4: perceptron (space 1, index 1): {"hidden":[],"learning_rate":0.02289}
}

// rounded returns config with its DOUBLE values rounded to 4 digits, for
// printing.
func rounded(config []tuning.Field) []tuning.Field {
	out := make([]tuning.Field, len(config))
	for i, f := range config {
		out[i] = f
		if v, ok := f.Value.(float64); ok {
			out[i].Value, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 4, 64), 64)
		}
	}
	return out
}
