package engine

import (
	"context"

	"github.com/ducksight/ducksight/service"
)

// The model catalogue as typed calls: models, training_info, drop_model,
// export_model and import_model.

// ModelInfo is a row of models(): one stored model version.
type ModelInfo = service.ModelInfo

// TrainingInfoOptions are training_info's named arguments.
type TrainingInfoOptions = service.TrainingInfoOptions

// TrainingEpoch is a row of training_info: one epoch of a model's
// training history.
type TrainingEpoch = service.TrainingEpoch

// DropOptions are drop_model's named arguments.
type DropOptions = service.DropOptions

// ExportOptions are export_model's named arguments.
type ExportOptions = service.ExportOptions

// ExportResult is export_model's result row.
type ExportResult = service.ExportResult

// Models lists every stored model version, by name then version, as
// models() does. An empty database has none (and no error).
func (e *Engine) Models(ctx context.Context) ([]ModelInfo, error) {
	return service.Models(ctx, e.env())
}

// TrainingInfo is the per-epoch training history of a perceptron model
// version (o.Version, 0 for the latest), as training_info(model, ...)
// gives it.
func (e *Engine) TrainingInfo(ctx context.Context, model string, o TrainingInfoOptions) ([]TrainingEpoch, error) {
	return service.TrainingInfo(ctx, e.env(), model, o)
}

// DropModel deletes version o.Version of model, or every version when it
// is 0, and returns the versions it deleted, as drop_model does. Deleting
// nothing (no such model or version) is a dserr.NotFound error.
func (e *Engine) DropModel(ctx context.Context, model string, o DropOptions) ([]int, error) {
	return service.DropModel(ctx, e.env(), model, o)
}

// ExportModel writes version o.Version of model (0: the latest) to the
// file at path, as export_model(model, path, version := ...) does: a JSON
// model file that ImportModel (or import_model) reads, replacing an
// existing file atomically. A relative path is relative to the process's
// working directory. It is refused (dserr.Refused) when the database has
// enable_external_access = false.
func (e *Engine) ExportModel(ctx context.Context, model, path string, o ExportOptions) (*ExportResult, error) {
	return service.ExportModel(ctx, e.env(), model, path, o)
}

// ImportModel reads a model file written by ExportModel (or export_model),
// checks it, and saves it as a new version of model, whatever name the
// file holds; it returns that version, as import_model does. Nothing is
// saved when the file fails a check. It is refused (dserr.Refused) when
// the database has enable_external_access = false, and on a read-only
// database.
func (e *Engine) ImportModel(ctx context.Context, model, path string) (int, error) {
	r, err := service.ImportModel(ctx, e.env(), model, path)
	if err != nil {
		return 0, err
	}
	return r.Version, nil
}

// TreeRulesOptions are tree_rules' named arguments: Tree 0 is the first,
// Class (multiclass only, required there) names the class, Version 0 is
// the latest.
type TreeRulesOptions = service.TreeRulesOptions

// TreeRule is a row of tree_rules.
type TreeRule = service.TreeRule

// TreeRules is tree_rules(model, ...): the leaves of one tree of a
// boosted-trees model as readable rules, left to right.
func (e *Engine) TreeRules(ctx context.Context, model string, o TreeRulesOptions) ([]TreeRule, error) {
	return service.TreeRules(ctx, e.env(), model, o)
}

// ModelSQLOptions are model_sql's named arguments: Dialect "" is duckdb,
// Version 0 the latest, Source "" the placeholder table ducksight_source.
type ModelSQLOptions = service.ModelSQLOptions

// ModelSQL is model_sql(model, ...): version o.Version of model compiled
// to one SELECT statement in dialect o.Dialect ("duckdb", "clickhouse" or
// "postgres") that reads table o.Source and returns its columns and
// predict's: prediction and probability (and probability_<class> for
// every class of a multiclass model), or segment and distance for a
// kmeans model.
func (e *Engine) ModelSQL(ctx context.Context, model string, o ModelSQLOptions) (string, error) {
	return service.ModelSQL(ctx, e.env(), model, o)
}
