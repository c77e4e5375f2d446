//go:build duckdb_arrow

package service

import (
	"errors"
	"testing"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
)

// Models saved before ducksight stored training statistics (files
// exported then, in testdata/models) load and decode; a function that
// needs the statistics says to retrain them. A model with them gets
// them.
func TestNeedStatistics(t *testing.T) {
	files := map[string]string{
		"perceptron": "../testdata/models/perceptron_v1_no_statistics.model.json",
		"kmeans":     "../testdata/models/kmeans_v1_no_statistics.model.json",
	}
	for kind, path := range files {
		rec, err := store.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rec.Name, rec.Version = "old_"+kind, 3
		doc, err := decodeKind("drift", rec, takesAll)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		_, err = needStatistics("drift", rec, doc, "drift")
		want := `drift: model: model "old_` + kind + `" version 3 was trained before ducksight stored training statistics; retrain it to get drift`
		if err == nil || err.Error() != want || !errors.Is(err, dserr.Incompatible) {
			t.Errorf("%s: %v\nwant %s", kind, err, want)
		}
	}

	stats := features.Statistics{{Column: "x", Kind: features.KindNumeric, Rows: 1}}
	for _, doc := range []store.Document{&training.Document{Statistics: stats}, &clustering.Document{Statistics: stats}} {
		got, err := needStatistics("drift", &store.Record{Name: "m", Version: 1}, doc, "drift")
		if err != nil || len(got) != 1 || got[0].Column != "x" {
			t.Errorf("%T: %v, %v", doc, got, err)
		}
	}
}
