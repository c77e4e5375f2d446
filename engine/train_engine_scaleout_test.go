//go:build duckdb_arrow && scaleout

package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/pushdown"
	"github.com/ducksight/ducksight/internal/servertest"
	"github.com/ducksight/ducksight/service"
)

// Training where the data lives, on the two ClickHouse 18.16 servers of
// internal/servertest: 100k rows split over two shards (and whole on one),
// against engine := 'duckdb' on the same rows and local training. Run with
// the servers started (.ci/servers, README):
//
//	go test -tags 'duckdb_arrow scaleout' -run 'TestScaleOutTrain' ./engine

// scaleRows are the rows of the scale-out tests.
const scaleRows = 100_000

// scaleDB is the ClickHouse database of the scale-out training tests.
const scaleDB = "ducksight_train"

// scaleData creates table s: n rows of the types ClickHouse holds exactly
// (0/1 columns as UTINYINT, ClickHouse's UInt8, so that both engines see
// the same types and encode them alike): a DOUBLE with NULLs, an INTEGER,
// a text column of 5 levels with NULLs, a 0/1 column, a second DOUBLE,
// the 0/1 label drawn from a logistic model of them, a validation flag
// (holdout) and a test flag.
func scaleData(n int) string {
	return fmt.Sprintf(`CREATE TABLE s AS
	WITH r AS (SELECT i, (hash(i) %% 1000003)::BIGINT AS h1, (hash(i * 7 + 1) %% 1000003)::BIGINT AS h2,
	                  (hash(i * 13 + 5) %% 1000003)::BIGINT AS h3, (hash(i * 31 + 9) %% 1000003)::BIGINT AS h4 FROM range(%d) s(i))
	SELECT i AS id,
	       CASE WHEN h1 %% 17 = 0 THEN NULL ELSE (h1 %% 10000) / 1000.0 END::DOUBLE AS a,
	       ((h2 %% 2000) - 1000)::INTEGER AS b,
	       CASE WHEN h3 %% 11 = 0 THEN NULL ELSE ['red', 'green', 'blue', 'grey', 'teal'][(h3 %% 5)::INTEGER + 1] END AS c,
	       (h2 %% 3 = 0)::UTINYINT AS d,
	       ((h4 %% 100000) / 1000.0 - 50)::DOUBLE AS e,
	       (CASE WHEN (hash(i * 37 + 11) %% 10000)::BIGINT / 10000.0 < 1 / (1 + exp(-(0.3 * coalesce(a, 5) - 1.5 + b / 800.0
	             + CASE WHEN h3 %% 5 = 1 THEN 0.7 ELSE 0 END + 0.02 * e))) THEN 1 ELSE 0 END)::UTINYINT AS y,
	       (i %% 5 = 0)::UTINYINT AS holdout,
	       (i %% 10 = 3)::UTINYINT AS test
	FROM r`, n)
}

// scaleOnce loads s into ClickHouse once per test binary: the tables
// outlive the engine that loaded them.
var scaleOnce struct {
	sync.Mutex
	tab    servertest.Table
	loaded bool
}

// scaleSetup opens an engine with table s and makes sure the servers
// answer (restarting one that crashed) and hold s.
func scaleSetup(t *testing.T) (context.Context, *engine.Engine, *servertest.Servers, servertest.Table) {
	t.Helper()
	ctx := testContext(t)
	s := servertest.Get(t)
	s.EnsureUp(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), scaleData(scaleRows))
	scaleOnce.Lock()
	defer scaleOnce.Unlock()
	if !scaleOnce.loaded {
		scaleOnce.tab = servertest.LoadClickHouse(t, e.DB(), s, "s", scaleDB, "s", "id")
		scaleOnce.loaded = true
	}
	return ctx, e, s, scaleOnce.tab
}

// scaleOptions are the trainings' options: the rows with test = 0, those
// with holdout = 1 validating.
func scaleOptions(engineURL string) engine.TrainOptions {
	return engine.TrainOptions{Label: "y", Features: []string{"a", "b", "c", "d", "e"}, Engine: engineURL, Where: "test = 0", Validation: "holdout = 1"}
}

// testAUC is a model's ROC AUC on the test rows, computed here.
func testAUC(t *testing.T, ctx context.Context, e *engine.Engine, model string) float64 {
	t.Helper()
	ev, err := e.Evaluate(ctx, model, "SELECT * FROM s WHERE test = 1", engine.EvaluateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ev.Measures["roc_auc"]
}

// With exact sums, two shards and one give the same model bit for bit;
// ClickHouse and engine := 'duckdb' the same to 1e-9; local training on
// the same rows the same test AUC to 0.002. Float sums (exact := false)
// train too.
func TestScaleOutTrainShards(t *testing.T) {
	ctx, e, s, tab := scaleSetup(t)
	url := s.EngineURL(0, scaleDB)
	var docs [][]byte
	for _, table := range []string{tab.Name, tab.OneShard} {
		name := "ch_" + table
		r, err := e.TrainPerceptron(ctx, name, table, scaleOptions(url))
		if err != nil {
			t.Fatal(err)
		}
		if r.Mode != "engine" || r.RowsUsed != scaleRows-scaleRows/10 || !strings.Contains(strings.Join(r.Notes, "; "), "trained in the engine (clickhouse") {
			t.Errorf("%s: %+v", table, r)
		}
		_, text := engineDocument(t, ctx, e, name)
		docs = append(docs, withoutTimings(t, text))
	}
	if string(docs[0]) != string(docs[1]) {
		t.Errorf("two shards and one give different models:\n%s\n%s", docs[0], docs[1])
	}

	if _, err := e.TrainPerceptron(ctx, "duck", "s", scaleOptions("duckdb")); err != nil {
		t.Fatal(err)
	}
	ch, _ := engineDocument(t, ctx, e, "ch_"+tab.Name)
	duck, _ := engineDocument(t, ctx, e, "duck")
	if len(ch.History) != len(duck.History) {
		t.Errorf("ClickHouse ran %d iterations, DuckDB %d", len(ch.History), len(duck.History))
	}
	cw, dw := params(ch), params(duck)
	worst := 0.0
	for i := range cw {
		worst = math.Max(worst, math.Abs(cw[i]-dw[i]))
	}
	t.Logf("%d iterations; ClickHouse and DuckDB weights within %.3g", len(ch.History), worst)
	if worst > 1e-9 || len(cw) != len(dw) {
		t.Errorf("ClickHouse %v, DuckDB %v", cw, dw)
	}
	if d := math.Abs(float64(ch.Metrics.ValidMetric - duck.Metrics.ValidMetric)); d > 1e-9 {
		t.Errorf("valid AUC ClickHouse %v, DuckDB %v", ch.Metrics.ValidMetric, duck.Metrics.ValidMetric)
	}

	// evaluate(model, NULL): the held-out measures computed in
	// ClickHouse, the same on two shards and one, and evaluate's of the
	// DuckDB model's rows read back, the AUCs to their bins' resolution.
	var evs []*engine.Evaluation
	for _, name := range []string{"ch_" + tab.Name, "ch_" + tab.OneShard, "duck"} {
		ev, err := e.Evaluate(ctx, name, engine.HeldOut, engine.EvaluateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	t.Logf("held-out measures: ClickHouse %v, DuckDB %v", evs[0].Measures, evs[2].Measures)
	if fmt.Sprint(evs[0]) != fmt.Sprint(evs[1]) {
		t.Errorf("held-out measures on two shards %v, on one %v", evs[0], evs[1])
	}
	ce, de := evs[0], evs[2]
	tol := map[string]float64{"accuracy": 1.0 / float64(ce.Rows), "precision": 2.0 / float64(ce.Rows), "recall": 2.0 / float64(ce.Rows), "f1": 2.0 / float64(ce.Rows),
		"log_loss": 1e-9, "brier": 1e-9, "roc_auc": 1e-4, "pr_auc": 1e-3}
	if ce.Rows != de.Rows || ce.Rows != ch.Metrics.ValidRows || len(ce.Measures) != len(tol) {
		t.Errorf("held-out rows: ClickHouse %d, DuckDB %d, validated on %d; measures %v", ce.Rows, de.Rows, ch.Metrics.ValidRows, ce.Measures)
	}
	for k, tl := range tol {
		if c, d := ce.Measures[k], de.Measures[k]; !(math.Abs(c-d) <= tl) {
			t.Errorf("held-out %s: ClickHouse %.9g, DuckDB %.9g", k, c, d)
		}
	}
	// The same bins as the training's valid_metric (its probability written
	// another way: a row at a bin's edge may fall on its other side).
	if d := math.Abs(ce.Measures["roc_auc"] - float64(ch.Metrics.ValidMetric)); d > 1e-6 {
		t.Errorf("held-out AUC %.9g, the training's valid_metric %.9g", ce.Measures["roc_auc"], ch.Metrics.ValidMetric)
	}

	mustExec(t, ctx, e.DB(), `SELECT * FROM train_perceptron('local', $$SELECT * FROM s WHERE test = 0 AND holdout = 0$$, label := 'y',
		features := ['a', 'b', 'c', 'd', 'e'], solver := 'lbfgs', validation_fraction := 0)`)
	chAUC, localAUC := testAUC(t, ctx, e, "ch_"+tab.Name), testAUC(t, ctx, e, "local")
	t.Logf("test AUC: ClickHouse %.6f, local %.6f", chAUC, localAUC)
	if math.Abs(chAUC-localAUC) > 0.002 || !(chAUC > 0.6) {
		t.Errorf("test AUC: ClickHouse %.6f, local %.6f", chAUC, localAUC)
	}

	o := scaleOptions(url)
	o.Exact = new(false)
	r, err := e.TrainPerceptron(ctx, "float", tab.Name, o)
	if err != nil {
		t.Fatal(err)
	}
	if floatAUC := testAUC(t, ctx, e, "float"); math.Abs(floatAUC-chAUC) > 0.002 || r.GradientNorm > 1e-8 {
		t.Errorf("float sums: test AUC %.6f (exact %.6f), gradient norm %g", floatAUC, chAUC, r.GradientNorm)
	}
}

// A shard dying mid-training is an error and saves nothing; the shard
// restarted, the training runs again.
func TestScaleOutTrainKillShard(t *testing.T) {
	ctx, e, s, tab := scaleSetup(t)
	t.Cleanup(func() { s.Restart(t, 1) })
	o := scaleOptions(s.EngineURL(0, scaleDB))
	iterations := 0
	o.Progress = func(engine.Epoch) {
		iterations++
		if iterations == 2 {
			s.Kill(t, 1)
		}
	}
	_, err := e.TrainPerceptron(ctx, "killed", tab.Name, o)
	if err == nil || !errors.Is(err, dserr.InvalidArgument) || !strings.Contains(err.Error(), "train_perceptron: data: the engine refused the query of the loss and gradient") || iterations != 2 {
		t.Errorf("after %d iterations: %v", iterations, err)
	}
	if models, err := e.Models(ctx); err != nil || len(models) != 0 {
		t.Errorf("saved after a shard died: %v (%v)", models, err)
	}
	s.Restart(t, 1)
	o.Progress = nil
	if _, err := e.TrainPerceptron(ctx, "again", tab.Name, o); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	// With a shard down, evaluate(model, NULL) is an error of data.
	s.Kill(t, 1)
	_, err = e.Evaluate(ctx, "again", engine.HeldOut, engine.EvaluateOptions{})
	if err == nil || !errors.Is(err, dserr.InvalidArgument) || !strings.Contains(err.Error(), "evaluate: data: is NULL (the model's held-out rows)") ||
		!strings.Contains(err.Error(), "cannot be read again") {
		t.Errorf("evaluate with a shard down: %v", err)
	}
}

// Cancelling the context stops the query running on both servers and
// saves nothing. The where condition makes every query slow (a sleep per
// row) and marks it in system.processes.
func TestScaleOutTrainCancel(t *testing.T) {
	ctx, e, s, tab := scaleSetup(t)
	const marker = "sleepEachRow(0.00004)"
	o := scaleOptions(s.EngineURL(0, scaleDB))
	o.Where = "test = 0 AND " + marker + " = 0"
	running := func() int {
		n := 0
		for shard := range s.ClickHouse {
			rows, err := s.Open(t, shard).Query(context.Background(), "SELECT query FROM system.processes")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var q string
				if err := rows.Scan(&q); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(q, marker) && !strings.Contains(q, "system.processes") {
					n++
				}
			}
			rows.Close()
		}
		return n
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := e.TrainPerceptron(cctx, "cancelled", tab.Name, o)
		done <- err
	}()
	// Wait until a query runs on the servers, then cancel.
	deadline := time.Now().Add(30 * time.Second)
	for running() == 0 {
		select {
		case err := <-done:
			t.Fatalf("training ended before it was cancelled: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no query of the training seen running")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	start := time.Now()
	err := <-done
	if !errors.Is(err, context.Canceled) || !errors.Is(err, dserr.Cancelled) {
		t.Errorf("cancelled: %v", err)
	}
	t.Logf("returned %.2f s after the cancel", time.Since(start).Seconds())
	for n := running(); n > 0; n = running() {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("%d queries of the training still run 5 s after the cancel", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if models, err := e.Models(ctx); err != nil || len(models) != 0 {
		t.Errorf("saved after a cancel: %v (%v)", models, err)
	}
}

// passwordFromEnv checks that the password of the servers' user ducksight
// comes from DUCKSIGHT_CLICKHOUSE_PASSWORD and is stored nowhere: call
// (function fn, saving model name, engine text url with the user)
// without it is an error of fn's engine argument, with it succeeds; no
// stored model holds the password, and the model records the engine text
// with the user.
func passwordFromEnv(t *testing.T, ctx context.Context, e *engine.Engine, s *servertest.Servers, fn string, call func(name, url string) error) {
	t.Helper()
	withUser := "clickhouse://ducksight@" + strings.TrimPrefix(s.EngineURL(0, scaleDB), "clickhouse://")
	t.Setenv(service.ClickHousePasswordEnv, "")
	if err := call("nopw", withUser); err == nil || !strings.Contains(err.Error(), fn+": engine: cannot connect to "+withUser) {
		t.Errorf("without the password: %v", err)
	}
	t.Setenv(service.ClickHousePasswordEnv, "ducksight-test")
	if err := call("pw", withUser); err != nil {
		t.Fatalf("with the password: %v", err)
	}
	var n int64
	var engineText string
	if err := e.DB().QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE contains(options::VARCHAR || document::VARCHAR || source::VARCHAR || metrics::VARCHAR, 'ducksight-test')),
		any_value(options->>'engine') FROM ducksight.models`).Scan(&n, &engineText); err != nil || n != 0 || engineText != withUser {
		t.Errorf("%d models hold the password, engine %q (%v)", n, engineText, err)
	}
}

// The password comes from DUCKSIGHT_CLICKHOUSE_PASSWORD and is stored
// nowhere; errors of the engine name their argument.
func TestScaleOutTrainEngineErrors(t *testing.T) {
	ctx, e, s, tab := scaleSetup(t)
	passwordFromEnv(t, ctx, e, s, "train_perceptron", func(name, url string) error {
		o := scaleOptions(url)
		o.Epochs = 3
		_, err := e.TrainPerceptron(ctx, name, tab.Name, o)
		return err
	})
	t.Setenv(service.ClickHousePasswordEnv, "") // the default user has none
	url := s.EngineURL(0, scaleDB)
	for _, c := range []struct {
		table string
		edit  func(*engine.TrainOptions)
		want  string
	}{
		{"nowhere", func(*engine.TrainOptions) {}, `train_perceptron: data: table "nowhere" does not exist in the engine (clickhouse)`},
		{tab.Name, func(o *engine.TrainOptions) { o.Where = "no_such_column = 1" }, "train_perceptron: where: the engine refused the query counting the rows: code: 47"},
		{tab.Name, func(o *engine.TrainOptions) { o.Validation = "holdout = 'x'" }, "train_perceptron: validation: the engine refused the query counting the validation rows"},
		{tab.Name, func(o *engine.TrainOptions) { o.Features = []string{"a", "zz"} }, `train_perceptron: features: column "zz" not found`},
	} {
		o := scaleOptions(url)
		c.edit(&o)
		if _, err := e.TrainPerceptron(ctx, "bad", c.table, o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %+v: %v, want %q", c.table, o, err, c.want)
		}
	}
}

// Past Spec.ExactEdgeRows rows ClickHouse's quantile edges come from a
// deterministic sample (the rows of a hash range): two shards
// and one give the same statistics bit for bit, the first and last edges
// are the exact minimum and maximum, and every decile of the sample sits
// within 0.02 of its level among all the rows (counted here, in DuckDB).
func TestScaleOutTrainSampledEdges(t *testing.T) {
	ctx, e, s, tab := scaleSetup(t)
	ch := newCHRunner(t, s)
	var stats []string
	var fit *pushdown.Fit
	for _, table := range []string{tab.Name, tab.OneShard} {
		plan, err := pushdown.NewPlan(ctx, ch, pushdown.Spec{Dialect: pushdown.ClickHouse, Table: tab.Database + "." + table, Where: "test = 0",
			Label: "y", Features: []string{"a", "b", "c", "d", "e"}, Exact: true, ExactEdgeRows: 10_000})
		if err != nil {
			t.Fatal(err)
		}
		if fit, err = plan.FitPass(ctx); err != nil {
			t.Fatal(err)
		}
		text, err := json.Marshal(fit.Statistics)
		if err != nil {
			t.Fatal(err)
		}
		stats = append(stats, string(text))
	}
	if stats[0] != stats[1] {
		t.Errorf("sampled statistics differ, two shards and one:\n%s\n%s", stats[0], stats[1])
	}
	if !slices.ContainsFunc(ch.queries, func(q string) bool { return strings.Contains(q, "cityHash64(toString(tuple(") }) {
		t.Errorf("no sampled quantiles in %q", ch.queries)
	}
	checked := 0
	for _, cs := range fit.Statistics {
		if len(cs.Edges) == 0 {
			continue
		}
		col := `"` + cs.Column + `"`
		var lo, hi float64
		if err := e.DB().QueryRowContext(ctx, "SELECT min("+col+"), max("+col+") FROM s WHERE test = 0").Scan(&lo, &hi); err != nil {
			t.Fatal(err)
		}
		n := len(cs.Edges)
		if cs.Edges[0] != lo || cs.Edges[n-1] != hi {
			t.Errorf("%s: edges %v, min %v, max %v", cs.Column, cs.Edges, lo, hi)
		}
		for k := 1; k < n-1; k++ {
			// Ties (an integer column): the level lies between the
			// shares below and at or below the edge.
			var below, atOrBelow float64
			if err := e.DB().QueryRowContext(ctx, "SELECT avg(CASE WHEN "+col+" < $1 THEN 1 ELSE 0 END), avg(CASE WHEN "+col+" <= $1 THEN 1 ELSE 0 END) "+
				"FROM s WHERE test = 0 AND "+col+" IS NOT NULL", cs.Edges[k]).Scan(&below, &atOrBelow); err != nil {
				t.Fatal(err)
			}
			if level := float64(k) / float64(n-1); level < below-0.02 || level > atOrBelow+0.02 {
				t.Errorf("%s: edge %d (%v) has %.4f of the rows below it and %.4f at or below, want about %.1f", cs.Column, k, cs.Edges[k], below, atOrBelow, level)
			}
			checked++
		}
	}
	if checked < 9*3 {
		t.Errorf("checked %d sampled edges", checked)
	}
}
