//go:build duckdb_arrow

package engine_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/tuning"
)

// tuneOptions are the options of the Go tunes below: kind 'auto', ten
// trials (enough for successive halving to stop some), 20 rounds and 10
// epochs per trial, on demo_customers(1500).
func tuneOptions() engine.TuneOptions {
	return engine.TuneOptions{
		Trials:       10,
		Perceptron:   engine.TrainOptions{Label: "churned", Exclude: []string{"customer_id"}, Epochs: 10},
		BoostedTrees: engine.TreeOptions{Trees: 20},
		Fixed:        []string{"epochs", "trees"},
	}
}

const tuneSQL = `SELECT trial, kind, params, metric, metric_std, iterations, seconds, status
FROM tune('s', 'c', label := 'churned', exclude := ['customer_id'], trials := 10, epochs := 10, trees := 20)`

// trialKey is a trial without its seconds, the metrics as their bits
// (NaN is SQL NULL).
func trialKey(t engine.Trial) string {
	return fmt.Sprintf("%d %s %s %x %x %d %s", t.Trial, t.Kind, t.Params, math.Float64bits(float64(t.Metric)), math.Float64bits(float64(t.MetricStd)), t.Iterations, t.Status)
}

func trialKeys(ts []engine.Trial) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = trialKey(t)
	}
	return out
}

// sqlTrials runs a tune or trial_info query and returns its rows as
// Trials (NULL metrics as NaN).
func sqlTrials(t *testing.T, ctx context.Context, db *sql.DB, query string) []engine.Trial {
	t.Helper()
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []engine.Trial
	for rows.Next() {
		var tr engine.Trial
		var metric, std, secs sql.NullFloat64
		var iters sql.NullInt64
		if err := rows.Scan(&tr.Trial, &tr.Kind, &tr.Params, &metric, &std, &iters, &secs, &tr.Status); err != nil {
			t.Fatal(err)
		}
		tr.Metric, tr.MetricStd = nan(metric), nan(std)
		tr.Iterations, tr.Seconds = int(iters.Int64), secs.Float64
		out = append(out, tr)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func nan(v sql.NullFloat64) dataset.Num {
	if !v.Valid {
		return dataset.Num(math.NaN())
	}
	return dataset.Num(v.Float64)
}

// withProcs runs f with GOMAXPROCS n, restoring it after.
func withProcs(n int, f func()) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
	f()
}

// Tune gives the SQL function's trials (but for seconds), reports
// progress once per trial run with a best that never gets worse, stores
// its trials for TrialInfo, and gives the same trials at GOMAXPROCS 1 and
// 2. With a time budget that binds, the trials run are a prefix of the
// unbounded run's, the rest skipped.
func TestTuneAPI(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(1500)`)

	var reports []engine.TuneProgress
	o := tuneOptions()
	o.Progress = func(p engine.TuneProgress) { reports = append(reports, p) }
	var r *engine.TuneResult
	var err error
	withProcs(2, func() { r, err = e.Tune(ctx, "a", "c", o) })
	if err != nil {
		t.Fatal(err)
	}
	if r.Model != "a" || r.Version != 1 || r.Metric != "roc_auc" || len(r.Trials) != 10 {
		t.Fatalf("Tune: %+v", r)
	}
	stopped := 0
	for _, tr := range r.Trials {
		if tr.Status == "stopped early" {
			stopped++
		}
	}
	if stopped == 0 {
		t.Errorf("no trial stopped early: the case does not exercise halving")
	}

	// The SQL function's trials.
	want := trialKeys(r.Trials)
	if got := trialKeys(sqlTrials(t, ctx, db, tuneSQL)); !slices.Equal(got, want) {
		t.Errorf("SQL tune:\n%q\nGo Tune:\n%q", got, want)
	}
	// TrialInfo: the stored trials, seconds included.
	info, err := e.TrialInfo(ctx, "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(info) != len(r.Trials) {
		t.Fatalf("TrialInfo: %d trials, want %d", len(info), len(r.Trials))
	}
	for i := range info {
		if trialKey(info[i]) != want[i] || info[i].Seconds != r.Trials[i].Seconds {
			t.Errorf("TrialInfo trial %d: %+v, want %+v", i+1, info[i], r.Trials[i])
		}
	}
	if got := trialKeys(sqlTrials(t, ctx, db, `SELECT * FROM trial_info('a')`)); !slices.Equal(got, want) {
		t.Errorf("SQL trial_info:\n%q\nwant\n%q", got, want)
	}

	// Progress: once per trial, in order, the best never worse (roc_auc:
	// higher is better) and equal to the best completed metric so far.
	if len(reports) != len(r.Trials) {
		t.Fatalf("%d progress reports, want %d", len(reports), len(r.Trials))
	}
	best := math.Inf(-1)
	for i, p := range reports {
		if !math.IsNaN(float64(r.Trials[i].Metric)) {
			best = max(best, float64(r.Trials[i].Metric))
		}
		if p.Trial != i+1 || p.Trials != 10 || p.Kind != r.Trials[i].Kind || p.Metric != "roc_auc" || p.Best != best {
			t.Errorf("report %d: %+v, want trial %d of 10, best %v", i, p, i+1, best)
		}
		if i > 0 && (p.Best < reports[i-1].Best || p.Elapsed < reports[i-1].Elapsed) {
			t.Errorf("report %d: best %v or elapsed %v went back from %+v", i, p.Best, p.Elapsed, reports[i-1])
		}
	}

	// GOMAXPROCS 1 gives the same trials.
	var r1 *engine.TuneResult
	withProcs(1, func() { r1, err = e.Tune(ctx, "a1", "c", tuneOptions()) })
	if err != nil {
		t.Fatal(err)
	}
	if got := trialKeys(r1.Trials); !slices.Equal(got, want) {
		t.Errorf("GOMAXPROCS 1:\n%q\nGOMAXPROCS 2:\n%q", got, want)
	}

	// A time budget that binds: after trial 3 the progress function
	// sleeps past the budget, so no trial starts after it (when the first
	// three took less than the budget; otherwise the budget binds
	// earlier). The trials run are a prefix of the unbounded run's.
	const budget = 2 * time.Second
	ob := tuneOptions()
	ob.TimeBudget = budget
	var lastReport engine.TuneProgress
	ob.Progress = func(p engine.TuneProgress) {
		if p.Trial == 3 {
			time.Sleep(budget)
		}
		lastReport = p
	}
	rb, err := e.Tune(ctx, "b", "c", ob)
	if err != nil {
		t.Fatal(err)
	}
	ran := slices.IndexFunc(rb.Trials, func(tr engine.Trial) bool { return tr.Status == "skipped: time budget" })
	if ran < 1 || len(rb.Trials) != 10 {
		t.Fatalf("budget run: %d trials, %d run", len(rb.Trials), ran)
	}
	if lastReport.Trial >= 3 && ran != 3 {
		t.Errorf("budget run: %d trials run, want 3 (the budget passed during trial 3's report)", ran)
	}
	t.Logf("budget run: %d of %d trials run", ran, len(rb.Trials))
	bestRun := -1
	for i, tr := range rb.Trials {
		u := r.Trials[i]
		if i >= ran {
			if tr.Status != "skipped: time budget" || tr.Kind != u.Kind || tr.Params != u.Params || !math.IsNaN(float64(tr.Metric)) || tr.Iterations != 0 {
				t.Errorf("budget run, trial %d: %+v, want skipped %s %s", i+1, tr, u.Kind, u.Params)
			}
			continue
		}
		// The trials run are the unbounded run's, bit for bit, but for
		// which is best among them.
		tk, uk := tr, u
		tk.Status, uk.Status = "", ""
		if trialKey(tk) != trialKey(uk) || (u.Status == "stopped early") != (tr.Status == "stopped early") {
			t.Errorf("budget run, trial %d: %+v, want %+v", i+1, tr, u)
		}
		if tr.Status == "best" {
			bestRun = i
		}
	}
	// The best of the prefix is the best completed trial among them.
	for i := range ran {
		if tr := rb.Trials[i]; tr.Status != "stopped early" && float64(tr.Metric) > float64(rb.Trials[bestRun].Metric) {
			t.Errorf("budget run: trial %d (%v) beats the best, trial %d", i+1, tr.Metric, bestRun+1)
		}
	}
	if !slices.ContainsFunc(rb.Notes, func(n string) bool { return strings.Contains(n, "time budget") }) {
		t.Errorf("budget run notes %q do not mention the time budget", rb.Notes)
	}
}

// A tune cancelled during its trials saves nothing and returns an error
// wrapping context.Canceled.
func TestTuneCancel(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(1500)`)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	o := tuneOptions()
	reports := 0
	o.Progress = func(p engine.TuneProgress) {
		reports++
		if p.Trial == 2 {
			cancel()
		}
	}
	r, err := e.Tune(cctx, "x", "c", o)
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Tune: %+v, %v; want an error wrapping context.Canceled", r, err)
	}
	if reports != 2 {
		t.Errorf("%d progress reports after cancelling at trial 2", reports)
	}
	models, err := e.Models(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(models) != 0 {
		t.Errorf("models after a cancelled tune: %+v", models)
	}
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM models()`); n != 0 {
		t.Errorf("models() has %d rows", n)
	}
}

// Tune's errors are the SQL function's, as *dserr.Error values naming
// the argument; nothing is saved.
func TestTuneErrors(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(300)`)
	cases := []struct {
		o   engine.TuneOptions
		arg string
	}{
		{engine.TuneOptions{Kind: "kmeans", Perceptron: engine.TrainOptions{Label: "churned"}}, "kind"},
		{engine.TuneOptions{Trials: -1, Perceptron: engine.TrainOptions{Label: "churned"}}, "trials"},
		{engine.TuneOptions{Folds: 1, Perceptron: engine.TrainOptions{Label: "churned"}}, "folds"},
		{engine.TuneOptions{TimeBudget: -time.Second, Perceptron: engine.TrainOptions{Label: "churned"}}, "time_budget"},
		{engine.TuneOptions{Metric: "auc", Perceptron: engine.TrainOptions{Label: "churned"}}, "metric"},
		{engine.TuneOptions{Folds: 2, By: []string{"household"}, Perceptron: engine.TrainOptions{Label: "churned"}}, "by"},
		{engine.TuneOptions{Kind: "perceptron", Perceptron: engine.TrainOptions{Label: "churned", L2: new(0.1)}}, "space"},
	}
	cases[len(cases)-1].o.Space = []tuning.Field{{Name: "l2", Value: []any{0.1, 1.0}}}
	for _, c := range cases {
		_, err := e.Tune(ctx, "m", "c", c.o)
		var de *dserr.Error
		if !errors.As(err, &de) || de.Func != "tune" || de.Arg != c.arg {
			t.Errorf("%+v: %v, want a *dserr.Error of tune, %s", c.o, err, c.arg)
		}
	}
	if _, err := e.TrialInfo(ctx, "m", 0); err == nil {
		t.Error("TrialInfo of a model never saved: no error")
	}
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM models()`); n != 0 {
		t.Errorf("models() has %d rows after failed tunes", n)
	}
}

// Successive halving end to end, in a constructed case: a space where
// a third of the configurations cannot split (min_split_gain 1000: every
// tree is one leaf, so the validation AUC stays 0.5). Halving stops every
// such trial once three trials have passed its rung, and the tune's best
// trial is the best of the same configurations each trained fully with
// TrainBoostedTrees and measured on its held-out rows: halving did not
// stop the eventual best configuration. (It may stop a good one that is
// not the best: a trial must be within the best third of the earlier
// trials at a rung, here round 2 of 20.)
func TestTuneHalvingKeepsBest(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(1500)`)
	o := engine.TuneOptions{
		Kind:   "boosted_trees",
		Trials: 10,
		Space: []tuning.Field{
			{Name: "min_split_gain", Value: []any{0.0, 1000.0}},
			{Name: "max_depth", Value: []any{int64(2), int64(3), int64(5)}},
			{Name: "learning_rate", Value: []any{0.1, 0.3}},
		},
		BoostedTrees: engine.TreeOptions{Label: "churned", Exclude: []string{"customer_id"}, Trees: 20},
		Folds:        engine.NoFolds, // measured on the validation rows, as HeldOut reads them
	}
	r, err := e.Tune(ctx, "h", "c", o)
	if err != nil {
		t.Fatal(err)
	}
	type params struct {
		MinSplitGain float64 `json:"min_split_gain"`
		MaxDepth     int     `json:"max_depth"`
		LearningRate float64 `json:"learning_rate"`
	}
	full := map[string]float64{} // params -> roc_auc of a full training on its held-out rows
	stopped, weak := 0, 0
	best, bestFull := -1, math.Inf(-1)
	for i, tr := range r.Trials {
		var p params
		if err := json.Unmarshal([]byte(tr.Params), &p); err != nil {
			t.Fatal(err)
		}
		if p.MinSplitGain > 0 {
			weak++
		}
		if tr.Status == "stopped early" {
			stopped++
		} else if p.MinSplitGain > 0 && i >= 3 {
			t.Errorf("trial %d %s, a configuration that cannot split, was not stopped", i+1, tr.Params)
		}
		if tr.Status == "best" {
			best = i
		}
		if _, ok := full[tr.Params]; ok {
			continue
		}
		name := fmt.Sprintf("full%d", i+1)
		_, err := e.TrainBoostedTrees(ctx, name, "c", engine.TreeOptions{Label: "churned", Exclude: []string{"customer_id"}, Trees: 20,
			MinSplitGain: p.MinSplitGain, MaxDepth: p.MaxDepth, LearningRate: p.LearningRate})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := e.Evaluate(ctx, name, engine.HeldOut, engine.EvaluateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		auc := ev.Measures["roc_auc"]
		full[tr.Params] = auc
		if tr.Status != "stopped early" && float64(tr.Metric) != auc {
			t.Errorf("trial %d %s: metric %v, a full training gives %v", i+1, tr.Params, tr.Metric, auc)
		}
		bestFull = max(bestFull, auc)
	}
	if stopped == 0 || weak == 0 {
		t.Fatalf("%d weak trials, %d stopped: the case does not exercise halving", weak, stopped)
	}
	if best < 0 || float64(r.Trials[best].Metric) != bestFull {
		t.Errorf("tune's best trial %d (%v); the best full training gives %v (%v)", best+1, r.Trials, bestFull, full)
	}
	// No trial of the best configuration was stopped.
	for i, tr := range r.Trials {
		if full[tr.Params] == bestFull && tr.Status == "stopped early" {
			t.Errorf("trial %d %s, the best configuration, was stopped", i+1, tr.Params)
		}
	}
	for _, tr := range r.Trials {
		t.Logf("%d %s %v %d %s full %v", tr.Trial, tr.Params, tr.Metric, tr.Iterations, tr.Status, full[tr.Params])
	}
}
