//go:build duckdb_arrow

package service

import (
	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/store"
)

// statisticsDocument is a model document that stores the statistics
// block of its input columns (features.Statistics), as every kind trained
// since ducksight stores one does: *training.Document and
// *clustering.Document. A new kind's document gets the same method.
type statisticsDocument interface {
	TrainingStatistics() features.Statistics
}

// needStatistics returns the statistics block of doc, the document of
// rec, for fn, which needs it to give what (e.g. "drift", "explain's
// baseline"); a model saved before ducksight stored statistics has none,
// and that is an Incompatible error of the model argument that says to
// retrain it.
func needStatistics(fn string, rec *store.Record, doc store.Document, what string) (features.Statistics, error) {
	if d, ok := doc.(statisticsDocument); ok {
		if s := d.TrainingStatistics(); len(s) > 0 {
			return s, nil
		}
	}
	return nil, dserr.New(dserr.Incompatible, fn, "model",
		"model %q version %d was trained before ducksight stored training statistics; retrain it to get %s", rec.Name, rec.Version, what)
}
