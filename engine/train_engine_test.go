//go:build duckdb_arrow

package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/pushdown"
	"github.com/ducksight/ducksight/engine/training"
)

// Training where the data lives (train_perceptron's engine :=) with
// engine := 'duckdb': the pushed-down plan run on this database, the
// reference the ClickHouse tests (scaleout tag) compare with. The SQL
// surface and its errors are in testdata/sql/train_engine.test.

// engineData creates table t: 4000 rows of a numeric column with NULLs,
// a second numeric column, a text column of 4 levels with NULLs, a
// boolean, a 0/1 label drawn from a logistic model of them (a fixed hash
// makes the rows), a holdout flag and an identifier.
const engineData = `CREATE TABLE t AS
	WITH r AS (SELECT i, (hash(i) % 100000)::BIGINT AS h1, (hash(i * 7 + 1) % 100000)::BIGINT AS h2, (hash(i * 13 + 5) % 100000)::BIGINT AS h3 FROM range(4000) s(i))
	SELECT i AS id,
	       CASE WHEN h1 % 17 = 0 THEN NULL ELSE (h1 % 1000) / 100.0 END::DOUBLE AS a,
	       ((h2 % 2000) - 1000)::INTEGER AS b,
	       CASE WHEN h3 % 11 = 0 THEN NULL ELSE ['red', 'green', 'blue', 'grey'][(h3 % 4)::INTEGER + 1] END AS c,
	       h2 % 3 = 0 AS d,
	       CASE WHEN (hash(i * 31 + 9) % 10000)::BIGINT / 10000.0 < 1 / (1 + exp(-(0.3 * coalesce((h1 % 1000) / 100.0, 5) - 1.5 + ((h2 % 2000) - 1000) / 800.0 + CASE WHEN h3 % 4 = 1 THEN 0.7 ELSE 0 END))) THEN 1 ELSE 0 END AS y,
	       i % 5 = 0 AS holdout
	FROM r`

// engineDocument is the latest stored document of model name, decoded.
func engineDocument(t *testing.T, ctx context.Context, e *engine.Engine, name string) (*training.Document, []byte) {
	return latestDocument[training.Document](t, ctx, e, name)
}

// latestDocument is the latest stored document of model name, decoded as
// a D, and its text.
func latestDocument[D any](t *testing.T, ctx context.Context, e *engine.Engine, name string) (*D, []byte) {
	t.Helper()
	var text string
	if err := e.DB().QueryRowContext(ctx, `SELECT document::VARCHAR FROM ducksight.models WHERE name = ? ORDER BY version DESC LIMIT 1`, name).Scan(&text); err != nil {
		t.Fatal(err)
	}
	var d D
	if err := json.Unmarshal([]byte(text), &d); err != nil {
		t.Fatal(err)
	}
	return &d, []byte(text)
}

// params is a single-layer network's weights then biases.
func params(d *training.Document) []float64 {
	l := d.Network.Layers[0]
	return append(append([]float64{}, l.W...), l.B...)
}

// engine := 'duckdb' minimises the local exact solver's objective on the
// same rows from the same starting point (the seeded weights, the bias at
// the log odds): the same encoding and statistics, the same L-BFGS path
// (every iteration's training loss to 1e-9) and the same weights to 1e-9
// as local training's (train_perceptron(solver := 'lbfgs')).
func TestTrainEngineMatchesLocal(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), engineData)
	mustExec(t, ctx, e.DB(), `SELECT * FROM train_perceptron('local', 't', label := 'y', features := ['a', 'b', 'c', 'd'], solver := 'lbfgs', validation_fraction := 0, l2 := 0.01)`)
	var mode, notes string
	var rows int64
	if err := e.DB().QueryRowContext(ctx, `SELECT mode, rows_used, notes FROM train_perceptron('pushed', 't', label := 'y', exclude := ['id', 'holdout'], l2 := 0.01, engine := 'duckdb')`).Scan(&mode, &rows, &notes); err != nil {
		t.Fatal(err)
	}
	if mode != "engine" || rows != 4000 || !strings.Contains(notes, "trained in the engine (duckdb") || !strings.Contains(notes, "lbfgs converged") {
		t.Fatalf("mode %q, rows %d, notes %q", mode, rows, notes)
	}
	loc, _ := engineDocument(t, ctx, e, "local")
	push, _ := engineDocument(t, ctx, e, "pushed")
	if push.Options.Solver != "lbfgs" || push.Options.Engine != "duckdb" || push.Metrics.Metric != "auc" {
		t.Errorf("options %+v, metric %q", push.Options, push.Metrics.Metric)
	}
	if loc.Encoder.Width != push.Encoder.Width || len(loc.Encoder.Columns) != len(push.Encoder.Columns) {
		t.Fatalf("encoders differ: local %+v, engine %+v", loc.Encoder, push.Encoder)
	}
	close := func(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(a)) }
	for i, lc := range loc.Encoder.Columns {
		pc := push.Encoder.Columns[i]
		if lc.Name != pc.Name || lc.Kind != pc.Kind || lc.Indicator != pc.Indicator || lc.NullLevel != pc.NullLevel || lc.Other != pc.Other ||
			strings.Join(lc.Levels, ",") != strings.Join(pc.Levels, ",") || !close(lc.Mean, pc.Mean, 1e-12) || !close(lc.Std, pc.Std, 1e-12) {
			t.Errorf("column %d: local %+v, engine %+v", i, lc, pc)
		}
	}
	if len(loc.Statistics) != len(push.Statistics) {
		t.Fatalf("statistics: local %d columns, engine %d", len(loc.Statistics), len(push.Statistics))
	}
	for i, ls := range loc.Statistics {
		ps := push.Statistics[i]
		if ls.Column != ps.Column || ls.NullShare != ps.NullShare || len(ls.Edges) != len(ps.Edges) || len(ls.Levels) != len(ps.Levels) {
			t.Errorf("statistics %d: local %+v, engine %+v", i, ls, ps)
			continue
		}
		for k := range ls.Edges {
			if !close(ls.Edges[k], ps.Edges[k], 1e-12) {
				t.Errorf("statistics %d edge %d: local %v, engine %v", i, k, ls.Edges[k], ps.Edges[k])
			}
		}
		for k := range ls.Levels {
			if ls.Levels[k].Level != ps.Levels[k].Level || !close(ls.Levels[k].Share, ps.Levels[k].Share, 1e-15) {
				t.Errorf("statistics %d level %d: local %+v, engine %+v", i, k, ls.Levels[k], ps.Levels[k])
			}
		}
	}
	if len(loc.History) != len(push.History) {
		t.Errorf("local ran %d iterations, the engine %d", len(loc.History), len(push.History))
	}
	for i := range min(len(loc.History), len(push.History)) {
		if d := math.Abs(loc.History[i].TrainLoss - push.History[i].TrainLoss); d > 1e-9 {
			t.Errorf("iteration %d: train loss local %.15g, engine %.15g", i+1, loc.History[i].TrainLoss, push.History[i].TrainLoss)
		}
	}
	lw, pw := params(loc), params(push)
	worst := 0.0
	for i := range lw {
		worst = math.Max(worst, math.Abs(lw[i]-pw[i]))
	}
	t.Logf("%d iterations; largest weight difference %.3g over %d parameters", len(push.History), worst, len(lw))
	if worst > 1e-9 {
		t.Errorf("weights differ by %.3g: local %v, engine %v", worst, lw, pw)
	}
}

// Exact sums make the model independent of DuckDB's threads: 1 and 2
// give the same document bit for bit (the Go API, where := and
// validation :=); the validation rows give the binned AUC in
// valid_metric, within 1e-4 of evaluate's exact AUC on the same rows
// (evaluate(model, NULL) reads them again).
func TestTrainEngineThreads(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), engineData)
	want := queryInt(t, ctx, e.DB(), "SELECT count(*) FROM t WHERE b > -900")
	var docs [][]byte
	for _, th := range []string{"1", "2"} {
		mustExec(t, ctx, e.DB(), "SET threads = "+th)
		name := "m" + th
		r, err := e.TrainPerceptron(ctx, name, "t", engine.TrainOptions{Label: "y", Features: []string{"a", "b", "c", "d"},
			Engine: "duckdb", Where: "b > -900", Validation: "holdout"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Mode != "engine" || !(r.ValidMetric > 0.6 && r.ValidMetric < 1) || r.RowsUsed != want {
			t.Errorf("result %+v", r)
		}
		ev, err := e.Evaluate(ctx, name, engine.HeldOut, engine.EvaluateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if auc := ev.Measures["roc_auc"]; math.Abs(auc-r.ValidMetric) > 1e-4 {
			t.Errorf("evaluate(m, NULL) AUC %.6f, valid_metric (binned) %.6f", auc, r.ValidMetric)
		}
		_, text := engineDocument(t, ctx, e, name)
		docs = append(docs, withoutTimings(t, text))
	}
	if string(docs[0]) != string(docs[1]) {
		t.Errorf("threads 1 and 2 give different documents:\n%s\n%s", docs[0], docs[1])
	}
}

// The held-out measures computed in the engine (pushdown.Evaluate: what
// evaluate(model, NULL) runs for a model trained in ClickHouse), here in
// DuckDB's dialect, are the measures evaluate computes from the same rows
// read back (the engine := 'duckdb' path): the threshold measures exactly,
// log loss and Brier to 1e-12, the AUCs to their bins' resolution; for a
// 0/1 and a text label, at two thresholds.
func TestTrainEngineEvaluateInEngine(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), engineData)
	mustExec(t, ctx, e.DB(), `CREATE TABLE t_text AS SELECT * REPLACE (CASE WHEN y = 1 THEN 'churn' ELSE 'stay' END AS y) FROM t`)
	for _, table := range []string{"t", "t_text"} {
		name := "m_" + table
		if _, err := e.TrainPerceptron(ctx, name, table, engine.TrainOptions{Label: "y", Features: []string{"a", "b", "c", "d"},
			Engine: "duckdb", Where: "b > -900", Validation: "holdout"}); err != nil {
			t.Fatal(err)
		}
		doc, _ := engineDocument(t, ctx, e, name)
		for _, th := range []float64{0.5, 0.3} {
			ev, err := e.Evaluate(ctx, name, engine.HeldOut, engine.EvaluateOptions{Threshold: &th})
			if err != nil {
				t.Fatal(err)
			}
			o := doc.Options
			r := &planRunner{db: e.DB()}
			plan, err := pushdown.NewPlan(ctx, r, pushdown.Spec{Fn: "evaluate", Dialect: pushdown.DuckDB, Table: table, Where: o.Where,
				Validation: o.Validation, Label: o.Label, Binary: true, Features: o.Features, Exclude: o.Exclude, Exact: true})
			if err != nil {
				t.Fatal(err)
			}
			b, err := pushdown.Evaluate(ctx, plan, doc, th)
			if err != nil {
				t.Fatal(err)
			}
			got := b.Report(th)
			if len(r.queries) != 2 || !strings.Contains(r.queries[1], "GROUP BY ducksight_score_bin") {
				t.Errorf("queries %q", r.queries)
			}
			m := ev.Measures
			t.Logf("%s at %g: %d rows; ROC AUC binned %.6f, exact %.6f; log loss %.15g, %.15g", table, th, got.Rows, got.ROCAUC, m["roc_auc"], got.LogLoss, m["log_loss"])
			if float64(got.Rows) != float64(ev.Rows) || got.Rows != doc.Metrics.ValidRows || got.Accuracy != m["accuracy"] || got.Precision != m["precision"] ||
				got.Recall != m["recall"] || got.F1 != m["f1"] {
				t.Errorf("%s at %g: engine %+v, evaluate %d rows %v", table, th, got, ev.Rows, m)
			}
			near := func(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }
			if !near(got.LogLoss, m["log_loss"], 1e-12) || !near(got.Brier, m["brier"], 1e-12) || !near(got.ROCAUC, m["roc_auc"], 1e-4) ||
				!near(got.PRAUC, m["pr_auc"], 1e-3) {
				t.Errorf("%s at %g: engine log loss %.15g Brier %.15g ROC %.6f PR %.6f; evaluate %.15g %.15g %.6f %.6f", table, th,
					got.LogLoss, got.Brier, got.ROCAUC, got.PRAUC, m["log_loss"], m["brier"], m["roc_auc"], m["pr_auc"])
			}
		}
	}
}

// Refused calls name the argument and save nothing; so does a training
// cancelled between two iterations.
func TestTrainEngineErrors(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), engineData)
	mustExec(t, ctx, e.DB(), "CREATE SEQUENCE seq")
	o := func(edit func(*engine.TrainOptions)) engine.TrainOptions {
		x := engine.TrainOptions{Label: "y", Features: []string{"a", "c"}, Engine: "duckdb"}
		edit(&x)
		return x
	}
	for _, c := range []struct {
		o     engine.TrainOptions
		table string
		want  string
	}{
		{o(func(o *engine.TrainOptions) { o.Hidden = []int{4} }), "t", "train_perceptron: hidden: not with engine: one gradient of a hidden layer costs about 18 times"},
		{o(func(o *engine.TrainOptions) { o.Solver = "adam" }), "t", "train_perceptron: solver: with engine only 'lbfgs'"},
		{o(func(o *engine.TrainOptions) { o.ValidationFraction = new(0.2) }), "t", "train_perceptron: validation_fraction: not with engine"},
		{o(func(o *engine.TrainOptions) { o.Engine = "postgres://x" }), "t", "train_perceptron: engine: unknown engine"},
		{o(func(o *engine.TrainOptions) { o.Engine = "clickhouse://u:secret@h:9000/db" }), "t", "train_perceptron: engine: holds a password"},
		{o(func(o *engine.TrainOptions) { o.Engine = "clickhouse://127.0.0.1:1/db" }), "t", "train_perceptron: engine: cannot connect to clickhouse://127.0.0.1:1/db"},
		{o(func(o *engine.TrainOptions) { o.Engine = "clickhouse://127.0.0.1/db" }), "t", "train_perceptron: engine: 'clickhouse://127.0.0.1/db' names no host:port"},
		{o(func(o *engine.TrainOptions) { o.Where = "a > 1; DROP TABLE t" }), "t", "train_perceptron: where: may not contain ';'"},
		{o(func(o *engine.TrainOptions) { o.Validation = "holdout; SELECT 1" }), "t", "train_perceptron: validation: may not contain ';'"},
		{o(func(o *engine.TrainOptions) { o.Where = "no_such_column > 1" }), "t", "train_perceptron: where: the engine refused the query counting the rows"},
		{o(func(o *engine.TrainOptions) { o.Validation = "no_such_column" }), "t", "train_perceptron: validation: the engine refused the query counting the validation rows"},
		{o(func(o *engine.TrainOptions) { o.Features = nil }), "t", "train_perceptron: features: required with engine (or exclude)"},
		{o(func(o *engine.TrainOptions) { o.Features = []string{"a", "zz"} }), "t", `train_perceptron: features: column "zz" not found`},
		{o(func(o *engine.TrainOptions) { o.Label = "a"; o.Features = []string{"b"} }), "t", "train_perceptron: label: column \"a\" is of type DOUBLE: task 'auto' would train a regression"},
		{o(func(o *engine.TrainOptions) { o.Label = "c"; o.Features = []string{"b"} }), "t", "more than 2 classes"},
		{o(func(o *engine.TrainOptions) { o.Positive = new("7") }), "t", `train_perceptron: positive: class "7" is not a class of label "y"`},
		{o(func(o *engine.TrainOptions) {}), "missing", `train_perceptron: data: table "missing" does not exist in the engine (duckdb)`},
		{o(func(o *engine.TrainOptions) {}), "SELECT * FROM t", "does not exist in the engine"},
		{engine.TrainOptions{Label: "y", Where: "a > 1"}, "t", "train_perceptron: where: applies only with engine :="},
		// The where text runs read-only, as every data argument.
		{o(func(o *engine.TrainOptions) { o.Where = "nextval('seq') > 0" }), "t", "read-only"},
	} {
		_, err := e.TrainPerceptron(ctx, "bad", c.table, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, dserr.InvalidArgument) {
			t.Errorf("%+v on %q: error %v, want %q", c.o, c.table, err, c.want)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	iterations := 0
	_, err := e.TrainPerceptron(cctx, "cancelled", "t", o(func(o *engine.TrainOptions) {
		o.Progress = func(engine.Epoch) {
			iterations++
			if iterations == 2 {
				cancel()
			}
		}
	}))
	if !errors.Is(err, context.Canceled) || !errors.Is(err, dserr.Cancelled) || iterations != 2 {
		t.Errorf("cancelled after %d iterations: %v", iterations, err)
	}
	if models, err := e.Models(ctx); err != nil || len(models) != 0 {
		t.Errorf("models saved by refused or cancelled calls: %v (%v)", models, err)
	}
}
