package training

import (
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/task"
)

// common is what the options of every supervised training function
// (train_perceptron's Options, train_boosted_trees' TreeOptions) share:
// the data, label and validation arguments, with the same defaults,
// checks and error texts. It points into the options struct, which keeps
// its fields flat (so a Go caller writes TrainOptions{Label: ...}).
type common struct {
	label              *string
	features, exclude  *[]string
	task               *task.Task
	validationFraction **float64
	earlyStopping      **bool
	classWeight        *string
	memoryLimit        *string
	seed               **int64
}

// defaults fills the unset shared options.
func (c common) defaults() {
	if *c.task == task.None {
		*c.task = DefaultTask
	}
	if *c.validationFraction == nil {
		*c.validationFraction = new(float64(DefaultValidationFraction))
	}
	if *c.earlyStopping == nil {
		*c.earlyStopping = new(DefaultEarlyStopping)
	}
	if *c.classWeight == "" {
		*c.classWeight = DefaultClassWeight
	}
	if *c.memoryLimit == "" {
		*c.memoryLimit = DefaultMemoryLimit
	}
	if *c.seed == nil {
		*c.seed = new(int64(DefaultSeed))
	}
}

// validateLabel checks the label, features and task options of function
// fn (after defaults); errors name the argument.
func (c common) validateLabel(fn string) error {
	if strings.TrimSpace(*c.label) == "" {
		return dserr.Arg(fn, "label", "required: name the column to predict, e.g. label := 'churned'")
	}
	if f := *c.features; f != nil && len(f) == 0 {
		// Not "every column": that is what leaving it out (nil) means.
		return dserr.Arg(fn, "features", "empty list; leave it out to use every column but the label")
	}
	return checkTask(fn, *c.task, c.task.String())
}

// validateRest checks the validation split, class weights and memory
// limit options of fn and returns the memory limit in bytes.
func (c common) validateRest(fn string) (int64, error) {
	if f := **c.validationFraction; !(f >= 0 && f < 1) {
		return 0, dserr.Arg(fn, "validation_fraction", "must be at least 0 and less than 1, got %g", f)
	}
	switch *c.classWeight {
	case "none", "balanced":
	default:
		return 0, dserr.Arg(fn, "class_weight", "must be 'none' or 'balanced', got '%s'", *c.classWeight)
	}
	limit, err := dataset.ParseSize(*c.memoryLimit)
	if err != nil {
		return 0, dserr.Arg(fn, "memory_limit", "%v", err)
	}
	return limit, nil
}

// ParseTask reads the task option of training function fn as SQL gives
// it, in any case: "auto", "binary", "multiclass" or "regression" (""
// is task.None, the default). Other text is an error of argument task,
// the one Validate gives for a task training does not take.
func ParseTask(fn, s string) (task.Task, error) {
	s = strings.ToLower(s)
	t, err := task.Parse(s)
	if err != nil {
		return task.None, taskError(fn, s)
	}
	return t, checkTask(fn, t, s)
}

// checkTask refuses a task training does not take; text is how the
// caller wrote it.
func checkTask(fn string, t task.Task, text string) error {
	switch t {
	case task.None, task.Auto, task.Binary, task.Multiclass, task.Regression:
		return nil
	}
	return taskError(fn, text)
}

func taskError(fn, text string) error {
	return dserr.Arg(fn, "task", "must be 'auto', 'binary', 'multiclass' or 'regression', got '%s'", text)
}
