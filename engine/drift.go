package engine

import (
	"context"

	"github.com/ducksight/ducksight/service"
)

// DriftOptions are drift's named arguments; the zero value is the
// latest version.
type DriftOptions = service.DriftOptions

// DriftColumn is a row of drift: one input column of the model compared
// with its training statistics (NaN where SQL gives NULL), or the summary
// row (Column DriftSummary).
type DriftColumn = service.DriftColumn

// DriftSummary is the Column of drift's summary row, "(all)".
const DriftSummary = service.DriftSummary

// Drift is drift(model, data, ...): how data differs from the model's
// training data, one row per input column in the model's order, then the
// summary row, from one streaming pass over data. A model trained before
// ducksight stored training statistics is refused (retrain it).
func (e *Engine) Drift(ctx context.Context, model, data string, o DriftOptions) ([]DriftColumn, error) {
	return service.Drift(ctx, e.env(), model, data, o)
}
