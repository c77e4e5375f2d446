//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"encoding/json"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// loadRecord loads version (0: latest) of model name from the caller's
// default database.
func loadRecord(ctx context.Context, h *udf.Host, searchPath, fn, name string, version int) (*store.Record, error) {
	conn, err := h.Conn(ctx, searchPath)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	defer conn.Close()
	rec, err := store.Load(ctx, conn, name, version)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "model", err)
	}
	return rec, nil
}

// decodeDocument decodes a record's document into doc and, when the kind's
// document validates itself (training.Document, clustering.Document), checks
// it the way import_model checks a file: a document damaged in the table
// (edited by hand, written by a broken tool) is an error, never wrong
// numbers.
func decodeDocument(fn string, rec *store.Record, doc any) error {
	if err := json.Unmarshal(rec.Document, doc); err != nil {
		return dserr.New(dserr.Internal, fn, "model", "model %q version %d: unreadable document: %v", rec.Name, rec.Version, err)
	}
	if v, ok := doc.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return dserr.New(dserr.Internal, fn, "model", "model %q version %d: damaged document: %v", rec.Name, rec.Version, err)
		}
	}
	return nil
}

// wrongKind is the error of a function given a model of a kind it does not
// take.
func wrongKind(fn string, rec *store.Record, want string) error {
	return dserr.New(dserr.Incompatible, fn, "model", "model %q is of kind %s; %s takes %s models", rec.Name, rec.Kind, fn, want)
}

// loadModel loads a perceptron model (see loadRecord) and decodes its
// document.
func loadModel(ctx context.Context, h *udf.Host, searchPath, fn, name string, version int) (*store.Record, *training.Document, error) {
	rec, err := loadRecord(ctx, h, searchPath, fn, name, version)
	if err != nil {
		return nil, nil, err
	}
	if rec.Kind != "perceptron" {
		return nil, nil, wrongKind(fn, rec, "perceptron")
	}
	var doc training.Document
	if err := decodeDocument(fn, rec, &doc); err != nil {
		return nil, nil, err
	}
	return rec, &doc, nil
}

// loadKMeans loads a kmeans model (segment) and decodes its document.
func loadKMeans(ctx context.Context, h *udf.Host, searchPath, fn, name string, version int) (*store.Record, *clustering.Document, error) {
	rec, err := loadRecord(ctx, h, searchPath, fn, name, version)
	if err != nil {
		return nil, nil, err
	}
	if rec.Kind != "kmeans" {
		return nil, nil, wrongKind(fn, rec, "kmeans (segment)")
	}
	var doc clustering.Document
	if err := decodeDocument(fn, rec, &doc); err != nil {
		return nil, nil, err
	}
	return rec, &doc, nil
}

// checkModelName refuses a model name the store would refuse (empty,
// control characters; store.CheckName), as an error of fn's model argument.
func checkModelName(fn, name string) error {
	return dserr.Wrap(dserr.InvalidArgument, fn, "model", store.CheckName(name))
}
