//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// models(), training_info(model, version := N), drop_model(model, version := N).

// modelsColumns are models's result columns.
var modelsColumns = []ColumnDoc{
	{"name", "VARCHAR", "model name"},
	{"version", "INTEGER", "version (1, 2, ...)"},
	{"kind", "VARCHAR", "perceptron (segment models: kmeans)"},
	{"task", "VARCHAR", "binary, multiclass or regression (segment models: segmentation)"},
	{"positive", "VARCHAR", "a binary model's positive class as text (NULL for other tasks)"},
	{"label", "VARCHAR", "label column (empty for segment models)"},
	{"features", "VARCHAR[]", "input columns"},
	{"metric", "VARCHAR", "auc, accuracy or rmse (segment models: silhouette)"},
	{"valid_metric", "DOUBLE", "validation metric of the kept epoch (segment models: the silhouette)"},
	{"created_at", "TIMESTAMP", "when it was trained and saved (UTC); an imported version keeps the exported one's"},
	{"data", "VARCHAR", "the data argument it was trained on"},
}

var modelsFn = &Function{
	Name:    "models",
	Summary: "list every stored model version",
	Example: "SELECT name, version, task, metric, valid_metric FROM models();",
	Columns: modelsColumns,
	Table:   &udf.TableFunc{Name: "models", Bind: bindModels},
}

// trainingInfoColumns are training_info's result columns.
var trainingInfoColumns = []ColumnDoc{
	{"epoch", "INTEGER", "1, 2, ...; named round for a boosted-trees model (one row per round)"},
	{"train_loss", "DOUBLE", "mean training loss over the epoch"},
	{"valid_loss", "DOUBLE", "validation loss after the epoch (NULL without validation)"},
	{"valid_metric", "DOUBLE", "validation AUC, accuracy or RMSE after the epoch"},
	{"kept", "BOOLEAN", "the epoch whose weights the model kept; for boosted trees, every round up to the best"},
	{"seconds", "DOUBLE", "wall time of the epoch"},
}

var trainingInfoFn = &Function{
	Name:    "training_info",
	Summary: "per-epoch training history of a model version",
	Example: "SELECT epoch, train_loss, valid_loss, valid_metric FROM training_info('churn');",
	Columns: trainingInfoColumns,
	Table: &udf.TableFunc{
		Name:  "training_info",
		Bind:  bindTrainingInfo,
		Args:  []udf.Param{modelParam},
		Named: []udf.Param{versionParam},
	},
}

// dropModelColumns are drop_model's result columns.
var dropModelColumns = []ColumnDoc{
	{"name", "VARCHAR", "model name"},
	{"version", "INTEGER", "a deleted version"},
}

// dropModelName is the function's SQL name.
const dropModelName = "drop_model"

var dropModelFn = &Function{
	Name:    dropModelName,
	Summary: "delete a model version, or every version of a model, and list what was deleted",
	Example: "SELECT * FROM drop_model('churn', version := 1);",
	Columns: dropModelColumns,
	Table: &udf.TableFunc{
		Name:    dropModelName,
		Bind:    bindDropModel,
		Args:    []udf.Param{modelParam},
		Named:   []udf.Param{{Name: "version", Type: udf.Integer, Doc: "the version to delete", DefaultDoc: "every version", Range: versionParam.Range}},
		Mutates: true,
	},
}

// rowsBound serves a small result computed at execution (rows of Go values).
type rowsBound struct {
	cols    []udf.Column
	compute func(ctx context.Context) ([][]any, error)
	// prepare, when set instead of compute, also returns the execution's
	// last step, run when DuckDB asks for the chunk after the last row
	// (see service.PendingSave).
	prepare func(ctx context.Context) ([][]any, func(context.Context) error, error)
	close   func() // when set, called by Close
}

func (r *rowsBound) Columns() []udf.Column { return r.cols }
func (r *rowsBound) Close() error {
	if r.close != nil {
		r.close()
	}
	return nil
}
func (r *rowsBound) Start(ctx context.Context) (udf.Execution, error) {
	return &rowsExec{r: r}, nil
}

type rowsExec struct {
	r    *rowsBound
	rows [][]any
	next int
	done bool
	last func(context.Context) error
}

func (e *rowsExec) Threads() int { return 1 }
func (e *rowsExec) Close() error { return nil }
func (e *rowsExec) Fill(ctx context.Context, out *udf.Output) error {
	if !e.done {
		var rows [][]any
		var err error
		if e.r.prepare != nil {
			rows, e.last, err = e.r.prepare(ctx)
		} else {
			rows, err = e.r.compute(ctx)
		}
		if err != nil {
			return err
		}
		e.rows, e.done = rows, true
	}
	m := min(out.Capacity(), len(e.rows)-e.next)
	if m <= 0 {
		if last := e.last; last != nil {
			e.last = nil
			if err := last(ctx); err != nil {
				return err
			}
		}
		out.SetLen(0)
		return nil
	}
	// writeRow marks NULLs one row at a time (Output.SetNull), on the
	// all-valid masks DuckDB hands over with each chunk.
	for j := 0; j < m; j++ {
		writeRow(out, j, e.rows[e.next+j])
	}
	e.next += m
	out.SetLen(m)
	return nil
}

// modelVersion reads the model name (positional argument 0) and the
// optional version := N (0 when omitted: the latest).
func (a args) modelVersion() (string, int, error) {
	name, err := a.str(0)
	if err != nil {
		return "", 0, err
	}
	if err := service.CheckModelName(a.fn, name); err != nil {
		return "", 0, err
	}
	version, err := versionArg(a)
	return name, version, err
}

func versionArg(a args) (int, error) {
	v, err := a.int("version") // 0 when not given: the latest
	return int(v), err
}

func bindModels(b *udf.BindContext) (udf.Bound, error) {
	env := envOf(b)
	return &rowsBound{cols: resultColumns(modelsColumns), compute: func(ctx context.Context) ([][]any, error) {
		list, err := service.Models(ctx, env)
		if err != nil {
			return nil, err
		}
		return rowsOf(list, func(m service.ModelInfo) []any {
			return []any{m.Name, m.Version, m.Kind, m.Task.String(), positiveValue(m.Task, m.Positive), m.Label, m.Features, m.Metric, m.ValidMetric, m.CreatedAt, m.Data}
		}), nil
	}}, nil
}

func bindTrainingInfo(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, version, err := a.modelVersion()
	if err != nil {
		return nil, err
	}
	epochs, err := service.TrainingInfo(b.Ctx, envOf(b), name, service.TrainingInfoOptions{Version: version})
	if err != nil {
		return nil, err
	}
	cols := resultColumns(trainingInfoColumns)
	if len(epochs) > 0 && epochs[0].Unit == "round" {
		cols[0].Name = "round" // a boosted-trees model's history is by round
	}
	return &rowsBound{cols: cols, compute: func(ctx context.Context) ([][]any, error) {
		return rowsOf(epochs, func(e service.TrainingEpoch) []any {
			return []any{e.Epoch, e.TrainLoss, e.ValidLoss, e.ValidMetric, e.Kept, e.Seconds}
		}), nil
	}}, nil
}

func bindDropModel(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, version, err := a.modelVersion()
	if err != nil {
		return nil, err
	}
	env := envOf(b)
	return &rowsBound{cols: resultColumns(dropModelColumns), compute: func(ctx context.Context) ([][]any, error) {
		dropped, err := service.DropModel(ctx, env, name, service.DropOptions{Version: version})
		if err != nil {
			return nil, err
		}
		return rowsOf(dropped, func(v int) []any { return []any{name, v} }), nil
	}}, nil
}
