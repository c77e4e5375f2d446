//go:build duckdb_arrow

package service

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
)

// The SQL names of the catalogue functions, which their errors carry.
const (
	fnModels       = "models"
	fnTrainingInfo = "training_info"
	fnDropModel    = "drop_model"
	fnExportModel  = "export_model"
	fnImportModel  = "import_model"
)

// Models is models(): every stored model version, by name then version,
// in the default database of env's search path. An empty database has
// none (and no error).
func Models(ctx context.Context, env Env) ([]ModelInfo, error) {
	fn := fnModels
	conn, err := env.Conn(ctx, fn)
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	defer conn.Close()
	list, err := store.List(ctx, conn)
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	rows := make([]ModelInfo, 0, len(list))
	for _, s := range list {
		rows = append(rows, ModelInfo{Name: s.Name, Version: s.Version, Kind: s.Kind, Task: s.Task, Positive: s.Positive, Label: s.Label,
			Features: s.Features, Metric: s.Metric, ValidMetric: s.ValidMetric, CreatedAt: s.CreatedAt, Data: s.Data})
	}
	return rows, nil
}

// TrainingInfo is training_info(model, version := ...): the per-epoch
// history of a perceptron model version.
func TrainingInfo(ctx context.Context, env Env, model string, o TrainingInfoOptions) ([]TrainingEpoch, error) {
	fn := fnTrainingInfo
	if err := CheckModelName(fn, model); err != nil {
		return nil, err
	}
	rec, err := env.Record(ctx, fn, model, o.Version)
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	doc, err := decodeKind(fn, rec, takesTrained)
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	var history []training.Epoch
	unit, best := "epoch", 0
	kept := func(e int) bool { return e == best }
	switch d := doc.(type) {
	case *training.Document:
		history, best = d.History, d.Metrics.BestEpoch
	case *training.TreesDocument:
		// The model keeps every round up to the best.
		history, best, unit = d.History, d.Metrics.BestEpoch, "round"
		kept = func(e int) bool { return e <= best }
	}
	var timing struct {
		EpochSeconds []float64 `json:"epoch_seconds"`
	}
	_ = json.Unmarshal(rec.Metrics, &timing)
	rows := make([]TrainingEpoch, 0, len(history))
	for i, e := range history {
		secs := math.NaN()
		if i < len(timing.EpochSeconds) {
			secs = timing.EpochSeconds[i]
		}
		rows = append(rows, TrainingEpoch{Epoch: e.Epoch, Unit: unit, TrainLoss: e.TrainLoss, ValidLoss: float64(e.ValidLoss),
			ValidMetric: float64(e.ValidMetric), Kept: kept(e.Epoch), Seconds: secs})
	}
	return rows, nil
}

// DropModel is drop_model(model, version := ...): it deletes a version of
// model, or every version when o.Version is 0, from the default database
// of env's search path, and returns the versions it deleted. Deleting
// nothing (no such model or version) is a dserr.NotFound error.
func DropModel(ctx context.Context, env Env, model string, o DropOptions) ([]int, error) {
	fn := fnDropModel
	if err := CheckModelName(fn, model); err != nil {
		return nil, err
	}
	if o.Version < 0 {
		return nil, dserr.Arg(fn, "version", "must be at least 1 (or 0 for every version), got %d", o.Version)
	}
	conn, err := env.Conn(ctx, fn)
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	defer conn.Close()
	dropped, err := store.Drop(ctx, conn, model, o.Version)
	if err != nil {
		if !errors.As(err, new(*dserr.Error)) && strings.Contains(err.Error(), "read-only") {
			return nil, dserr.New(dserr.Refused, fn, "model", "cannot drop: the database is read-only")
		}
		return nil, Err(ctx, fn, err)
	}
	return dropped, nil
}

// ExportModel is export_model(model, path, version := ...): it writes a
// version of model (o.Version, 0 for the latest), from the default
// database of env's search path, to the file at path (relative to the
// process's working directory), replacing it atomically. It is refused
// (dserr.Refused) when enable_external_access is false.
func ExportModel(ctx context.Context, env Env, model, path string, o ExportOptions) (*ExportResult, error) {
	fn := fnExportModel
	if err := CheckModelName(fn, model); err != nil {
		return nil, err
	}
	if o.Version < 0 {
		return nil, dserr.Arg(fn, "version", "must be at least 1 (or 0 for the latest), got %d", o.Version)
	}
	abs, err := filePath(fn, path)
	if err != nil {
		return nil, err
	}
	if err := env.checkFileAccess(ctx, fn); err != nil {
		return nil, Err(ctx, fn, err)
	}
	rec, err := env.Record(ctx, fn, model, o.Version)
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	n, err := store.WriteFile(abs, rec)
	if err != nil {
		return nil, Err(ctx, fn, dserr.Wrap(dserr.Internal, fn, "path", err))
	}
	return &ExportResult{Model: rec.Name, Version: rec.Version, Path: abs, Bytes: n}, nil
}

// PrepareImport is import_model(model, path) up to the save: it reads the
// model file at path and checks it (store.ReadFileContext), and reserves
// the version it is to be saved as under model; the returned PendingSave
// saves it (the SQL function commits it after its last row). It is
// refused (dserr.Refused) when enable_external_access is false, and on a
// read-only database.
func PrepareImport(ctx context.Context, env Env, model, path string) (*ImportResult, *PendingSave, error) {
	fn := fnImportModel
	if err := CheckModelName(fn, model); err != nil {
		return nil, nil, err
	}
	abs, err := filePath(fn, path)
	if err != nil {
		return nil, nil, err
	}
	if err := env.checkFileAccess(ctx, fn); err != nil {
		return nil, nil, err
	}
	if err := env.checkWritable(ctx, fn); err != nil {
		return nil, nil, err
	}
	rec, err := store.ReadFileContext(ctx, abs)
	if err != nil {
		return nil, nil, dserr.Wrap(dserr.Internal, fn, "path", err)
	}
	rec.Name = model
	// Its data text names data of the database it was exported from.
	rec.Source = &store.Source{Imported: abs}
	p, err := Reserve(ctx, env, fn, rec)
	if err != nil {
		return nil, nil, err
	}
	return &ImportResult{Model: model, Version: p.Version(), Path: abs}, p, nil
}

// ImportModel is import_model(model, path) for Go callers: it reads and
// checks the model file at path and saves it at once as a new version of
// model, whatever name the file holds. Nothing is saved when the file
// fails a check.
func ImportModel(ctx context.Context, env Env, model, path string) (*ImportResult, error) {
	r, p, err := PrepareImport(ctx, env, model, path)
	if err == nil {
		err = p.Commit(ctx)
	}
	if err != nil {
		return nil, Err(ctx, fnImportModel, err)
	}
	return r, nil
}
