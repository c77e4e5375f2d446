//go:build duckdb_arrow

package engine_test

import (
	"database/sql"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/task"
)

// cvCase is a cross_validate call, as Go options and as SQL arguments.
type cvCase struct {
	name    string
	kind    string
	opts    engine.CrossValidateOptions
	sqlArgs string
	task    task.Task
	grouped bool // by := ['grp']: check no group is in two folds
	strat   bool // stratified by a class label: check each class's share
}

// CrossValidate with Predictions: every row of the data is tested once, in
// the fold its group or stratum deal puts it; every fold's measures are
// the metrics package's on its predictions, bit for bit; mean and std are
// those of the fold rows; and the SQL function gives the same rows.
func TestCrossValidatePredictions(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	// 1200 customers, 4 rows per value of grp (customer_id % 300).
	mustExec(t, ctx, e.DB(), `CREATE TABLE g AS SELECT * EXCLUDE (purchased_next_30d, spend_next_90d, true_segment),
		customer_id % 300 AS grp FROM demo_customers(1200)`)
	const data = `SELECT * FROM g ORDER BY customer_id` // position i is customer_id i+1
	exclude := []string{"customer_id", "grp"}
	zero, l2 := 0.0, 1e-3
	cases := []cvCase{
		{name: "grouped logistic", kind: engine.KindPerceptron, task: task.Binary, grouped: true,
			opts: engine.CrossValidateOptions{Folds: 4, By: []string{"grp"},
				Perceptron: engine.TrainOptions{Label: "churned", Exclude: exclude, Solver: "lbfgs", L2: &l2, ValidationFraction: &zero}},
			sqlArgs: `label := 'churned', exclude := ['customer_id', 'grp'], solver := 'lbfgs', l2 := 0.001, validation_fraction := 0, folds := 4, by := ['grp']`},
		{name: "stratified trees", kind: engine.KindBoostedTrees, task: task.Binary, strat: true,
			opts: engine.CrossValidateOptions{Folds: 3,
				BoostedTrees: engine.TreeOptions{Label: "churned", Exclude: exclude, Trees: 8, MaxDepth: 3}},
			sqlArgs: `label := 'churned', exclude := ['customer_id', 'grp'], trees := 8, max_depth := 3, folds := 3`},
		{name: "grouped multiclass MLP", kind: engine.KindPerceptron, task: task.Multiclass, grouped: true,
			opts: engine.CrossValidateOptions{Folds: 3, By: []string{"grp"},
				Perceptron: engine.TrainOptions{Label: "plan", Exclude: exclude, Hidden: []int{6}, Epochs: 3}},
			sqlArgs: `label := 'plan', exclude := ['customer_id', 'grp'], hidden := [6], epochs := 3, folds := 3, by := ['grp']`},
		{name: "stratified multiclass trees", kind: engine.KindBoostedTrees, task: task.Multiclass, strat: true,
			opts: engine.CrossValidateOptions{Folds: 5,
				BoostedTrees: engine.TreeOptions{Label: "plan", Exclude: exclude, Trees: 4, MaxDepth: 2}},
			sqlArgs: `label := 'plan', exclude := ['customer_id', 'grp'], trees := 4, max_depth := 2, folds := 5`},
		{name: "regression", kind: engine.KindPerceptron, task: task.Regression,
			opts: engine.CrossValidateOptions{Folds: 4,
				Perceptron: engine.TrainOptions{Label: "monthly_spend", Exclude: exclude}},
			sqlArgs: `label := 'monthly_spend', exclude := ['customer_id', 'grp'], folds := 4`},
	}
	// The columns the checks need, in the data's order.
	var grp []int64
	var churned []bool
	var plan []string
	rows, err := e.DB().QueryContext(ctx, `SELECT grp, churned, plan FROM g ORDER BY customer_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var g int64
		var c bool
		var p string
		if err := rows.Scan(&g, &c, &p); err != nil {
			t.Fatal(err)
		}
		grp, churned, plan = append(grp, g), append(churned, c), append(plan, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	n := len(grp)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := c.opts
			o.Predictions = true
			cv, err := e.CrossValidate(ctx, c.kind, data, o)
			if err != nil {
				t.Fatal(err)
			}
			k := o.Folds
			if cv.Task != c.task || len(cv.Folds) != k {
				t.Fatalf("task %v, %d folds; want %v, %d", cv.Task, len(cv.Folds), c.task, k)
			}
			// Every row once, in data order.
			if len(cv.Predictions) != n {
				t.Fatalf("%d predictions of %d rows", len(cv.Predictions), n)
			}
			for i, p := range cv.Predictions {
				if p.Row != int64(i) || p.Fold < 1 || p.Fold > k {
					t.Fatalf("prediction %d: row %d, fold %d", i, p.Row, p.Fold)
				}
			}
			if c.grouped {
				fold := map[int64]int{}
				for _, p := range cv.Predictions {
					g := grp[p.Row]
					if f, ok := fold[g]; ok && f != p.Fold {
						t.Fatalf("group %d in folds %d and %d", g, f, p.Fold)
					}
					fold[g] = p.Fold
				}
			}
			if c.strat {
				// Each class's rows per fold within one row of 1/k of them.
				count := map[string][]int{}
				total := map[string]int{}
				for _, p := range cv.Predictions {
					cl := plan[p.Row]
					if c.task == task.Binary {
						cl = fmt.Sprint(churned[p.Row])
					}
					if count[cl] == nil {
						count[cl] = make([]int, k)
					}
					count[cl][p.Fold-1]++
					total[cl]++
				}
				for cl, per := range count {
					for f, m := range per {
						if d := float64(m) - float64(total[cl])/float64(k); d <= -1 || d >= 1 {
							t.Errorf("class %s: %d rows in fold %d, of %d in all", cl, m, f+1, total[cl])
						}
					}
				}
			}
			// Each fold's measures from its predictions.
			for f, fold := range cv.Folds {
				var y, p []float64
				var truth []int
				width := 0
				for _, pr := range cv.Predictions {
					if pr.Fold != f+1 {
						continue
					}
					y, p, truth = append(y, pr.Label), append(p, pr.Output...), append(truth, int(pr.Label))
					width = len(pr.Output)
				}
				if fold.Fold != f+1 || fold.RowsTest != int64(len(y)) {
					t.Errorf("fold %d: number %d, rows_test %d, %d predictions", f+1, fold.Fold, fold.RowsTest, len(y))
				}
				var want map[string]float64
				switch c.task {
				case task.Binary:
					r := metrics.BinaryReport(y, p, 0.5, nil)
					want = map[string]float64{"roc_auc": r.ROCAUC, "pr_auc": r.PRAUC, "log_loss": r.LogLoss, "accuracy": r.Accuracy, "brier": r.Brier}
				case task.Multiclass:
					r := metrics.MulticlassReport(truth, p, width)
					want = map[string]float64{"accuracy": r.Accuracy, "log_loss": r.LogLoss, "macro_f1": r.MacroF1}
				default:
					r := metrics.RegressionReport(y, p)
					want = map[string]float64{"rmse": r.RMSE, "mae": r.MAE, "r2": r.R2}
				}
				if len(fold.Measures) != len(want) || len(cv.Columns) != len(want) {
					t.Errorf("fold %d: measures %v, columns %v; want %v", f+1, fold.Measures, cv.Columns, want)
				}
				for m, v := range want {
					if got, ok := fold.Measures[m]; !ok || got != v || math.IsNaN(v) {
						t.Errorf("fold %d: %s %v, from its predictions %v", f+1, m, got, v)
					}
				}
			}
			// Mean and std (n-1) of the fold rows.
			for _, m := range append(cv.Columns, "seconds") {
				var s, ss float64
				for _, fold := range cv.Folds {
					v := fold.Seconds
					if m != "seconds" {
						v = fold.Measures[m]
					}
					s += v
				}
				mean := s / float64(k)
				for _, fold := range cv.Folds {
					v := fold.Seconds
					if m != "seconds" {
						v = fold.Measures[m]
					}
					ss += (v - mean) * (v - mean)
				}
				std := math.Sqrt(ss / float64(k-1))
				if math.Abs(cv.Mean[m]-mean) > 1e-12 || math.Abs(cv.Std[m]-std) > 1e-12 {
					t.Errorf("%s: mean %v std %v, of the folds %v %v", m, cv.Mean[m], cv.Std[m], mean, std)
				}
			}
			// The SQL function: the same rows, bit for bit but seconds.
			sqlRows := cvSQLRows(t, e, fmt.Sprintf(`SELECT * EXCLUDE (seconds) FROM cross_validate('%s', $$%s$$, %s)`, c.kind, data, c.sqlArgs))
			if len(sqlRows) != k+2 {
				t.Fatalf("SQL: %d rows, want %d", len(sqlRows), k+2)
			}
			for f, fold := range cv.Folds {
				if got, want := sqlRows[f], cvGoRow(fmt.Sprint(fold.Fold), fold.RowsTrain, fold.RowsTest, fold.Measures, cv.Columns); got != want {
					t.Errorf("fold %d: SQL %s\nGo %s", f+1, got, want)
				}
			}
			for i, s := range []struct {
				name string
				m    map[string]float64
			}{{"mean", cv.Mean}, {"std", cv.Std}} {
				if got, want := sqlRows[k+i], cvGoRow(s.name, -1, -1, s.m, cv.Columns); got != want {
					t.Errorf("%s: SQL %s\nGo %s", s.name, got, want)
				}
			}
		})
	}
	if got := queryInt(t, ctx, e.DB(), `SELECT count(*) FROM models()`); got != 0 {
		t.Errorf("%d models saved", got)
	}
}

// cvMeasureColumns are cross_validate's measure columns, in order.
var cvMeasureColumns = []string{"roc_auc", "pr_auc", "log_loss", "accuracy", "brier", "macro_f1", "rmse", "mae", "r2"}

// cvGoRow formats a row of a CrossValidation as cvSQLRows formats the SQL
// row (without seconds): rows -1 and measures not in columns are NULL,
// doubles by their bits.
func cvGoRow(fold string, train, test int64, m map[string]float64, columns []string) string {
	cells := []string{fold, "NULL", "NULL"}
	if train >= 0 {
		cells[1], cells[2] = fmt.Sprint(train), fmt.Sprint(test)
	}
	for _, c := range cvMeasureColumns {
		v, ok := m[c]
		if !ok || !strings.Contains(" "+strings.Join(columns, " ")+" ", " "+c+" ") {
			cells = append(cells, "NULL")
			continue
		}
		cells = append(cells, fmt.Sprintf("%x", math.Float64bits(v)))
	}
	return strings.Join(cells, "\t")
}

// cvSQLRows runs a cross_validate query without seconds and formats its
// rows as cvGoRow does.
func cvSQLRows(t *testing.T, e *engine.Engine, query string) []string {
	t.Helper()
	rows, err := e.DB().QueryContext(testContext(t), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var fold string
		var train, test sql.NullInt64
		vals := make([]sql.NullFloat64, len(cvMeasureColumns))
		dst := []any{&fold, &train, &test}
		for i := range vals {
			dst = append(dst, &vals[i])
		}
		if err := rows.Scan(dst...); err != nil {
			t.Fatal(err)
		}
		cells := []string{fold, "NULL", "NULL"}
		if train.Valid {
			cells[1], cells[2] = fmt.Sprint(train.Int64), fmt.Sprint(test.Int64)
		}
		for _, v := range vals {
			if v.Valid {
				cells = append(cells, fmt.Sprintf("%x", math.Float64bits(v.Float64)))
			} else {
				cells = append(cells, "NULL")
			}
		}
		out = append(out, strings.Join(cells, "\t"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The Go API refuses options of the kind not cross-validated, as SQL
// refuses their arguments, naming kind.
func TestCrossValidateOtherKindOptions(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), `CREATE TABLE c AS SELECT * FROM demo_customers(200)`)
	for _, c := range []struct {
		kind string
		o    engine.CrossValidateOptions
		want string
	}{
		{engine.KindPerceptron, engine.CrossValidateOptions{Perceptron: engine.TrainOptions{Label: "churned"}, BoostedTrees: engine.TreeOptions{MaxDepth: 3}},
			"cross_validate: kind: is 'perceptron', but boosted-trees options are set (CrossValidateOptions.BoostedTrees)"},
		{engine.KindBoostedTrees, engine.CrossValidateOptions{BoostedTrees: engine.TreeOptions{Label: "churned"}, Perceptron: engine.TrainOptions{Hidden: []int{4}}},
			"cross_validate: kind: is 'boosted_trees', but perceptron options are set (CrossValidateOptions.Perceptron)"},
	} {
		if _, err := e.CrossValidate(ctx, c.kind, "c", c.o); err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %s", c.kind, err, c.want)
		}
	}
}
