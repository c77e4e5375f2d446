package engine

import (
	"context"

	"github.com/ducksight/ducksight/service"
)

// ColumnProfile is a row of profile(data): a column's type, row and NULL
// counts, moments, distinct count, quartiles, most frequent level,
// identifier-like and constant flags and, with a label, its association
// with the label (NaN where SQL gives NULL).
type ColumnProfile = service.ColumnProfile

// ProfileOptions are profile's named arguments: Label names the label
// column ("" for none).
type ProfileOptions = service.ProfileOptions

// Profile reads data once, streaming, and returns one profile per column,
// in the data's column order, as profile(data, label := ...) does.
func (e *Engine) Profile(ctx context.Context, data string, o ProfileOptions) ([]ColumnProfile, error) {
	return service.Profile(ctx, e.env(), data, o)
}
