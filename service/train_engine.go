//go:build duckdb_arrow

package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/pushdown"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// Training where the data lives: train_perceptron with engine := runs the
// pushed-down plan of engine/pushdown (every pass over the rows one
// aggregate query in the engine) on a table of that engine, and saves the
// model as local training saves one.

// engineDuckDB is the engine value of the local database.
const engineDuckDB = "duckdb"

// hiddenWithEngine is why hidden layers do not train in an engine.
const hiddenWithEngine = "not with engine: one gradient of a hidden layer costs about 18 times a logistic one in the engine's SQL, " +
	"and the result would not be the model local training gives (an MLP's optimum depends on its minibatch path); " +
	"train an MLP locally, on a sample"

// checkEngineOptions checks and completes the options of a training
// with engine := before its defaults: a network without hidden layers,
// the lbfgs solver, a binary task, no class weights, the validation rows
// given by validation := (no validation_fraction), filters without ';'.
func checkEngineOptions(o *TrainOptions) error {
	fn := training.Fn
	if len(o.Hidden) > 0 {
		return dserr.Arg(fn, "hidden", "%s", hiddenWithEngine)
	}
	switch strings.ToLower(o.Solver) {
	case "", "auto", "lbfgs":
	default:
		return dserr.Arg(fn, "solver", "with engine only 'lbfgs' trains (full-batch, one aggregate query per evaluation), got '%s'", o.Solver)
	}
	if o.Optimizer != "" || o.LearningRate != 0 || o.BatchSize != 0 || o.EarlyStopping != nil || o.Patience != 0 {
		return dserr.Arg(fn, "solver", "with engine only 'lbfgs' trains: leave out optimizer, learning_rate, batch_size, early_stopping and patience")
	}
	o.Solver = "lbfgs"
	if o.ValidationFraction != nil {
		return dserr.Arg(fn, "validation_fraction", "not with engine: give validation := a condition that holds for the validation rows")
	}
	o.ValidationFraction = new(float64) // validation := splits instead
	switch o.Task {
	case task.None, task.Auto, task.Binary:
	default:
		return dserr.Arg(fn, "task", "with engine only binary classifiers train, got '%s'", o.Task)
	}
	if o.ClassWeight != "" && o.ClassWeight != training.DefaultClassWeight {
		return dserr.Arg(fn, "class_weight", "with engine only 'none'")
	}
	if err := pushdown.CheckWhere(fn, "where", o.Where); err != nil {
		return err
	}
	return pushdown.CheckWhere(fn, "validation", o.Validation)
}

// noEngine refuses the engine options (engine, where, validation, exact)
// in a call of fn that trains locally only (cross_validate, tune).
func noEngine(fn string, o *TrainOptions) error {
	for _, a := range []struct {
		name string
		set  bool
	}{{"engine", o.Engine != ""}, {"where", o.Where != ""}, {"validation", o.Validation != ""}, {"exact", o.Exact != nil}} {
		if a.set {
			return dserr.Arg(fn, a.name, "applies to train_perceptron only: %s trains on data here", fn)
		}
	}
	return nil
}

// engineDialect is the dialect of an engine text of a call of fn,
// checked: 'duckdb' or a ClickHouse address without a password.
func engineDialect(fn, engine string) (pushdown.Dialect, error) {
	switch {
	case strings.EqualFold(engine, engineDuckDB):
		return pushdown.DuckDB, nil
	case strings.HasPrefix(strings.ToLower(engine), clickHouseScheme):
		if _, err := parseClickHouse(fn, engine); err != nil {
			return pushdown.Dialect{}, err
		}
		return pushdown.ClickHouse, nil
	}
	return pushdown.Dialect{}, dserr.Arg(fn, "engine", "unknown engine '%s': 'duckdb' or 'clickhouse://[user@]host:port/database'", engine)
}

// bindTrainEngine binds train_perceptron(model, table, engine := ...):
// the options checked with their defaults, a writable database; nothing
// reaches the engine before Run.
func bindTrainEngine(ctx context.Context, env Env, model, table string, o TrainOptions) (*TrainJob, error) {
	fn := training.Fn
	if err := CheckModelName(fn, model); err != nil {
		return nil, err
	}
	if err := checkEngineOptions(&o); err != nil {
		return nil, err
	}
	o.Defaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	d, err := engineDialect(fn, o.Engine)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(table) == "" {
		return nil, dserr.Arg(fn, "data", "with engine, the name of a table in the engine")
	}
	if err := env.checkWritable(ctx, fn); err != nil {
		return nil, err
	}
	if d == pushdown.DuckDB {
		o.Engine = engineDuckDB
	}
	t := &TrainJob{modelJob: modelJob{env: env, name: model, data: table, engine: o.Engine}, fn: fn}
	t.fit = func(ctx context.Context) (*TrainResult, *store.Record, error) {
		if o.Progress == nil {
			o.Progress = training.ProgressFrom(ctx)
		}
		r, closeRunner, err := openRunner(ctx, env, fn, o.Engine)
		if err != nil {
			return nil, nil, err
		}
		defer closeRunner()
		exact := o.Exact == nil || *o.Exact
		plan, err := pushdown.NewPlan(ctx, r, pushdown.Spec{Dialect: d, Table: table, Where: o.Where, Validation: o.Validation,
			Label: o.Label, Binary: o.Task == task.Binary, Positive: o.Positive, Features: o.Features, Exclude: o.Exclude, Exact: exact})
		if err != nil {
			return nil, nil, err
		}
		res, err := pushdown.Train(ctx, plan, o)
		if err != nil {
			return nil, nil, err
		}
		doc := res.Doc
		rec, err := t.record(fn, doc, doc.Kind, &doc.Label, doc.Features, doc.Options, doc.Metrics, doc.History, res.Seconds)
		if err != nil {
			return nil, nil, err
		}
		gn := math.NaN()
		if doc.Metrics.GradientNorm != nil {
			gn = *doc.Metrics.GradientNorm
		}
		return &TrainResult{Model: model, Task: doc.Task, Positive: rec.Positive, RowsUsed: doc.Metrics.RowsUsed,
			RowsSkipped: doc.Metrics.RowsSkipped, Features: doc.Features, Inputs: doc.Encoder.Width, EpochsRun: doc.Metrics.EpochsRun, TrainLoss: doc.Metrics.TrainLoss,
			ValidLoss: float64(doc.Metrics.ValidLoss), ValidMetric: float64(doc.Metrics.ValidMetric), GradientNorm: gn,
			Mode: res.Mode, Notes: res.Notes, Seconds: res.Seconds}, rec, nil
	}
	return t, nil
}

// openRunner connects to engine (checked by engineDialect) for a call of
// fn and returns the Runner of its queries and how to close it. An
// unreachable engine is an error of argument engine.
func openRunner(ctx context.Context, env Env, fn, engine string) (pushdown.Runner, func(), error) {
	if engine != engineDuckDB {
		return openClickHouse(ctx, fn, engine)
	}
	conn, err := env.Conn(ctx, fn)
	if err != nil {
		return nil, nil, err
	}
	// One read-only transaction for every pass: the where and validation
	// texts are the user's SQL and may not write (as every data argument),
	// and each pass sees the same rows.
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION READ ONLY"); err != nil {
		conn.Close()
		return nil, nil, Err(ctx, fn, err)
	}
	return sqlRunner{conn}, func() {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
	}, nil
}

// sqlRunner runs the plan's queries on one database/sql connection (the
// local database: engine 'duckdb'); a cancelled context interrupts the
// running query.
type sqlRunner struct{ conn *sql.Conn }

func (r sqlRunner) Query(ctx context.Context, q string) ([][]*string, error) {
	rows, err := r.conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]*string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, textRow(vals))
	}
	return out, rows.Err()
}

// textRow is a result row as the Runner returns it: every value as text,
// nil for NULL.
func textRow(vals []any) []*string {
	row := make([]*string, len(vals))
	for i, v := range vals {
		var s string
		switch v := v.(type) {
		case nil:
			continue
		case string:
			s = v
		case *string:
			if v == nil {
				continue
			}
			s = *v
		case []byte:
			s = string(v)
		case float64:
			s = strconv.FormatFloat(v, 'g', -1, 64)
		case float32:
			s = strconv.FormatFloat(float64(v), 'g', -1, 32)
		default:
			s = fmt.Sprint(v) // integers, *big.Int (HUGEINT), booleans
		}
		row[i] = &s
	}
	return row
}

// inEngine is true for a model trained in an engine other than this
// database, whose held-out rows stay there.
func inEngine(rec *store.Record) bool {
	return rec.Source != nil && rec.Source.Engine != "" && rec.Source.Engine != engineDuckDB
}

// noValidationErr is the error of data NULL for a model trained with
// engine := and no validation :=.
func noValidationErr(fn string, rec *store.Record) error {
	return heldOutErr(fn, rec, " trained in the engine without validation := and held out no rows; give data")
}

// bindEngineEvaluate binds evaluate(model, NULL) of a binary perceptron
// doc trained in a ClickHouse engine: its measures over the validation
// rows computed there (pushdown.Evaluate: one GROUP BY query over the
// table; the AUCs over AUCBins score bins), on the training's table,
// where := and validation := conditions. The rows must be as many as the
// training validated on. The connection opens when the call runs.
func bindEngineEvaluate(ctx context.Context, env Env, fn string, rec *store.Record, doc *training.Document, threshold float64) (*EvaluateCall, error) {
	o := doc.Options
	if o.Validation == "" {
		return nil, noValidationErr(fn, rec)
	}
	d, err := engineDialect(fn, rec.Source.Engine)
	if err != nil {
		return nil, err
	}
	// The engine's error, for a held-out set that cannot be read again.
	again := func(err error) error {
		var de *dserr.Error
		if errors.As(err, &de) && de.Code != dserr.Cancelled {
			return heldOutErr(fn, rec, "'s held-out rows in %s (table %s) cannot be read again (give data): %s", rec.Source.Engine, rec.Data, de.Msg)
		}
		return err
	}
	run := func(ctx context.Context) (*Evaluation, error) {
		r, closeRunner, err := openRunner(ctx, env, fn, rec.Source.Engine)
		if err != nil {
			return nil, again(err)
		}
		defer closeRunner()
		plan, err := pushdown.NewPlan(ctx, r, pushdown.Spec{Fn: fn, Dialect: d, Table: rec.Data, Where: o.Where, Validation: o.Validation,
			Label: o.Label, Binary: true, Features: o.Features, Exclude: o.Exclude, Exact: true})
		if err != nil {
			return nil, again(err)
		}
		b, err := pushdown.Evaluate(ctx, plan, doc, threshold)
		if err != nil {
			return nil, again(err)
		}
		rep := b.Report(threshold)
		if want := doc.Metrics.ValidRows; rep.Rows != want {
			return nil, heldOutErr(fn, rec, "'s held-out rows in %s (table %s) changed since training: %d usable rows now, %d at training; give data",
				rec.Source.Engine, rec.Data, rep.Rows, want)
		}
		return evaluation(rep.Rows, binaryMeasures, rep.Accuracy, rep.Precision, rep.Recall, rep.F1, rep.LogLoss, rep.ROCAUC, rep.PRAUC, rep.Brier), nil
	}
	return &EvaluateCall{Columns: binaryMeasures, EvalCall: &EvalCall[*Evaluation]{fn: fn, run: run}}, nil
}
