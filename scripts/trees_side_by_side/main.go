//go:build duckdb_arrow

package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/demo"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/scripts/internal/widetable"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "quality":
		err = runQuality(os.Args[2:])
	case "serve":
		err = runServe(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "trees_side_by_side:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: trees_side_by_side quality|serve [flags] (see go doc ./scripts/trees_side_by_side)")
	os.Exit(2)
}

// dataset is a public customer dataset written by extract_modeldata.R: a
// binary label, its positive level (unused when read_csv reads the label as
// BOOLEAN: then true is positive), and the file's row-number column rid,
// which is never a feature.
type dataset struct {
	Name     string
	Label    string
	Positive string
}

// publicSets are the datasets of the CRAN package modeldata that
// extract_modeldata.R writes (README.md says where each comes from).
var publicSets = []dataset{
	{"mlc_churn", "churn", "yes"},
	{"wa_churn", "churn", "Yes"},
	{"attrition", "Attrition", "Yes"},
	{"credit_data", "Status", "bad"},
	{"lending_club", "Class", "bad"},
}

// matchedArgs are XGBoost's hyper-parameters of the side-by-side runs in
// train_boosted_trees's terms: 300 trees, learning rate 0.1, depth 6,
// min_child_weight 1, lambda 1, gamma 0, 255 bins, no subsampling, no early
// stopping and no validation rows (both sides train on the same rows).
const matchedArgs = `, trees := 300, learning_rate := 0.1, max_depth := 6, min_child_weight := 1, l2 := 1, ` +
	`min_split_gain := 0, subsample := 1.0, colsample := 1.0, max_bins := 255, early_stopping := false, validation_fraction := 0`

// modelSpec is one ducksight model of a task: the training function and
// the named arguments after label, positive and exclude.
type modelSpec struct {
	Fn   string
	Args string
}

// modelSpecs are the models -models may name.
var modelSpecs = map[string]modelSpec{
	"trees":         {"train_boosted_trees", matchedArgs},
	"trees_default": {"train_boosted_trees", ""},
	"mlp16":         {"train_perceptron", ", hidden := [16]"},
	"logistic":      {"train_perceptron", ", hidden := []"},
	// The default before solver 'auto' became L-BFGS for hidden := []:
	// Adam with early stopping on the validation rows.
	"logistic_adam": {"train_perceptron", ", hidden := [], solver := 'adam'"},
	// L-BFGS on every training row at the default l2: the rows and the
	// objective of LogisticRegression(C = 1/(l2 * n)).
	"logistic_all": {"train_perceptron", ", hidden := [], solver := 'lbfgs', validation_fraction := 0"},
	// The search across both families with the budget (tuneArgs
	// gives the arguments, with -tune-budget): one row per trial, the best
	// configuration saved as the model's next version.
	"tune": {"tune", ""},
}

// tuneArgs are the named arguments of the tune model: kind 'auto' and a
// time budget of budget seconds, then extra (more named arguments, as SQL,
// for experiments such as "folds := 5"; empty: every other argument at its
// default).
func tuneArgs(budget float64, extra string) string {
	s := fmt.Sprintf(", kind := 'auto', time_budget := %g", budget)
	if extra != "" {
		s += ", " + extra
	}
	return s
}

// column is a column of a task's tables with its DuckDB type.
type column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// modelRun is one ducksight model trained on a task and scored on its test
// rows.
type modelRun struct {
	Available   bool           `json:"available"` // the training function is registered
	SQL         string         `json:"sql"`
	Row         map[string]any `json:"row,omitempty"` // the training function's output row
	WallSeconds float64        `json:"wall_seconds"`  // the whole statement, timed here
	CPUSeconds  float64        `json:"cpu_seconds"`   // CPU time of the process meanwhile (-1: unknown)
	TestAUC     float64        `json:"test_auc"`
	// PredCSV is the file of the test rows' probabilities, keyed by the
	// task's Key column (written when -predictions is set).
	PredCSV string `json:"pred_csv,omitempty"`
	// Trials are trial_info's rows of the version tune saved (tune only),
	// and WinningKind the kind of the trial whose status is 'best'.
	Trials      []map[string]any `json:"trials,omitempty"`
	WinningKind string           `json:"winning_kind,omitempty"`
	// LoadAvg is the machine's 1, 5 and 15 minute load averages when the
	// statement started (empty where /proc/loadavg does not exist): a time
	// budget under load runs fewer trials.
	LoadAvg string `json:"load_avg,omitempty"`
	// Error is the error of a tune statement that failed (the run goes on;
	// TestAUC is then meaningless).
	Error string `json:"error,omitempty"`
}

// task is one train/test split of one dataset.
type task struct {
	Name      string              `json:"name"`
	Dataset   string              `json:"dataset"`
	Seed      int64               `json:"seed"` // demo_customers's seed, or the split's
	Label     string              `json:"label"`
	Key       string              `json:"key"` // a column unique on every row (never a feature)
	Positive  string              `json:"positive,omitempty"`
	Exclude   []string            `json:"exclude"`
	Columns   []column            `json:"columns"`
	TrainCSV  string              `json:"train_csv"`
	TestCSV   string              `json:"test_csv"`
	TrainRows int64               `json:"train_rows"`
	TestRows  int64               `json:"test_rows"`
	RateTest  float64             `json:"rate_test"`
	BayesAUC  *float64            `json:"bayes_auc,omitempty"` // demo_customers only
	Ducksight map[string]modelRun `json:"ducksight"`
}

func (t *task) trainTable() string { return "train_" + t.Name }
func (t *task) testTable() string  { return "test_" + t.Name }

// labelExpr is the SQL expression of the 0/1 label.
func (t *task) labelExpr() string {
	if t.Positive == "" {
		return quoteIdent(t.Label) + "::DOUBLE"
	}
	return fmt.Sprintf("(%s = %s)::DOUBLE", quoteIdent(t.Label), quoteString(t.Positive))
}

func quoteIdent(s string) string  { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

func open(ctx context.Context, threads int) (*engine.Engine, *sql.DB, error) {
	var opts []engine.Option
	if threads > 0 {
		opts = append(opts, engine.WithThreads(threads))
	}
	e, err := engine.Open(ctx, "", opts...)
	if err != nil {
		return nil, nil, err
	}
	return e, e.DB(), nil
}

func exec(ctx context.Context, db *sql.DB, stmts ...string) error {
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// registered tells whether the table function fn exists in this build.
func registered(ctx context.Context, db *sql.DB, fn string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_functions() WHERE function_name = ?`, fn).Scan(&n)
	return n > 0, err
}

func runQuality(argv []string) error {
	fs := flag.NewFlagSet("quality", flag.ExitOnError)
	out := fs.String("out", "", "directory for the tasks' CSV files (required)")
	data := fs.String("data", "", "directory written by extract_modeldata.R (empty: demo_customers only)")
	seeds := fs.String("seeds", "42,7", "demo_customers seeds (empty: none)")
	ntrain := fs.Int64("train", 100000, "demo_customers training rows (customer_id 1..train)")
	ntest := fs.Int64("test", 50000, "demo_customers test rows (the next ones)")
	splits := fs.Int("splits", 5, "seeded splits of every public dataset")
	sets := fs.String("datasets", "", "public datasets, comma-separated (empty: all)")
	models := fs.String("models", "trees,trees_default,mlp16", "ducksight models per task, comma-separated")
	threads := fs.Int("threads", 0, "DuckDB threads (0: one per core)")
	drop := fs.String("exclude", "", "more columns to leave out of a public dataset's features, as dataset.column, comma-separated")
	preds := fs.Bool("predictions", false, "also write each model's test probabilities to -out, keyed by the task's key column")
	budget := fs.Float64("tune-budget", 120, "time_budget (seconds) of the tune model")
	trialsTest := fs.Bool("tune-trials-test", false, "also train every tune trial's configuration alone and report its test AUC")
	tuneExtra := fs.String("tune-args", "", "more named arguments of the tune model, as SQL (\"folds := 5\")")
	fs.Parse(argv)
	if *budget <= 0 {
		return errors.New("quality: -tune-budget must be greater than 0")
	}
	if *out == "" {
		return errors.New("quality: -out is required")
	}
	var specs []string
	for _, m := range strings.Split(*models, ",") {
		if _, ok := modelSpecs[m]; !ok && m != "" {
			return fmt.Errorf("quality: unknown model %q", m)
		}
		if m != "" {
			specs = append(specs, m)
		}
	}

	ctx := context.Background()
	e, db, err := open(ctx, *threads)
	if err != nil {
		return err
	}
	defer e.Close()

	var tasks []*task
	if *seeds != "" {
		for _, s := range strings.Split(*seeds, ",") {
			seed, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("quality: -seeds: %w", err)
			}
			t, err := demoTask(ctx, db, seed, *ntrain, *ntest)
			if err != nil {
				return err
			}
			tasks = append(tasks, t)
		}
	}
	if *data != "" {
		want := map[string]bool{}
		for _, s := range strings.Split(*sets, ",") {
			want[s] = s != ""
		}
		for _, d := range publicSets {
			if *sets != "" && !want[d.Name] {
				continue
			}
			ts, err := publicTasks(ctx, db, *data, d, *splits)
			if err != nil {
				return err
			}
			for _, dc := range strings.Split(*drop, ",") {
				if ds, c, ok := strings.Cut(dc, "."); ok && ds == d.Name {
					for _, t := range ts {
						t.Exclude = append(t.Exclude, c)
					}
				}
			}
			tasks = append(tasks, ts...)
		}
	}

	have := map[string]bool{}
	for _, m := range specs {
		fn := modelSpecs[m].Fn
		if _, ok := have[fn]; !ok {
			if have[fn], err = registered(ctx, db, fn); err != nil {
				return err
			}
		}
	}
	for _, t := range tasks {
		if err := t.describe(ctx, db, *out); err != nil {
			return err
		}
		t.Ducksight = map[string]modelRun{}
		for _, m := range specs {
			spec := modelSpecs[m]
			if m == "tune" {
				spec.Args = tuneArgs(*budget, *tuneExtra)
			}
			r, err := t.run(ctx, db, spec, have[spec.Fn])
			if err == nil && m == "tune" && *trialsTest && r.Available {
				err = t.trialsTest(ctx, db, &r)
			}
			if err != nil && m == "tune" {
				// A failing tune is a finding of the yardstick, not the end
				// of the run: recorded, and the other tasks still measured.
				r.Error = err.Error()
				t.Ducksight[m] = r
				fmt.Fprintf(os.Stderr, "trees_side_by_side: %s %s: %v\n", t.Name, m, err)
				continue
			}
			if err != nil {
				return err
			}
			if *preds && r.Available {
				r.PredCSV = filepath.Join(*out, "pred_"+t.Name+"_"+m+".csv")
				if err := t.writePredictions(ctx, db, r.Row["version"].(int32), r.PredCSV); err != nil {
					return err
				}
			}
			t.Ducksight[m] = r
			if r.Available {
				fmt.Fprintf(os.Stderr, "trees_side_by_side: %s %s: test AUC %.4f (%.1f s)%s\n", t.Name, m, r.TestAUC, r.WallSeconds, r.tuneSummary())
			} else {
				fmt.Fprintf(os.Stderr, "trees_side_by_side: %s %s: %s is not in this build\n", t.Name, m, spec.Fn)
			}
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	return enc.Encode(map[string]any{"tasks": tasks})
}

// demoTask builds demo_customers churn of one seed: rows 1..ntrain train,
// the next ntest test, with the generator's Bayes-optimal test AUC.
func demoTask(ctx context.Context, db *sql.DB, seed, ntrain, ntest int64) (*task, error) {
	t := &task{Name: fmt.Sprintf("demo_%d", seed), Dataset: "demo_customers", Seed: seed, Label: "churned", Key: "customer_id",
		Exclude: []string{"customer_id", "true_segment", "purchased_next_30d", "spend_next_90d"}}
	if err := exec(ctx, db,
		fmt.Sprintf(`CREATE TABLE demo_%d AS SELECT * FROM demo_customers(%d, seed := %d)`, seed, ntrain+ntest, seed),
		fmt.Sprintf(`CREATE TABLE %s AS SELECT * FROM demo_%d WHERE customer_id <= %d ORDER BY customer_id`, t.trainTable(), seed, ntrain),
		fmt.Sprintf(`CREATE TABLE %s AS SELECT * FROM demo_%d WHERE customer_id > %d ORDER BY customer_id`, t.testTable(), seed, ntrain),
		fmt.Sprintf(`DROP TABLE demo_%d`, seed),
	); err != nil {
		return nil, err
	}
	// The generator's truth on the test rows (row i has customer_id i+1).
	var c demo.Customer
	p, y := make([]float64, ntest), make([]float64, ntest)
	for i := range p {
		demo.Row(uint64(seed), ntrain+int64(i), &c)
		p[i] = demo.ChurnProbability(&c)
		if c.Churned {
			y[i] = 1
		}
	}
	auc := metrics.AUC(p, y, nil)
	t.BayesAUC = &auc
	return t, nil
}

// publicTasks loads one extracted dataset and builds its seeded splits: a
// row is a test row of split s when hash(s * 2^32 + rid) % 4 = 0 (DuckDB's hash;
// hash(rid, s) would do for two splits only: its seeds 1, 4 and 5 give the
// same rows, as do 2 and 3).
func publicTasks(ctx context.Context, db *sql.DB, dir string, d dataset, splits int) ([]*task, error) {
	path := filepath.Join(dir, d.Name+".csv")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w (run extract_modeldata.R first)", err)
	}
	raw := "raw_" + d.Name
	if err := exec(ctx, db, fmt.Sprintf(`CREATE TABLE %s AS SELECT * FROM read_csv(%s, header = true) ORDER BY rid`, raw, quoteString(path))); err != nil {
		return nil, err
	}
	// read_csv reads yes/no columns as BOOLEAN: such a label's positive
	// class is true.
	var typ string
	if err := db.QueryRowContext(ctx, `SELECT data_type FROM information_schema.columns WHERE table_name = ? AND column_name = ?`, raw, d.Label).Scan(&typ); err != nil {
		return nil, fmt.Errorf("%s: label %s: %w", path, d.Label, err)
	}
	positive := d.Positive
	if typ == "BOOLEAN" {
		positive = ""
	}
	var ts []*task
	for s := 1; s <= splits; s++ {
		t := &task{Name: fmt.Sprintf("%s_%d", d.Name, s), Dataset: d.Name, Seed: int64(s), Label: d.Label,
			Key: "rid", Positive: positive, Exclude: []string{"rid"}}
		if err := exec(ctx, db,
			fmt.Sprintf(`CREATE TABLE %s AS SELECT * FROM %s WHERE hash(%d * 4294967296 + rid) %% 4 <> 0 ORDER BY rid`, t.trainTable(), raw, s),
			fmt.Sprintf(`CREATE TABLE %s AS SELECT * FROM %s WHERE hash(%d * 4294967296 + rid) %% 4 = 0 ORDER BY rid`, t.testTable(), raw, s),
		); err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// describe fills the task's columns, counts and test base rate, and writes
// its tables as CSV files to dir.
func (t *task) describe(ctx context.Context, db *sql.DB, dir string) error {
	rows, err := db.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position`, t.trainTable())
	if err != nil {
		return err
	}
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.Name, &c.Type); err != nil {
			rows.Close()
			return err
		}
		t.Columns = append(t.Columns, c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+t.trainTable()).Scan(&t.TrainRows); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*), avg(%s) FROM %s`, t.labelExpr(), t.testTable())).Scan(&t.TestRows, &t.RateTest); err != nil {
		return err
	}
	t.TrainCSV = filepath.Join(dir, t.trainTable()+".csv")
	t.TestCSV = filepath.Join(dir, t.testTable()+".csv")
	return exec(ctx, db,
		fmt.Sprintf(`COPY %s TO %s (HEADER, DELIMITER ',')`, t.trainTable(), quoteString(t.TrainCSV)),
		fmt.Sprintf(`COPY %s TO %s (HEADER, DELIMITER ',')`, t.testTable(), quoteString(t.TestCSV)))
}

// run trains one ducksight model on the task's training table and scores
// its test table; a function missing from this build gives a run that is
// not available.
func (t *task) run(ctx context.Context, db *sql.DB, spec modelSpec, available bool) (modelRun, error) {
	r := modelRun{Available: available,
		SQL: fmt.Sprintf(`SELECT * FROM %s('m', '%s', %s%s)`, spec.Fn, t.trainTable(), t.args(), spec.Args)}
	if !available {
		return r, nil
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			r.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	if spec.Fn == "tune" {
		return r, t.runTune(ctx, db, &r)
	}
	row, wall, cpu, err := queryRow(ctx, db, r.SQL)
	if err != nil {
		return r, err
	}
	r.Row, r.WallSeconds, r.CPUSeconds = row, wall, cpu
	version, ok := row["version"].(int32)
	if !ok {
		return r, fmt.Errorf("%s: version is %T, want INTEGER", r.SQL, row["version"])
	}
	r.TestAUC, err = predictAUC(ctx, db, "m", int(version), t.testTable(), t.labelExpr())
	return r, err
}

// args are the named arguments every model of the task is trained with:
// label, exclude and, when the label is not BOOLEAN, positive.
func (t *task) args() string {
	var excl []string
	for _, c := range t.Exclude {
		excl = append(excl, quoteString(c))
	}
	args := fmt.Sprintf(`label := %s, exclude := [%s]`, quoteString(t.Label), strings.Join(excl, ", "))
	if t.Positive != "" {
		args += ", positive := " + quoteString(t.Positive)
	}
	return args
}

// trialsTest trains the configuration of every trial tune ran (not those
// the time budget skipped) alone, with its kind's training function on the
// task's training table (what the trial itself trained, to completion even
// when halving stopped it), and adds its test AUC to the trial's row as
// test_auc_alone: whether the trial tune chose was the best on the test
// rows, and what halving stopped.
func (t *task) trialsTest(ctx context.Context, db *sql.DB, r *modelRun) error {
	fns := map[string]string{"perceptron": "train_perceptron", "boosted_trees": "train_boosted_trees"}
	for _, tr := range r.Trials {
		if s, _ := tr["status"].(string); strings.HasPrefix(s, "skipped") {
			continue
		}
		kind, _ := tr["kind"].(string)
		params, _ := tr["params"].(string)
		var p map[string]any
		if err := json.Unmarshal([]byte(params), &p); err != nil {
			return fmt.Errorf("trial %v params %q: %w", tr["trial"], params, err)
		}
		names := make([]string, 0, len(p))
		for k := range p {
			names = append(names, k)
		}
		slices.Sort(names)
		var args []string
		for _, k := range names {
			switch v := p[k].(type) {
			case string:
				args = append(args, k+" := "+quoteString(v))
			case []any:
				var xs []string
				for _, x := range v {
					xs = append(xs, fmt.Sprint(x))
				}
				args = append(args, fmt.Sprintf("%s := [%s]::INTEGER[]", k, strings.Join(xs, ", ")))
			default:
				args = append(args, fmt.Sprintf("%s := %v", k, v))
			}
		}
		q := fmt.Sprintf(`SELECT * FROM %s('trial', '%s', %s, %s)`, fns[kind], t.trainTable(), t.args(), strings.Join(args, ", "))
		row, _, _, err := queryRow(ctx, db, q)
		if err != nil {
			return err
		}
		v, ok := row["version"].(int32)
		if !ok {
			return fmt.Errorf("%s: version is %T, want INTEGER", q, row["version"])
		}
		if tr["test_auc_alone"], err = predictAUC(ctx, db, "trial", int(v), t.testTable(), t.labelExpr()); err != nil {
			return err
		}
	}
	return nil
}

// runTune runs r's tune statement (one row per trial), reads the version it
// saved and that version's trial_info, and scores the test table with it.
// r.Row holds the saved version's models() row.
func (t *task) runTune(ctx context.Context, db *sql.DB, r *modelRun) error {
	c0, t0 := cpuSeconds(), time.Now()
	if _, err := queryRows(ctx, db, r.SQL); err != nil {
		return err
	}
	r.WallSeconds, r.CPUSeconds = time.Since(t0).Seconds(), -1
	if c0 >= 0 {
		r.CPUSeconds = cpuSeconds() - c0
	}
	row, _, _, err := queryRow(ctx, db, `SELECT name, version, kind, task, positive, metric, valid_metric FROM models() WHERE name = 'm' ORDER BY version DESC LIMIT 1`)
	if err != nil {
		return err
	}
	r.Row = row
	version, ok := row["version"].(int32)
	if !ok {
		return fmt.Errorf("models(): version is %T, want INTEGER", row["version"])
	}
	if r.Trials, err = queryRows(ctx, db, fmt.Sprintf(`SELECT * FROM trial_info('m', version := %d) ORDER BY trial`, version)); err != nil {
		return err
	}
	for _, tr := range r.Trials {
		if tr["status"] == "best" {
			r.WinningKind, _ = tr["kind"].(string)
		}
	}
	r.TestAUC, err = predictAUC(ctx, db, "m", int(version), t.testTable(), t.labelExpr())
	return err
}

// tuneSummary describes a tune run's trials for the log: the winning kind
// and how many trials completed, were stopped early or skipped.
func (r *modelRun) tuneSummary() string {
	if r.Trials == nil {
		return ""
	}
	n := map[string]int{}
	for _, tr := range r.Trials {
		s, _ := tr["status"].(string)
		n[s]++
	}
	return fmt.Sprintf(", %s won; trials: %d completed, %d stopped early, %d skipped; load %s", r.WinningKind,
		n["best"]+n["completed"], n["stopped early"], n["skipped: time budget"], r.LoadAvg)
}

// writePredictions writes the probabilities of version of model m on the
// task's test table to path as CSV, with the task's key column.
func (t *task) writePredictions(ctx context.Context, db *sql.DB, version int32, path string) error {
	return exec(ctx, db, fmt.Sprintf(`COPY (SELECT %s AS key, probability FROM predict('m', '%s', version := %d)) TO %s (HEADER, DELIMITER ',')`,
		quoteIdent(t.Key), t.testTable(), version, quoteString(path)))
}

// queryRow runs a query of one row and returns its columns by name, with
// the wall and CPU seconds it took.
func queryRow(ctx context.Context, db *sql.DB, q string) (map[string]any, float64, float64, error) {
	c0, t0 := cpuSeconds(), time.Now()
	rows, err := queryRows(ctx, db, q)
	if err != nil {
		return nil, 0, 0, err
	}
	if len(rows) == 0 {
		return nil, 0, 0, fmt.Errorf("%s: no row", q)
	}
	wall, cpu := time.Since(t0).Seconds(), -1.0
	if c0 >= 0 {
		cpu = cpuSeconds() - c0
	}
	return rows[0], wall, cpu, nil
}

// queryRows runs a query and returns its rows, each as its columns by name.
func queryRows(ctx context.Context, db *sql.DB, q string) ([]map[string]any, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
		row := map[string]any{}
		for i, n := range names {
			row[n] = vals[i]
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// predictAUC scores data with version of model and returns the AUC of the
// probability against the 0/1 label expression.
func predictAUC(ctx context.Context, db *sql.DB, model string, version int, data, label string) (float64, error) {
	q := fmt.Sprintf(`SELECT probability, %s FROM predict(%s, '%s', version := %d)`, label, quoteString(model), data, version)
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", q, err)
	}
	defer rows.Close()
	var p, y []float64
	for rows.Next() {
		var pi, yi float64
		if err := rows.Scan(&pi, &yi); err != nil {
			return 0, err
		}
		p, y = append(p, pi), append(y, yi)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return metrics.AUC(p, y, nil), nil
}

// treesSQL is the train_boosted_trees statement of the speed comparison.
func treesSQL(trees int) string {
	return fmt.Sprintf(`SELECT * FROM train_boosted_trees('m', 'wide', label := 'y', trees := %d, learning_rate := 0.1, `+
		`max_depth := 6, min_child_weight := 1, l2 := 1, max_bins := 255, early_stopping := false, validation_fraction := 0)`, trees)
}

// runServe builds the tables, optionally writes them as .npy files, then
// answers one command per line of standard input with one JSON line:
//
//	scan        times DuckDB's SELECT sum(c1)+...+sum(c16) over the training table
//	trees N     times the whole train_boosted_trees statement (treesSQL) and
//	            reports the model's test AUC (predict over the test table, not
//	            timed); {"available": false} before the function exists
//	predict     times SELECT sum(probability) FROM predict(...) over the
//	            training table with the last model trained
//
// so that a driver can alternate ducksight's and XGBoost's runs.
func runServe(argv []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	dir := fs.String("dir", "", "directory for the .npy files (with -write)")
	write := fs.Bool("write", false, "write train_X.npy, train_y.npy, test_X.npy, test_y.npy to -dir")
	ntrain := fs.Int64("train", 1000000, "training rows (the benchmark's table has 1M)")
	ntest := fs.Int64("test", 200000, "test rows")
	threads := fs.Int("threads", 2, "DuckDB threads")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the commands (not of building the tables) to this file")
	fs.Parse(argv)

	ctx := context.Background()
	e, db, err := open(ctx, *threads)
	if err != nil {
		return err
	}
	defer e.Close()
	if err := exec(ctx, db, append(widetable.SQL("wide", 0, *ntrain, 0), widetable.SQL("wide_test", *ntrain, *ntrain+*ntest, 1000000000)...)...); err != nil {
		return err
	}
	if *write {
		if *dir == "" {
			return errors.New("-write needs -dir")
		}
		for _, t := range [][3]string{{"wide", "train_X.npy", "train_y.npy"}, {"wide_test", "test_X.npy", "test_y.npy"}} {
			if _, err := widetable.WriteNpy(ctx, db, t[0], filepath.Join(*dir, t[1]), filepath.Join(*dir, t[2])); err != nil {
				return err
			}
		}
	}
	available, err := registered(ctx, db, "train_boosted_trees")
	if err != nil {
		return err
	}
	scan := widetable.ScanSQL("wide")
	var sum float64
	if err := db.QueryRowContext(ctx, scan).Scan(&sum); err != nil { // warm-up
		return err
	}
	if err := reply(map[string]any{"ready": true, "available": available, "scan_sql": scan,
		"train_rows": *ntrain, "test_rows": *ntest, "threads": *threads}); err != nil {
		return err
	}
	sv := &server{db: db, scan: scan, available: available}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if err := sv.handle(ctx, strings.Fields(in.Text())); err != nil {
			return err
		}
	}
	return in.Err()
}

// server answers the commands of runServe.
type server struct {
	db        *sql.DB
	scan      string
	available bool // train_boosted_trees is registered
	version   int  // the last model version trained, 0 before
}

func (sv *server) handle(ctx context.Context, f []string) error {
	var sum float64
	switch {
	case len(f) == 1 && f[0] == "scan":
		t0 := time.Now()
		if err := sv.db.QueryRowContext(ctx, sv.scan).Scan(&sum); err != nil {
			return err
		}
		return reply(map[string]any{"seconds": time.Since(t0).Seconds()})
	case len(f) == 2 && f[0] == "trees":
		n, err := strconv.Atoi(f[1])
		if err != nil {
			return fmt.Errorf("trees %q: %w", f[1], err)
		}
		q := treesSQL(n)
		if !sv.available {
			return reply(map[string]any{"available": false, "sql": q})
		}
		row, wall, cpu, err := queryRow(ctx, sv.db, q)
		if err != nil {
			return err
		}
		v, ok := row["version"].(int32)
		if !ok {
			return fmt.Errorf("%s: version is %T, want INTEGER", q, row["version"])
		}
		sv.version = int(v)
		auc, err := predictAUC(ctx, sv.db, "m", sv.version, "wide_test", "y::DOUBLE")
		if err != nil {
			return err
		}
		return reply(map[string]any{"available": true, "sql": q, "row": row, "seconds": wall, "cpu_seconds": cpu, "test_auc": auc})
	case len(f) == 1 && f[0] == "predict":
		if sv.version == 0 {
			return reply(map[string]any{"available": false})
		}
		q := fmt.Sprintf(`SELECT sum(probability) FROM predict('m', 'wide', version := %d)`, sv.version)
		c0, t0 := cpuSeconds(), time.Now()
		if err := sv.db.QueryRowContext(ctx, q).Scan(&sum); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
		return reply(map[string]any{"available": true, "sql": q, "seconds": time.Since(t0).Seconds(),
			"cpu_seconds": cpuSeconds() - c0, "sum": sum})
	}
	return fmt.Errorf("unknown command %q (scan, trees N, predict)", strings.Join(f, " "))
}

// reply writes v as one JSON line.
func reply(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(b, '\n'))
	return err
}
