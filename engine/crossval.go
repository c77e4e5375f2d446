package engine

import (
	"context"

	"github.com/ducksight/ducksight/service"
)

// CrossValidateOptions are cross_validate's named arguments: Folds (0 is
// 5) and By, and the training options of the kind cross-validated
// (Perceptron for "perceptron", BoostedTrees for "boosted_trees"; their
// Label is required and their Seed also seeds the folds). Predictions asks
// for every test row's fold and prediction.
type CrossValidateOptions = service.CrossValidateOptions

// CrossValidation is cross_validate's result: the task, its measures,
// a CVFold per fold, and their mean and sample standard deviation.
type CrossValidation = service.CrossValidation

// CVFold is a row of cross_validate: one fold.
type CVFold = service.CVFold

// CVPrediction is a test row of a fold (CrossValidateOptions.Predictions).
type CVPrediction = service.CVPrediction

// The kinds CrossValidate trains.
const (
	KindPerceptron   = service.KindPerceptron
	KindBoostedTrees = service.KindBoostedTrees
)

// CrossValidate is cross_validate(kind, data, ...): k-fold
// cross-validation of train_perceptron (kind KindPerceptron) or
// train_boosted_trees (KindBoostedTrees) on data, which is read once.
// Folds come from a seeded hash of each row's By columns (all columns when
// By is empty), stratified by the label, so the same data and seed give
// the same folds whatever the order of the rows; each fold trains on the
// other folds' rows with the kind's options and is measured on its own.
// Nothing is saved. Errors are the SQL function's, as *dserr.Error values.
func (e *Engine) CrossValidate(ctx context.Context, kind, data string, o CrossValidateOptions) (*CrossValidation, error) {
	return service.CrossValidate(ctx, e.env(), kind, data, o)
}
