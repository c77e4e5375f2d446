package engine

import (
	"context"

	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/service"
)

// The evaluation functions as typed calls: each runs the service the SQL
// function runs (package service), on the engine's database with the
// default search path, and returns its typed result; errors are the same
// *dserr.Error values whose text SQL shows, naming the function and the
// argument.
//
// Their data argument may be HeldOut: the model's own validation rows
// (SQL's NULL data).

// HeldOut is the data argument of Evaluate, ConfusionMatrix, ROCCurve,
// Lift, Calibration, Fairness, FeatureImportance and Threshold that
// evaluates a model on the rows its training held out (validation_fraction):
// the model's stored data text is read again under the search path it was
// trained under, the validation rows of its hash split are kept, and the
// call fails, naming the data argument, when the data no longer gives the
// rows the training read (row count and fingerprint), and for a model that
// holds out no rows (validation_fraction := 0, kmeans), an imported one, or
// one saved before ducksight kept where its data is read.
const HeldOut = service.HeldOut

// EvaluateOptions are evaluate's named arguments (docs/sql.md); zero
// fields are the defaults.
type EvaluateOptions = service.EvaluateOptions

// ConfusionOptions are confusion_matrix's named arguments.
type ConfusionOptions = service.ConfusionOptions

// ROCOptions are roc_curve's named arguments.
type ROCOptions = service.ROCOptions

// LiftOptions are lift's named arguments.
type LiftOptions = service.LiftOptions

// CalibrationOptions are calibration's named arguments.
type CalibrationOptions = service.CalibrationOptions

// FairnessOptions are fairness's named arguments.
type FairnessOptions = service.FairnessOptions

// ImportanceOptions are feature_importance's named arguments.
type ImportanceOptions = service.ImportanceOptions

// ThresholdOptions are threshold's named arguments.
type ThresholdOptions = service.ThresholdOptions

// Evaluation is evaluate's row: the rows evaluated and the measures of the
// model's kind by evaluate's column names (NULL as NaN), in Columns'
// order.
type Evaluation = service.Evaluation

// ConfusionCell is a row of confusion_matrix.
type ConfusionCell = service.ConfusionCell

// FairnessGroup is a row of fairness: Null marks the NULL group.
type FairnessGroup = service.FairnessGroup

// Importance is a row of feature_importance (Weight NaN for MLPs).
type Importance = service.Importance

// Evaluate is evaluate(model, data, ...): the quality measures of a model
// (binary, multiclass, regression or kmeans) on data that holds the label.
func (e *Engine) Evaluate(ctx context.Context, model, data string, o EvaluateOptions) (*Evaluation, error) {
	return service.Evaluate(ctx, e.env(), model, data, o)
}

// ConfusionMatrix is confusion_matrix(model, data, ...): the count of
// every (actual, predicted) class pair of a classifier, zeros included.
func (e *Engine) ConfusionMatrix(ctx context.Context, model, data string, o ConfusionOptions) ([]ConfusionCell, error) {
	return service.ConfusionMatrix(ctx, e.env(), model, data, o)
}

// ROCCurve is roc_curve(model, data, ...): a binary classifier's ROC and
// precision-recall points at o.Points thresholds evenly spaced over [0, 1].
func (e *Engine) ROCCurve(ctx context.Context, model, data string, o ROCOptions) ([]metrics.ROCPoint, error) {
	return service.ROCCurve(ctx, e.env(), model, data, o)
}

// Threshold is threshold(model, data, ...): the decision threshold of a
// binary classifier that maximises o.Metric (F1 by default), or flags the
// share o.Budget of the rows, and the classifier's figures there (NaN
// where the SQL function gives NULL).
func (e *Engine) Threshold(ctx context.Context, model, data string, o ThresholdOptions) (metrics.ThresholdChoice, error) {
	return service.Threshold(ctx, e.env(), model, data, o)
}

// Lift is lift(model, data, ...): a binary classifier's lift table.
func (e *Engine) Lift(ctx context.Context, model, data string, o LiftOptions) ([]metrics.LiftBin, error) {
	return service.Lift(ctx, e.env(), model, data, o)
}

// Calibration is calibration(model, data, ...): a binary classifier's
// mean predicted probability against the observed rate, per bin.
func (e *Engine) Calibration(ctx context.Context, model, data string, o CalibrationOptions) ([]metrics.CalBin, error) {
	return service.Calibration(ctx, e.env(), model, data, o)
}

// Fairness is fairness(model, data, ...): a binary classifier's rates per
// group of column o.By and parity measures against the largest group.
func (e *Engine) Fairness(ctx context.Context, model, data string, o FairnessOptions) ([]FairnessGroup, error) {
	return service.Fairness(ctx, e.env(), model, data, o)
}

// FeatureImportance is feature_importance(model, data, ...): the
// permutation importance of every input column of a perceptron model, by
// descending importance.
func (e *Engine) FeatureImportance(ctx context.Context, model, data string, o ImportanceOptions) ([]Importance, error) {
	return service.FeatureImportance(ctx, e.env(), model, data, o)
}
