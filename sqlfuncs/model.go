//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"encoding/json"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// loadModel loads version (0: latest) of model name from the caller's
// default database and decodes its document.
func loadModel(ctx context.Context, h *udf.Host, searchPath, fn, name string, version int) (*store.Record, *training.Document, error) {
	conn, err := h.Conn(ctx, searchPath)
	if err != nil {
		return nil, nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	defer conn.Close()
	rec, err := store.Load(ctx, conn, name, version)
	if err != nil {
		if de, ok := dserr.InFunc(fn, err); ok {
			return nil, nil, de
		}
		return nil, nil, dserr.Wrap(dserr.Internal, fn, "model", err)
	}
	if rec.Kind != "perceptron" {
		return nil, nil, dserr.New(dserr.Incompatible, fn, "model", "model %q is of kind %s, which %s cannot score yet", name, rec.Kind, fn)
	}
	var doc training.Document
	if err := json.Unmarshal(rec.Document, &doc); err != nil {
		return nil, nil, dserr.New(dserr.Internal, fn, "model", "model %q version %d: unreadable document: %v", name, rec.Version, err)
	}
	return rec, &doc, nil
}
