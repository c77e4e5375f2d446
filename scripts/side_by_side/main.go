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
	"strings"
	"time"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/demo"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/training"
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
		fmt.Fprintln(os.Stderr, "side_by_side:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: side_by_side quality|serve [flags] (see go doc ./scripts/side_by_side)")
	os.Exit(2)
}

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

func emit(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// trainResult is the row train_perceptron returns, plus the wall time of
// the statement measured here.
type trainResult struct {
	Version     int      `json:"version"`
	RowsUsed    int64    `json:"rows_used"`
	Inputs      int      `json:"inputs"`
	EpochsRun   int      `json:"epochs_run"`
	ValidMetric *float64 `json:"valid_metric"` // nil: NULL (no validation rows)
	TrainLoss   float64  `json:"train_loss"`
	// GradientNorm is lbfgs's final gradient norm (-1: NULL, adam and sgd).
	GradientNorm float64 `json:"gradient_norm"`
	Mode         string  `json:"mode"`
	Notes        string  `json:"notes"`
	Seconds      float64 `json:"seconds"`      // train_perceptron's own figure
	WallSeconds  float64 `json:"wall_seconds"` // the whole statement, timed here
	CPUSeconds   float64 `json:"cpu_seconds"`  // CPU time of the process meanwhile (-1: unknown)
}

func train(ctx context.Context, db *sql.DB, model, data, label, args string) (trainResult, error) {
	q := fmt.Sprintf(`SELECT version, rows_used, inputs, epochs_run, train_loss, valid_metric, gradient_norm, mode, notes, seconds
		FROM train_perceptron('%s', '%s', label := '%s'%s)`, model, data, label, args)
	var r trainResult
	var valid, gnorm sql.NullFloat64
	c0, t0 := cpuSeconds(), time.Now()
	err := db.QueryRowContext(ctx, q).Scan(&r.Version, &r.RowsUsed, &r.Inputs, &r.EpochsRun, &r.TrainLoss, &valid, &gnorm, &r.Mode, &r.Notes, &r.Seconds)
	r.WallSeconds = time.Since(t0).Seconds()
	if c0 >= 0 {
		r.CPUSeconds = cpuSeconds() - c0
	} else {
		r.CPUSeconds = -1
	}
	if err != nil {
		return r, fmt.Errorf("%s: %w", q, err)
	}
	if valid.Valid {
		r.ValidMetric = &valid.Float64
	}
	r.GradientNorm = -1
	if gnorm.Valid {
		r.GradientNorm = gnorm.Float64
	}
	return r, nil
}

// predictAUC scores data with the model version and returns the test AUC of
// the probability against the label, with the row keys (key, if not "",
// names a column returned in order) and labels so callers can check the rows.
func predictAUC(ctx context.Context, db *sql.DB, model string, version int, data, label, key string) (float64, []int64, []float64, error) {
	keyCol := "0::BIGINT"
	if key != "" {
		keyCol = key
	}
	q := fmt.Sprintf(`SELECT %s, probability, %s::DOUBLE FROM predict('%s', '%s', version := %d)`, keyCol, label, model, data, version)
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%s: %w", q, err)
	}
	defer rows.Close()
	var p, y []float64
	var keys []int64
	for rows.Next() {
		var k int64
		var pi, yi float64
		if err := rows.Scan(&k, &pi, &yi); err != nil {
			return 0, nil, nil, err
		}
		p, y, keys = append(p, pi), append(y, yi), append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, nil, err
	}
	return metrics.AUC(p, y, nil), keys, y, nil
}

// demoLabels lists the targets and ground-truth columns of demo_customers
// that are never features; with customer_id and true_segment this is the
// exclusion of scripts/demo_sklearn.py.
var demoLabels = []string{"churned", "purchased_next_30d", "spend_next_90d"}

type qualityLabel struct {
	Label     string                 `json:"label"`
	RateTest  float64                `json:"rate_test"`
	BayesAUC  float64                `json:"bayes_auc"`
	Exclude   []string               `json:"exclude"`
	Models    map[string]trainResult `json:"models"`   // by hidden, "[]" and "[16]"
	TestAUC   map[string]float64     `json:"test_auc"` // by hidden
	TrainSQL  map[string]string      `json:"train_sql"`
	TestCount int                    `json:"test_rows"`
}

func runQuality(argv []string) error {
	fs := flag.NewFlagSet("quality", flag.ExitOnError)
	seed := fs.Int64("seed", 42, "demo_customers seed")
	ntrain := fs.Int64("train", 100000, "training rows (customer_id 1..train)")
	ntest := fs.Int64("test", 50000, "test rows (the next ones)")
	threads := fs.Int("threads", 0, "DuckDB threads (0: one per core)")
	fs.Parse(argv)

	ctx := context.Background()
	e, db, err := open(ctx, *threads)
	if err != nil {
		return err
	}
	defer e.Close()
	for _, q := range []string{
		fmt.Sprintf(`CREATE TABLE d AS SELECT * FROM demo_customers(%d, seed := %d)`, *ntrain+*ntest, *seed),
		fmt.Sprintf(`CREATE TABLE train AS SELECT * FROM d WHERE customer_id <= %d`, *ntrain),
		fmt.Sprintf(`CREATE TABLE test AS SELECT * FROM d WHERE customer_id > %d`, *ntrain),
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}

	// The generator's truth on the test rows (row i has customer_id i+1).
	var c demo.Customer
	n := int(*ntest)
	pc, pp := make([]float64, n), make([]float64, n)
	yc, yp := make([]float64, n), make([]float64, n)
	for i := range n {
		demo.Row(uint64(*seed), *ntrain+int64(i), &c)
		pc[i], pp[i] = demo.ChurnProbability(&c), demo.PurchaseProbability(&c)
		if c.Churned {
			yc[i] = 1
		}
		if c.PurchasedNext30d {
			yp[i] = 1
		}
	}
	truth := map[string][2][]float64{"churned": {pc, yc}, "purchased_next_30d": {pp, yp}}

	out := struct {
		Seed   int64          `json:"seed"`
		Train  int64          `json:"train"`
		Test   int64          `json:"test"`
		Labels []qualityLabel `json:"labels"`
	}{Seed: *seed, Train: *ntrain, Test: *ntest}
	for _, label := range []string{"churned", "purchased_next_30d"} {
		exclude := []string{"customer_id", "true_segment"}
		for _, l := range demoLabels {
			if l != label {
				exclude = append(exclude, l)
			}
		}
		ql := qualityLabel{Label: label, Exclude: exclude, Models: map[string]trainResult{},
			TestAUC: map[string]float64{}, TrainSQL: map[string]string{}, TestCount: n}
		tp, ty := truth[label][0], truth[label][1]
		ql.BayesAUC = metrics.AUC(tp, ty, nil)
		for _, v := range ty {
			ql.RateTest += v / float64(n)
		}
		for _, hidden := range []string{"[]", "[16]"} {
			args := fmt.Sprintf(", exclude := ['%s'], hidden := %s", strings.Join(exclude, "', '"), hidden)
			ql.TrainSQL[hidden] = fmt.Sprintf(`SELECT * FROM train_perceptron('m', 'train', label := '%s'%s)`, label, args)
			r, err := train(ctx, db, "m", "train", label, args)
			if err != nil {
				return err
			}
			auc, keys, y, err := predictAUC(ctx, db, "m", r.Version, "test", label, "customer_id")
			if err != nil {
				return err
			}
			// The test rows are the generator's rows ntrain..ntrain+ntest-1, in
			// order, with the generator's labels.
			if len(keys) != n {
				return fmt.Errorf("%s: %d test predictions, want %d", label, len(keys), n)
			}
			for i, k := range keys {
				if k != *ntrain+int64(i)+1 || y[i] != ty[i] {
					return fmt.Errorf("%s: test row %d: customer_id %d, %s %v; the generator's row %d has %v",
						label, i, k, label, y[i], *ntrain+int64(i)+1, ty[i])
				}
			}
			ql.Models[hidden] = r
			ql.TestAUC[hidden] = auc
		}
		out.Labels = append(out.Labels, ql)
	}
	return emit(out)
}

// runServe builds the tables, optionally writes them as .npy files, then
// answers one command per line of standard input with one JSON line:
//
//	scan        times DuckDB's SELECT sum(c1)+...+sum(c16) over the training table
//	train N     times the whole train_perceptron statement with Adam: solver := 'adam'
//	            and its defaults when N is 0, else epochs := N, early_stopping := false;
//	            reports the model's test AUC (predict over the test table, not timed)
//	trainargs A times train_perceptron('m', 'wide', label := 'y', A), A being named
//	            arguments as SQL text (none: every default); reports the test AUC,
//	            the weights (coefficients) and training_info's seconds
//
// so that a driver can alternate ducksight's and scikit-learn's fits.
func runServe(argv []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	dir := fs.String("dir", "", "directory for the .npy files (with -write)")
	write := fs.Bool("write", false, "write train_X.npy, train_y.npy, test_X.npy, test_y.npy to -dir")
	ntrain := fs.Int64("train", 1000000, "training rows (the benchmark's table has 1M)")
	ntest := fs.Int64("test", 200000, "test rows")
	threads := fs.Int("threads", 0, "DuckDB threads (0: one per core)")
	fs.Parse(argv)

	ctx := context.Background()
	e, db, err := open(ctx, *threads)
	if err != nil {
		return err
	}
	defer e.Close()
	stmts := append(widetable.SQL("wide", 0, *ntrain, 0), widetable.SQL("wide_test", *ntrain, *ntrain+*ntest, 1000000000)...)
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
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
	scan := widetable.ScanSQL("wide")
	var sum float64
	if err := db.QueryRowContext(ctx, scan).Scan(&sum); err != nil { // warm-up
		return err
	}
	if err := reply(map[string]any{"ready": true, "scan_sql": scan, "train_rows": *ntrain, "test_rows": *ntest}); err != nil {
		return err
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		switch {
		case len(f) == 1 && f[0] == "scan":
			t0 := time.Now()
			if err := db.QueryRowContext(ctx, scan).Scan(&sum); err != nil {
				return err
			}
			err = reply(map[string]any{"seconds": time.Since(t0).Seconds()})
		case len(f) == 2 && f[0] == "train":
			var epochs int
			if _, err := fmt.Sscan(f[1], &epochs); err != nil {
				return fmt.Errorf("train %q: %w", f[1], err)
			}
			// Adam's defaults (the solver's before lbfgs became the
			// default for hidden := []), or N Adam epochs.
			args := ", solver := 'adam'"
			if epochs > 0 {
				args = fmt.Sprintf(", epochs := %d, early_stopping := false", epochs)
			}
			err = serveTrain(ctx, db, args, false)
		case len(f) >= 1 && f[0] == "trainargs":
			args := strings.TrimSpace(strings.TrimPrefix(in.Text(), "trainargs"))
			if args != "" {
				args = ", " + args
			}
			err = serveTrain(ctx, db, args, true)
		default:
			return fmt.Errorf("unknown command %q (scan, train N, trainargs ARGS)", in.Text())
		}
		if err != nil {
			return err
		}
	}
	return in.Err()
}

// serveTrain runs train_perceptron('m', 'wide', label := 'y'<args>), scores
// wide_test with the model, and replies with the model's row, the test AUC
// and the statement; with coef, also the model's weights (coefficients).
func serveTrain(ctx context.Context, db *sql.DB, args string, coef bool) error {
	r, err := train(ctx, db, "m", "wide", "y", args)
	if err != nil {
		return err
	}
	auc, _, _, err := predictAUC(ctx, db, "m", r.Version, "wide_test", "y", "")
	if err != nil {
		return err
	}
	out := map[string]any{"model": r, "test_auc": auc,
		"train_sql": fmt.Sprintf(`SELECT * FROM train_perceptron('m', 'wide', label := 'y'%s)`, args)}
	if coef {
		c, err := coefficients(ctx, db, "m", r.Version)
		if err != nil {
			return err
		}
		out["coefficients"] = c
		secs, err := iterationSeconds(ctx, db, "m", r.Version)
		if err != nil {
			return err
		}
		out["iteration_seconds"] = secs
	}
	return reply(out)
}

// inputWeight is one numeric input of a model without hidden layers: the
// column, its standardisation and its weight on the standardised value.
type inputWeight struct {
	Name   string  `json:"name"`
	Mean   float64 `json:"mean"`
	Std    float64 `json:"std"`
	Weight float64 `json:"weight"`
}

// coefficients returns the weights of a binary model without hidden layers
// whose inputs are all numeric columns (the wide table's), and its bias,
// read from the stored document.
func coefficients(ctx context.Context, db *sql.DB, model string, version int) (map[string]any, error) {
	var doc string
	q := `SELECT document::VARCHAR FROM ducksight.models WHERE name = ? AND version = ?`
	if err := db.QueryRowContext(ctx, q, model, version).Scan(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	var d training.Document
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, err
	}
	if len(d.Network.Layers) != 1 || d.Network.Layers[0].Out != 1 {
		return nil, fmt.Errorf("model %s version %d: coefficients need one layer with one output", model, version)
	}
	l := d.Network.Layers[0]
	var ws []inputWeight
	for _, c := range d.Encoder.Columns {
		if c.Kind != "numeric" || c.Width != 1 {
			return nil, fmt.Errorf("model %s version %d: column %s is not one numeric input", model, version, c.Name)
		}
		ws = append(ws, inputWeight{Name: c.Name, Mean: c.Mean, Std: c.Std, Weight: l.W[c.Offset]})
	}
	return map[string]any{"inputs": ws, "bias": l.B[0], "l2": *d.Options.L2}, nil
}

// iterationSeconds returns the seconds column of training_info: the wall
// time of each epoch (each L-BFGS iteration, with the validation scoring
// after it).
func iterationSeconds(ctx context.Context, db *sql.DB, model string, version int) ([]float64, error) {
	q := fmt.Sprintf(`SELECT seconds FROM training_info('%s', version := %d) ORDER BY epoch`, model, version)
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	defer rows.Close()
	var secs []float64
	for rows.Next() {
		var s float64
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		secs = append(secs, s)
	}
	return secs, rows.Err()
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
