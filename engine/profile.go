package engine

import (
	"context"

	"github.com/ducksight/ducksight/service"
)

// ColumnProfile is a row of profile(data): a column's type, row and NULL
// counts and, for numeric and BOOLEAN columns, mean, standard deviation,
// min and max (NaN where SQL gives NULL).
type ColumnProfile = service.ColumnProfile

// Profile reads data once, streaming, and returns one profile per column,
// in the data's column order, as profile(data) does.
func (e *Engine) Profile(ctx context.Context, data string) ([]ColumnProfile, error) {
	return service.Profile(ctx, e.env(), data)
}
