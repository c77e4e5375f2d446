package engine

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ducksight/ducksight/service"
)

// WhatIfOptions are what_if's arguments after model and data
// (docs/sql.md): Set, the model input columns and their values in order
// (at least one), and Version, 0 for the latest.
type WhatIfOptions = service.WhatIfOptions

// Setting is one column of WhatIfOptions.Set and the value every row
// gets: nil (NULL), a bool, an integer or float of any Go type, a string
// or a time.Time, cast to the column's training type as the SQL
// function casts it.
type Setting = service.Setting

// WhatIf is what_if(name, data, set := {...}, ...): every row of data
// with its prediction (and probability for a classifier) as it is, then
// with the columns of o.Set replaced (prediction_what_if,
// probability_what_if) and the change, as Arrow record batches streamed
// and released as Predict's.
func (e *Engine) WhatIf(ctx context.Context, model, data string, o WhatIfOptions) (array.RecordReader, error) {
	const fn = "what_if"
	p, err := service.BindWhatIf(ctx, e.env(), model, data, o)
	if err != nil {
		return nil, service.Err(ctx, fn, err)
	}
	return newScoredReader(ctx, fn, p)
}
