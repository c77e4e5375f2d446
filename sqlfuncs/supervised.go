//go:build duckdb_arrow

package sqlfuncs

import (
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// The named arguments every supervised training function
// (train_perceptron, train_boosted_trees) takes, declared once: the same
// names, types, defaults, ranges and meanings, read by supervisedArgs.
var (
	labelParam    = udf.Param{Name: "label", Type: udf.Varchar, Doc: "the column to predict", DefaultDoc: "required"}
	featuresParam = udf.Param{Name: "features", Type: udf.List(udf.Varchar), Doc: "input columns; naming an identifier-like column here keeps it", DefaultDoc: "all columns but the label and exclude"}
	excludeParam  = udf.Param{Name: "exclude", Type: udf.List(udf.Varchar), Doc: "columns not to use", DefaultDoc: "none"}
	taskParam     = udf.Param{Name: "task", Type: udf.Varchar, Doc: "what to predict; 'auto' decides from the label (see below)", Default: training.DefaultTask.String(),
		Choices: []string{"auto", "binary", "multiclass", "regression"}}
	validationFractionParam = udf.Param{Name: "validation_fraction", Type: udf.Double, Doc: "share of rows held out for validation, chosen by a hash of each row's content and the seed (independent of row order); 0 disables validation", Default: training.DefaultValidationFraction,
		Range: &udf.Range{Min: 0, Max: 1, MaxOpen: true}}
	classWeightParam = udf.Param{Name: "class_weight", Type: udf.Varchar, Doc: "'balanced' weighs each class by n / (classes * n_class)", Default: training.DefaultClassWeight, Choices: []string{"none", "balanced"}}
	positiveParam    = udf.Param{Name: "positive", Type: udf.Any, Doc: "binary: the positive class", DefaultDoc: "true for BOOLEAN, 1 for a 0/1 label, otherwise the less frequent class (the larger on a tie)"}
	seedParam        = udf.Param{Name: "seed", Type: udf.BigInt, Doc: "random seed", Default: training.DefaultSeed}
)

// supervised points at the fields of a training function's options that
// every supervised training shares (training.Options, TreeOptions).
type supervised struct {
	label              *string
	features, exclude  *[]string
	task               *task.Task
	validationFraction **float64
	earlyStopping      **bool
	classWeight        *string
	positive           **string
	memoryLimit        *string
	seed               **int64
}

// read reads the shared arguments; an absent one stays the zero (or nil)
// field the service fills with its default.
func (s supervised) read(a args) error {
	var err error
	if *s.label, err = a.string("label"); err != nil {
		return err
	}
	if *s.features, err = a.namedStrings("features"); err != nil {
		return err
	}
	if *s.exclude, err = a.namedStrings("exclude"); err != nil {
		return err
	}
	tk, err := a.string("task")
	if err != nil {
		return err
	}
	if *s.task, err = training.ParseTask(a.fn, tk); err != nil {
		return err
	}
	if *s.validationFraction, err = a.optFloat("validation_fraction"); err != nil {
		return err
	}
	if *s.earlyStopping, err = a.namedBool("early_stopping"); err != nil {
		return err
	}
	if *s.classWeight, err = a.string("class_weight"); err != nil {
		return err
	}
	if *s.positive, err = a.namedText("positive"); err != nil {
		return err
	}
	if *s.memoryLimit, err = a.string("memory_limit"); err != nil {
		return err
	}
	*s.seed, err = a.optInt64("seed")
	return err
}
