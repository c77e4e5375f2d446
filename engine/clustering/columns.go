package clustering

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
)

// chooseColumns picks the candidate feature columns (features.Selection
// without a label): o.Features when given (explicit: never dropped as
// identifier-like), else every column, less o.Exclude.
func chooseColumns(schema *arrow.Schema, o *Options) (feats []string, explicit map[string]bool, err error) {
	_, feats, explicit, err = features.Selection{Features: o.Features, Exclude: o.Exclude}.Choose(schema)
	if err != nil {
		return nil, nil, dserr.Wrap(dserr.InvalidArgument, Fn, "", err)
	}
	return feats, explicit, nil
}
