//go:build duckdb_arrow

package sqlfuncs

import (
	"database/sql"
	"testing"
	"time"
)

// tuneBenchRows is the size of the tune benchmarks' table: wideTableSQL's
// 16 DOUBLE columns and binary label, 200,000 rows rather than 1M, so that
// twenty trials and their baselines fit a benchmark run of minutes.
const tuneBenchRows = 200_000

// tuneRun is what a tune statement reported: trials by status, and the
// epochs, iterations or rounds its trials ran.
type tuneRun struct {
	completed, stopped int
	iterations         int64
	best               float64
}

// timeTune runs a tune query and returns its wall time and summary.
func timeTune(b *testing.B, db *sql.DB, query string) (time.Duration, tuneRun) {
	b.Helper()
	q := `SELECT count(*) FILTER (status IN ('best', 'completed')), count(*) FILTER (status = 'stopped early'),
		sum(iterations), max(metric) FROM (` + query + `)`
	var r tuneRun
	t0 := time.Now()
	if err := db.QueryRow(q).Scan(&r.completed, &r.stopped, &r.iterations, &r.best); err != nil {
		b.Fatalf("%s: %v", query, err)
	}
	return time.Since(t0), r
}

// timeTrain runs a training statement and returns its wall time and the
// epochs (or rounds) it ran.
func timeTrain(b *testing.B, db *sql.DB, query string) (time.Duration, int64) {
	b.Helper()
	var n int64
	t0 := time.Now()
	if err := db.QueryRow(query).Scan(&n); err != nil {
		b.Fatalf("%s: %v", query, err)
	}
	return time.Since(t0), n
}

// benchTune times a tune of 20 trials against one training, alternating
// them repeats times, and reports the ratio of the medians (target <= 8x).
func benchTune(b *testing.B, db *sql.DB, train, tune string, repeats int) {
	for n := 0; n < b.N; n++ {
		var tt, tu []time.Duration
		var steps int64
		var run tuneRun
		for r := 0; r < repeats; r++ {
			d, s := timeTrain(b, db, train)
			tt, steps = append(tt, d), s
			d, run = timeTune(b, db, tune)
			tu = append(tu, d)
		}
		base, all := med(tt), med(tu)
		b.ReportMetric(float64(all)/float64(base), "x-one-training")
		b.Logf("one training %v (%d epochs or rounds); tune of 20 trials %v: %.2fx (target <= 8x); %d completed, %d stopped early, %d epochs or rounds in all, best metric %.4f; times %v / %v",
			base, steps, all, float64(all)/float64(base), run.completed, run.stopped, run.iterations, run.best, tt, tu)
	}
}

// BenchmarkTunePerceptron: tune with 20 trials, kind := 'perceptron' and a
// space over l2 and learning_rate only, against one training with the
// same fixed arguments, on a 200k x 16 DOUBLE table; medians of 3
// alternating repeats. Two readings of "one default training":
//
//   - exact: hidden not given, so every trial is the default perceptron
//     (hidden := [], solved exactly by L-BFGS, learning_rate left out),
//     against one default train_perceptron;
//
//   - hidden16: hidden := [16] fixed (Adam, 50 epochs, early stopping),
//     against one train_perceptron with hidden := [16].
//
//     go test -tags duckdb_arrow -run '^$' -bench TunePerceptron -benchtime 1x ./sqlfuncs/
func BenchmarkTunePerceptron(b *testing.B) {
	db := openBench(b)
	createWideTable(b, db, "wide", tuneBenchRows)
	const space = `space := {l2: {min: 1e-6, max: 1e-1, scale: 'log'}, learning_rate: {min: 0.001, max: 0.03, scale: 'log'}}`
	b.Run("exact", func(b *testing.B) {
		benchTune(b, db,
			`SELECT epochs_run FROM train_perceptron('m', 'wide', label := 'y')`,
			`SELECT * FROM tune('t', 'wide', label := 'y', kind := 'perceptron', trials := 20, `+space+`)`, 3)
	})
	b.Run("hidden16", func(b *testing.B) {
		benchTune(b, db,
			`SELECT epochs_run FROM train_perceptron('m', 'wide', label := 'y', hidden := [16])`,
			`SELECT * FROM tune('t', 'wide', label := 'y', kind := 'perceptron', trials := 20, hidden := [16], `+space+`)`, 3)
	})
}

// BenchmarkTuneTrees: tune with 20 trials, kind := 'boosted_trees' and its
// default space, against one training at the space's most expensive
// point (max_depth 8, learning_rate 0.03: the most rounds before early
// stopping, min_child_weight 0.5, subsample 1, colsample 1), on a 200k x
// 16 DOUBLE table; medians of 3 alternating repeats (target <= 8x).
//
//	go test -tags duckdb_arrow -run '^$' -bench TuneTrees -benchtime 1x ./sqlfuncs/
func BenchmarkTuneTrees(b *testing.B) {
	db := openBench(b)
	createWideTable(b, db, "wide", tuneBenchRows)
	benchTune(b, db,
		`SELECT trees FROM train_boosted_trees('m', 'wide', label := 'y', max_depth := 8, learning_rate := 0.03, min_child_weight := 0.5, subsample := 1, colsample := 1)`,
		`SELECT * FROM tune('t', 'wide', label := 'y', kind := 'boosted_trees', trials := 20)`, 3)
}
