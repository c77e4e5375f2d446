//go:build duckdb_arrow

package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/task"
)

// The typed Go API (engine/models.go): it runs the SQL functions' own code,
// so results and errors are the SQL ones. The SQL behaviour of
// export_model and import_model is in testdata/sql/export_import.test.

// oddName is a model name with everything that would break spliced SQL.
const oddName = `it's; "odd" @ naïve 模型 --`

// wantError fails t unless err is a *dserr.Error with code and a text that
// starts with prefix.
func wantError(t *testing.T, what string, err error, code error, prefix string) {
	t.Helper()
	var de *dserr.Error
	switch {
	case err == nil:
		t.Errorf("%s: no error, want %q", what, prefix)
	case !errors.As(err, &de) || error(de) != err:
		t.Errorf("%s: error %T %v is not a *dserr.Error", what, err, err)
	case !errors.Is(err, code):
		t.Errorf("%s: error %q is not %v", what, err, code)
	case !strings.HasPrefix(err.Error(), prefix):
		t.Errorf("%s: error %q\nwant prefix %q", what, err, prefix)
	}
}

// predictRows reads a Predict result into rows keyed by customer_id:
// prediction as text and probability's bits, and returns the column names.
func predictRows(t *testing.T, rr array.RecordReader) ([]string, map[int64]string) {
	t.Helper()
	defer rr.Release()
	var names []string
	for _, f := range rr.Schema().Fields() {
		names = append(names, f.Name)
	}
	id, pred, prob := slices.Index(names, "customer_id"), slices.Index(names, "prediction"), slices.Index(names, "probability")
	if id < 0 || pred < 0 {
		t.Fatalf("Predict columns %v lack customer_id or prediction", names)
	}
	rows := map[int64]string{}
	for rr.Next() {
		b := rr.RecordBatch()
		ids := b.Column(id).(*array.Int64)
		for i := 0; i < int(b.NumRows()); i++ {
			s := b.Column(pred).ValueStr(i)
			if prob >= 0 {
				p := b.Column(prob).(*array.Float64)
				s += fmt.Sprintf(" %016x", math.Float64bits(p.Value(i)))
			}
			rows[ids.Value(i)] = s
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	return names, rows
}

// sqlPredictRows is predictRows for predict(...) run through database/sql.
func sqlPredictRows(t *testing.T, ctx context.Context, db queryer, query string, args ...any) map[int64]string {
	t.Helper()
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var pred any
		var prob float64
		if err := rows.Scan(&id, &pred, &prob); err != nil {
			t.Fatal(err)
		}
		out[id] = fmt.Sprintf("%v %016x", pred, math.Float64bits(prob))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameRows(t *testing.T, what string, got, want map[int64]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", what, len(got), len(want))
	}
	bad := 0
	for id, w := range want {
		if got[id] != w {
			if bad++; bad <= 3 {
				t.Errorf("%s: customer %d: %q, want %q", what, id, got[id], w)
			}
		}
	}
}

// TrainPerceptron is train_perceptron: the same options give the same
// document as the SQL call, Progress sees every epoch of the history, and
// the result is the SQL result row. Predict returns predict's columns and
// values.
func TestTrainPerceptronAPI(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(3000)`)

	var epochs []engine.Epoch
	seed, vf, l2 := int64(7), 0.2, 0.0
	es := false
	res, err := e.TrainPerceptron(ctx, "churn", "c", engine.TrainOptions{
		Label: "churned", Features: []string{"age", "plan", "income", "support_calls"}, Hidden: []int{4},
		Epochs: 4, Seed: &seed, ValidationFraction: &vf, EarlyStopping: &es, L2: &l2, Task: task.Binary,
		Progress: func(ep engine.Epoch) { epochs = append(epochs, ep) },
	})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, ctx, db, `CREATE TABLE runs AS SELECT * FROM train_perceptron('churn', 'c', label := 'churned',
		features := ['age', 'plan', 'income', 'support_calls'], hidden := [4], epochs := 4, seed := 7,
		validation_fraction := 0.2, early_stopping := false, l2 := 0, task := 'binary')`)
	// One code path: the same document (the SQL row has the metrics too).
	goDoc, sqlDoc := modelDocument(t, ctx, db, "churn", 1), modelDocument(t, ctx, db, "churn", 2)
	if string(goDoc) != string(sqlDoc) {
		t.Errorf("Go and SQL trainings differ %s", firstDifference(goDoc, sqlDoc))
	}
	var r struct {
		Task, Mode, Notes                       string
		RowsUsed, RowsSkipped                   int64
		Inputs, EpochsRun                       int
		TrainLoss, ValidLoss, ValidMetric, Secs float64
		Features                                []any
	}
	err = db.QueryRowContext(ctx, `SELECT task, mode, notes, rows_used, rows_skipped, inputs, epochs_run, train_loss, valid_loss, valid_metric, seconds, features FROM runs`).
		Scan(&r.Task, &r.Mode, &r.Notes, &r.RowsUsed, &r.RowsSkipped, &r.Inputs, &r.EpochsRun, &r.TrainLoss, &r.ValidLoss, &r.ValidMetric, &r.Secs, &r.Features)
	if err != nil {
		t.Fatal(err)
	}
	if res.Model != "churn" || res.Version != 1 || res.Task.String() != r.Task || res.Mode != r.Mode || strings.Join(res.Notes, "; ") != r.Notes ||
		res.RowsUsed != r.RowsUsed || res.RowsSkipped != r.RowsSkipped || res.Inputs != r.Inputs || res.EpochsRun != r.EpochsRun ||
		res.TrainLoss != r.TrainLoss || res.ValidLoss != r.ValidLoss || res.ValidMetric != r.ValidMetric ||
		fmt.Sprint(res.Features) != fmt.Sprint(r.Features) || !(res.Seconds > 0) {
		t.Errorf("TrainResult %+v\ndiffers from the SQL row %+v", res, r)
	}
	if res.Inputs != 7 || res.EpochsRun != 4 || res.RowsUsed != 3000 {
		t.Errorf("TrainResult %+v: want 7 inputs (income has NULLs), 4 epochs, 3000 rows", res)
	}
	// Progress saw the history training_info lists.
	hist := mustQueryStrings(t, ctx, db, `SELECT epoch, train_loss, valid_loss, valid_metric FROM training_info('churn', version := 1)`)
	var seen []string
	for _, ep := range epochs {
		seen = append(seen, fmt.Sprintf("%d\t%v\t%v\t%v", ep.Epoch, ep.TrainLoss, float64(ep.ValidLoss), float64(ep.ValidMetric)))
	}
	if strings.Join(seen, "\n") != strings.Join(hist, "\n") {
		t.Errorf("Progress saw\n%s\ntraining_info lists\n%s", strings.Join(seen, "\n"), strings.Join(hist, "\n"))
	}
	// The options stored are the SQL call's (l2 0, seed 7, task lowered).
	var opts map[string]any
	if err := json.Unmarshal([]byte(mustQueryStrings(t, ctx, db, `SELECT options::VARCHAR FROM ducksight.models WHERE name = 'churn' AND version = 1`)[0]), &opts); err != nil {
		t.Fatal(err)
	}
	if opts["l2"] != 0.0 || opts["seed"] != 7.0 || opts["task"] != "binary" || opts["validation_fraction"] != 0.2 {
		t.Errorf("stored options %v", opts)
	}

	// The positive class, as the SQL row and models() say.
	if pos := mustQueryStrings(t, ctx, db, `SELECT positive FROM runs UNION ALL SELECT positive FROM models() WHERE name = 'churn' AND version = 1`); res.Positive != "true" || strings.Join(pos, ",") != "true,true" {
		t.Errorf("positive: Go %q, SQL and models() %q", res.Positive, pos)
	}
	// HeldOut: the model's own validation rows, the rows of its
	// validation metric; the same as SQL's NULL data.
	ev, err := e.Evaluate(ctx, "churn", engine.HeldOut, engine.EvaluateOptions{Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	sqlEv := mustQueryStrings(t, ctx, db, `SELECT rows, roc_auc FROM evaluate('churn', NULL, version := 1)`)
	if ev.Measures["roc_auc"] != res.ValidMetric || fmt.Sprintf("%d\t%v", ev.Rows, ev.Measures["roc_auc"]) != sqlEv[0] || ev.Rows < 400 || ev.Rows > 800 {
		t.Errorf("Evaluate(HeldOut): %d rows, AUC %v; validation AUC %v, SQL %q", ev.Rows, ev.Measures["roc_auc"], res.ValidMetric, sqlEv)
	}
	if _, err := e.Evaluate(ctx, "churn", "", engine.EvaluateOptions{Version: 1}); err != nil {
		t.Errorf("Evaluate with data \"\" (HeldOut): %v", err)
	}
	if th, err := e.Threshold(ctx, "churn", engine.HeldOut, engine.ThresholdOptions{Version: 1, Budget: new(0.2)}); err != nil || !(th.FlaggedShare > 0.15 && th.FlaggedShare < 0.25) {
		t.Errorf("Threshold(HeldOut, budget 0.2): %+v %v", th, err)
	}

	// Defaults: a zero TrainOptions but the label is train_perceptron's
	// defaults (l2 1e-4, seed 42, 50 epochs ...).
	if _, err := e.TrainPerceptron(ctx, "defaults", "c", engine.TrainOptions{Label: "churned", Features: []string{"age", "plan"}}); err != nil {
		t.Fatal(err)
	}
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('defaults', 'c', label := 'churned', features := ['age', 'plan'])`)
	if a, b := modelDocument(t, ctx, db, "defaults", 1), modelDocument(t, ctx, db, "defaults", 2); string(a) != string(b) {
		t.Errorf("default options differ between Go and SQL %s", firstDifference(a, b))
	}

	// Predict: predict's columns, and its values bit for bit.
	rr, err := e.Predict(ctx, "churn", "c", engine.PredictOptions{Version: 1, Threshold: new(0.3)})
	if err != nil {
		t.Fatal(err)
	}
	names, got := predictRows(t, rr)
	want := mustQueryStrings(t, ctx, db, `SELECT column_name FROM (DESCRIBE SELECT * FROM predict('churn', 'c'))`)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("Predict columns %v, want %v", names, want)
	}
	sameRows(t, "Predict", got, sqlPredictRows(t, ctx, db, `SELECT customer_id, prediction, probability FROM predict('churn', 'c', version := 1, threshold := 0.3)`))
	// A query as data, and the latest version by default.
	rr, err = e.Predict(ctx, "churn", `SELECT * FROM c WHERE plan = 'basic'`, engine.PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, got = predictRows(t, rr)
	sameRows(t, "Predict latest", got, sqlPredictRows(t, ctx, db, `SELECT customer_id, prediction, probability FROM predict('churn', $$SELECT * FROM c WHERE plan = 'basic'$$, version := 2)`))
	if len(got) == 0 || len(got) == 3000 {
		t.Errorf("Predict on the basic plan: %d rows", len(got))
	}
}

// WithProgress reaches a train_perceptron statement run through
// database/sql with that context: one call per epoch, in order.
func TestWithProgressSQL(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(2000)`)
	var seen []int
	pctx := engine.WithProgress(ctx, func(ep engine.Epoch) { seen = append(seen, ep.Epoch) })
	var run int
	if err := db.QueryRowContext(pctx, `SELECT epochs_run FROM train_perceptron('m', 'c', label := 'churned', features := ['age', 'plan'], epochs := 3, early_stopping := false)`).Scan(&run); err != nil {
		t.Fatal(err)
	}
	if run != 3 || fmt.Sprint(seen) != "[1 2 3]" {
		t.Fatalf("epochs_run %d, progress saw epochs %v; want 3 and [1 2 3]", run, seen)
	}
	// Without it, nothing is called (the callback is not left behind).
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('m', 'c', label := 'churned', features := ['age', 'plan'], epochs := 2)`)
	if len(seen) != 3 {
		t.Fatalf("progress called outside its context: %v", seen)
	}
}

// Errors of the Go API are the SQL functions' errors, as *dserr.Error
// values with their codes.
func segmentErr(e *engine.Engine, ctx context.Context, name, data string, o engine.SegmentOptions) error {
	_, err := e.Segment(ctx, name, data, o)
	return err
}

func TestAPIErrors(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(500)`)
	if _, err := e.TrainPerceptron(ctx, "m", "c", engine.TrainOptions{Label: "churned", Features: []string{"age"}, Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	train := func(name, data string, o engine.TrainOptions) error {
		_, err := e.TrainPerceptron(ctx, name, data, o)
		return err
	}
	neg := -1.0
	for _, c := range []struct {
		what string
		err  error
		code error
		want string
	}{
		{"no label", train("m", "c", engine.TrainOptions{}), dserr.InvalidArgument, "train_perceptron: label: required"},
		{"label not in data", train("m", "c", engine.TrainOptions{Label: "churnd"}), dserr.InvalidArgument, `train_perceptron: label: column "churnd" not found in data (did you mean "churned"?)`},
		{"label far from every column", train("m", "c", engine.TrainOptions{Label: "target"}), dserr.InvalidArgument, `train_perceptron: label: column "target" not found in data (columns: "customer_id", "age",`},
		{"feature not in data", train("m", "c", engine.TrainOptions{Label: "churned", Features: []string{"age", "incme"}}), dserr.InvalidArgument, `train_perceptron: features: column "incme" not found in data (did you mean "income"?)`},
		{"exclude not in data", train("m", "c", engine.TrainOptions{Label: "churned", Exclude: []string{"regoin"}}), dserr.InvalidArgument, `train_perceptron: exclude: column "regoin" not found in data (did you mean "region"?)`},
		{"empty name", train(" ", "c", engine.TrainOptions{Label: "churned"}), dserr.InvalidArgument, "train_perceptron: model: must not be empty"},
		{"batch size", train("m", "c", engine.TrainOptions{Label: "churned", BatchSize: -3}), dserr.InvalidArgument, "train_perceptron: batch_size: must be between 1 and 1000000, got -3"},
		{"l2", train("m", "c", engine.TrainOptions{Label: "churned", L2: &neg}), dserr.InvalidArgument, "train_perceptron: l2: must be between 0 and 1000, got -1"},
		{"empty features", train("m", "c", engine.TrainOptions{Label: "churned", Features: []string{}}), dserr.InvalidArgument, "train_perceptron: features: empty list; leave it out to use every column but the label"},
		{"segment empty features", segmentErr(e, ctx, "s", "c", engine.SegmentOptions{K: 2, Features: []string{}}), dserr.InvalidArgument, "segment: features: empty list; leave it out to use every column"},
		{"epochs", train("m", "c", engine.TrainOptions{Label: "churned", Epochs: 1_000_000}), dserr.InvalidArgument, "train_perceptron: epochs: must be between 1 and 100000, got 1000000"},
		{"task", train("m", "c", engine.TrainOptions{Label: "churned", Task: task.Segmentation}), dserr.InvalidArgument, "train_perceptron: task: must be 'auto', 'binary', 'multiclass' or 'regression', got 'segmentation'"},
		{"data refused", train("m", "DROP TABLE c", engine.TrainOptions{Label: "churned"}), dserr.Refused, "train_perceptron: data: refused: only a read-only query"},
		{"two statements", train("m", "SELECT 1; DROP TABLE c", engine.TrainOptions{Label: "churned"}), dserr.Refused, "train_perceptron: data: refused: must be exactly one query"},
		{"no table", train("m", "customers", engine.TrainOptions{Label: "churned"}), dserr.DataQuery, "train_perceptron: data: Catalog Error: Table with name customers does not exist!"},
		{"no rows", train("m", "SELECT * FROM c LIMIT 0", engine.TrainOptions{Label: "churned"}), dserr.InvalidArgument, "train_perceptron: data: no rows"},
		{"unknown model", predictErr(e, ctx, "nope", "c", engine.PredictOptions{}), dserr.NotFound, `predict: model: no model named "nope" (models() lists them)`},
		{"unknown model, case", predictErr(e, ctx, "M", "c", engine.PredictOptions{}), dserr.NotFound, `predict: model: no model named "M" (did you mean "m"?)`},
		{"unknown version", predictErr(e, ctx, "m", "c", engine.PredictOptions{Version: 9}), dserr.NotFound, `predict: version: model "m" has no version 9`},
		{"negative version", predictErr(e, ctx, "m", "c", engine.PredictOptions{Version: -1}), dserr.InvalidArgument, "predict: version: must be at least 1, got -1"},
		{"threshold", predictErr(e, ctx, "m", "c", engine.PredictOptions{Threshold: new(1.5)}), dserr.InvalidArgument, "predict: threshold: must be between 0 and 1, got 1.5"},
		{"predict data refused", predictErr(e, ctx, "m", "DELETE FROM c", engine.PredictOptions{}), dserr.Refused, "predict: data: refused"},
		{"predict column missing", predictErr(e, ctx, "m", "SELECT customer_id FROM c", engine.PredictOptions{}), dserr.InvalidArgument, `predict: data: column "age"`},
		{"drop unknown", dropErr(e, ctx, "nope", 0), dserr.NotFound, `drop_model: model: no model named "nope"`},
		{"drop unknown version", dropErr(e, ctx, "m", 4), dserr.NotFound, `drop_model: version: model "m" has no version 4`},
		{"drop negative version", dropErr(e, ctx, "m", -1), dserr.InvalidArgument, "drop_model: version: must be at least 1 (or 0 for every version), got -1"},
		{"export unknown", exportErr(e, ctx, "nope", 0, filepath.Join(t.TempDir(), "x.json")), dserr.NotFound, `export_model: model: no model named "nope"`},
		{"export version", exportErr(e, ctx, "m", 2, filepath.Join(t.TempDir(), "x.json")), dserr.NotFound, `export_model: version: model "m" has no version 2`},
		{"export negative version", exportErr(e, ctx, "m", -2, filepath.Join(t.TempDir(), "x.json")), dserr.InvalidArgument, "export_model: version: must be at least 1 (or 0 for the latest), got -2"},
		{"export empty path", exportErr(e, ctx, "m", 0, ""), dserr.InvalidArgument, "export_model: path: must not be empty"},
		{"import empty name", importErr(e, ctx, "", "x.json"), dserr.InvalidArgument, "import_model: model: must not be empty"},
		{"import missing", importErr(e, ctx, "x", "/no/such/file.json"), dserr.NotFound, `import_model: path: "/no/such/file.json": cannot read: no such file or directory`},
	} {
		wantError(t, c.what, c.err, c.code, c.want)
	}
	// A Go caller's cancelled context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	wantError(t, "cancelled predict", predictErr(e, cctx, "m", "c", engine.PredictOptions{}), dserr.Cancelled, "predict: ")
	// Nothing failed saved anything.
	if got := mustQueryStrings(t, ctx, db, `SELECT name, version FROM models()`); strings.Join(got, ";") != "m\t1" {
		t.Errorf("models() after the errors: %q", got)
	}
}

func predictErr(e *engine.Engine, ctx context.Context, name, data string, o engine.PredictOptions) error {
	rr, err := e.Predict(ctx, name, data, o)
	if err == nil {
		rr.Release()
	}
	return err
}

func dropErr(e *engine.Engine, ctx context.Context, name string, version int) error {
	_, err := e.DropModel(ctx, name, engine.DropOptions{Version: version})
	return err
}

func exportErr(e *engine.Engine, ctx context.Context, name string, version int, path string) error {
	_, err := e.ExportModel(ctx, name, path, engine.ExportOptions{Version: version})
	return err
}

func importErr(e *engine.Engine, ctx context.Context, name, path string) error {
	_, err := e.ImportModel(ctx, name, path)
	return err
}

// Models, ExportModel, ImportModel and DropModel, with a name SQL would
// need quoting for: an exported and imported model predicts bit for bit as
// the original, and the store rows agree but for name and version.
func TestModelsExportImportDrop(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(2000)`)
	if list, err := e.Models(ctx); err != nil || len(list) != 0 {
		t.Fatalf("Models on an empty database: %v, %v", list, err)
	}
	for _, o := range []engine.TrainOptions{
		{Label: "churned", Features: []string{"age", "plan", "income"}, Hidden: []int{3}, Epochs: 2},
		{Label: "plan", Features: []string{"age", "monthly_spend"}, Epochs: 2},
	} {
		if _, err := e.TrainPerceptron(ctx, oddName, "c", o); err != nil {
			t.Fatal(err)
		}
	}
	list, err := e.Models(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != oddName || list[0].Version != 1 || list[1].Version != 2 ||
		list[0].Task != task.Binary || list[1].Task != task.Multiclass || list[1].Metric != "accuracy" || list[0].Kind != "perceptron" ||
		strings.Join(list[0].Features, ",") != "age,plan,income" || list[0].Data != "c" || math.IsNaN(list[0].ValidMetric) || list[0].CreatedAt.IsZero() {
		t.Fatalf("Models: %+v", list)
	}
	// The same rows as models().
	var sqlRows []string
	for _, m := range list {
		sqlRows = append(sqlRows, fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%v\t%s\t%v\t%v\t%s", m.Name, m.Version, m.Kind, m.Task, m.Label, m.Features, m.Metric, m.ValidMetric, m.CreatedAt, m.Data))
	}
	if want := mustQueryStrings(t, ctx, db, `SELECT name, version, kind, task, label, features, metric, valid_metric, created_at, data FROM models()`); strings.Join(sqlRows, "\n") != strings.Join(want, "\n") {
		t.Errorf("Models:\n%s\nmodels():\n%s", strings.Join(sqlRows, "\n"), strings.Join(want, "\n"))
	}

	dir := t.TempDir()
	for v := 1; v <= 2; v++ {
		path := filepath.Join(dir, fmt.Sprintf("v%d.json", v))
		r, err := e.ExportModel(ctx, oddName, path, engine.ExportOptions{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || r.Model != oddName || r.Version != v || r.Path != path || r.Bytes != fi.Size() {
			t.Errorf("ExportModel version %d: %+v (file: %v)", v, r, err)
		}
		got, err := e.ImportModel(ctx, oddName+" copy", path)
		if err != nil {
			t.Fatal(err)
		}
		if got != v {
			t.Errorf("import %d saved version %d", v, got)
		}
	}
	// The latest version by default: v2 again, as the same bytes.
	latest := filepath.Join(dir, "latest.json")
	if _, err := e.ExportModel(ctx, oddName, latest, engine.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(latest)
	b, _ := os.ReadFile(filepath.Join(dir, "v2.json"))
	if len(a) == 0 || string(a) != string(b) {
		t.Error("exporting the latest version does not write version 2's file")
	}
	n := queryInt(t, ctx, db, `SELECT count(*) FROM (
		SELECT kind, task, label, features, options::VARCHAR, metrics::VARCHAR, created_at, data, format_version, document::VARCHAR, version FROM ducksight.models WHERE name = ?
		EXCEPT SELECT kind, task, label, features, options::VARCHAR, metrics::VARCHAR, created_at, data, format_version, document::VARCHAR, version FROM ducksight.models WHERE name = ?)`,
		oddName, oddName+" copy")
	if n != 0 {
		t.Errorf("%d imported rows differ from the originals", n)
	}
	for v := 1; v <= 2; v++ {
		rr, err := e.Predict(ctx, oddName, "c", engine.PredictOptions{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		_, want := predictRows(t, rr)
		rr, err = e.Predict(ctx, oddName+" copy", "c", engine.PredictOptions{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		_, got := predictRows(t, rr)
		sameRows(t, fmt.Sprintf("imported version %d", v), got, want)
	}

	// A relative path is relative to the working directory.
	t.Chdir(dir)
	if _, err := e.ExportModel(ctx, oddName, "relative.json", engine.ExportOptions{Version: 1}); err != nil {
		t.Fatal(err)
	}
	if v, err := e.ImportModel(ctx, "relative", filepath.Join(dir, "relative.json")); err != nil || v != 1 {
		t.Errorf("import of relative.json: %d, %v", v, err)
	}
	var path string
	if err := db.QueryRowContext(ctx, `SELECT path FROM export_model(?, 'relative2.json')`, oddName).Scan(&path); err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "relative2.json") {
		t.Errorf("export_model's path %q, want the absolute %q", path, filepath.Join(dir, "relative2.json"))
	}

	dropped, err := e.DropModel(ctx, oddName, engine.DropOptions{Version: 1})
	if err != nil || fmt.Sprint(dropped) != "[1]" {
		t.Errorf("DropModel version 1: %v, %v", dropped, err)
	}
	dropped, err = e.DropModel(ctx, oddName+" copy", engine.DropOptions{})
	if err != nil || fmt.Sprint(dropped) != "[1 2]" {
		t.Errorf("DropModel every version: %v, %v", dropped, err)
	}
	if got := mustQueryStrings(t, ctx, db, `SELECT name, version FROM models()`); strings.Join(got, ";") != oddName+"\t2;relative\t1" {
		t.Errorf("models() after the drops: %q", got)
	}
}

// A file that fails import's checks saves nothing, and the error says what
// is wrong with which file.
func TestImportBadFiles(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), `CREATE TABLE c AS SELECT * FROM demo_customers(500)`)
	if _, err := e.TrainPerceptron(ctx, "m", "c", engine.TrainOptions{Label: "churned", Features: []string{"age", "plan"}, Hidden: []int{2}, Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if _, err := e.ExportModel(ctx, "m", good, engine.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(file, doc map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		f(m, m["document"].(map[string]any))
		b, _ := json.Marshal(m)
		return b
	}
	for i, c := range []struct {
		content []byte
		code    error
		want    string
	}{
		{[]byte("customer_id,age\n1,30\n"), dserr.InvalidArgument, "not a ducksight model file: not a JSON object"},
		{[]byte("{\"format\": \"ducksight-model\", "), dserr.InvalidArgument, "not a ducksight model file: not JSON (unexpected end of JSON input)"},
		{edit(func(f, _ map[string]any) { f["format_version"] = 2 }), dserr.Incompatible, "model file format version 2 is not supported (this ducksight reads version 1)"},
		{edit(func(f, _ map[string]any) { f["kind"] = "forest" }), dserr.InvalidArgument, `unknown model kind "forest"`},
		// A perceptron document in a file that says kmeans: the document is
		// checked as a kmeans model and refused.
		{edit(func(f, _ map[string]any) { f["kind"] = "kmeans" }), dserr.InvalidArgument, `document: kind "perceptron", but the file says "kmeans"`},
		{edit(func(_, d map[string]any) {
			d["network"].(map[string]any)["layers"].([]any)[1].(map[string]any)["w"] = []any{1.0}
		}), dserr.InvalidArgument,
			"document: network: perceptron: layer 1 is 2x1 with 1 weights and 1 biases, want 2x1"},
		{edit(func(_, d map[string]any) { d["label"] = 5 }), dserr.InvalidArgument, "document: does not decode as a perceptron model: json: cannot unmarshal number"},
	} {
		path := filepath.Join(dir, fmt.Sprintf("bad%d.json", i))
		if err := os.WriteFile(path, c.content, 0o644); err != nil {
			t.Fatal(err)
		}
		wantError(t, path, importErr(e, ctx, "imported", path), c.code, fmt.Sprintf("import_model: path: %q: %s", path, c.want))
	}
	if list, err := e.Models(ctx); err != nil || len(list) != 1 {
		t.Errorf("after the failed imports: %+v, %v", list, err)
	}
	if v, err := e.ImportModel(ctx, "imported", good); err != nil || v != 1 {
		t.Errorf("the good file: %d, %v", v, err)
	}
}

// With enable_external_access = false, export and import (Go and SQL) are
// refused and no file is touched: nothing is created, nothing read. A
// fresh engine, since DuckDB cannot turn access back on.
func TestExternalAccessDisabled(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(500)`)
	if _, err := e.TrainPerceptron(ctx, "m", "c", engine.TrainOptions{Label: "churned", Features: []string{"age"}, Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.json")
	if _, err := e.ExportModel(ctx, "m", existing, engine.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(existing)
	mustExec(t, ctx, db, `SET enable_external_access = false`)
	const refused = ": path: refused: file access is disabled (enable_external_access = false)"
	wantError(t, "ExportModel", exportErr(e, ctx, "m", 0, filepath.Join(dir, "new.json")), dserr.Refused, "export_model"+refused)
	wantError(t, "ExportModel over a file", exportErr(e, ctx, "m", 0, existing), dserr.Refused, "export_model"+refused)
	wantError(t, "ImportModel", importErr(e, ctx, "again", existing), dserr.Refused, "import_model"+refused)
	for _, q := range []string{
		`SELECT * FROM export_model('m', ?)`,
		`SELECT * FROM import_model('again', ?)`,
	} {
		path := filepath.Join(dir, "new.json")
		if strings.Contains(q, "import") {
			path = existing
		}
		_, err := queryStrings(ctx, db, q, path)
		if err == nil || !strings.Contains(err.Error(), refused) {
			t.Errorf("%s: %v, want an error containing %q", q, err, refused)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "existing.json" {
		t.Errorf("the directory holds %v, want only existing.json", entries)
	}
	if after, _ := os.ReadFile(existing); string(after) != string(before) {
		t.Error("the existing file changed")
	}
	if list, err := e.Models(ctx); err != nil || len(list) != 1 {
		t.Errorf("models after the refused import: %+v, %v", list, err)
	}
	// Everything else works as before.
	rr, err := e.Predict(ctx, "m", "c", engine.PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, rows := predictRows(t, rr); len(rows) != 500 {
		t.Errorf("Predict: %d rows", len(rows))
	}
}

// On a read-only database export works and import, training and dropping
// are refused with an error that says so.
func TestAPIReadOnly(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "models.duckdb")
	e, err := engine.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, ctx, e.DB(), `CREATE TABLE c AS SELECT * FROM demo_customers(500)`)
	if _, err := e.TrainPerceptron(ctx, "m", "c", engine.TrainOptions{Label: "churned", Features: []string{"age"}, Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = engine.Open(ctx, path, engine.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	file := filepath.Join(dir, "m.json")
	if _, err := e.ExportModel(ctx, "m", file, engine.ExportOptions{}); err != nil {
		t.Fatalf("export from a read-only database: %v", err)
	}
	wantError(t, "ImportModel", importErr(e, ctx, "copy", file), dserr.Refused, "import_model: model: cannot save: the database is read-only")
	if _, err := queryStrings(ctx, e.DB(), `SELECT * FROM import_model('copy', ?)`, file); err == nil ||
		!strings.Contains(err.Error(), "import_model: model: cannot save: the database is read-only") {
		t.Errorf("import_model on a read-only database: %v", err)
	}
	_, err = e.TrainPerceptron(ctx, "m2", "c", engine.TrainOptions{Label: "churned", Epochs: 1})
	wantError(t, "TrainPerceptron", err, dserr.Refused, "train_perceptron: model: cannot save: the database is read-only")
	wantError(t, "DropModel", dropErr(e, ctx, "m", 0), dserr.Refused, "drop_model: model: cannot drop: the database is read-only")
	if list, err := e.Models(ctx); err != nil || len(list) != 1 {
		t.Errorf("Models: %+v, %v", list, err)
	}
}

// Cancelling the context from Progress stops the training with
// dserr.Cancelled and saves nothing; cancelling it while a Predict result
// is read stops the reading. In a child process, as the other
// cancellation tests (a crash in cgo fails the test, not the run).
func TestTrainPerceptronCancel(t *testing.T) {
	if !inChild(t.Name()) {
		runChild(t, t.Name(), "cancelling a Go training from Progress failed or crashed the process")
		return
	}
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	mustExec(t, ctx, e.DB(), `CREATE TABLE c AS SELECT * FROM demo_customers(5000)`)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	calls := 0
	_, err = e.TrainPerceptron(cctx, "m", "c", engine.TrainOptions{Label: "churned", Epochs: 100, Progress: func(ep engine.Epoch) {
		calls++
		if ep.Epoch == 2 {
			cancel()
		}
	}})
	wantError(t, "cancelled training", err, dserr.Cancelled, "train_perceptron: ")
	if calls != 2 {
		t.Errorf("Progress was called %d times after the cancellation at epoch 2", calls)
	}
	if list, err := e.Models(ctx); err != nil || len(list) != 0 {
		t.Errorf("a cancelled training saved %+v (%v)", list, err)
	}

	// Reading a Predict result stops when its context ends, with a
	// dserr.Cancelled error from Err.
	if _, err := e.TrainPerceptron(ctx, "m", "c", engine.TrainOptions{Label: "churned", Features: []string{"age"}, Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	pctx, pcancel := context.WithCancel(ctx)
	defer pcancel()
	rr, err := e.Predict(pctx, "m", "c", engine.PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	if !rr.Next() {
		t.Fatalf("no first batch: %v", rr.Err())
	}
	pcancel()
	if rr.Next() {
		t.Error("Next went on after the context was cancelled")
	}
	wantError(t, "reading after cancel", rr.Err(), dserr.Cancelled, "predict: cancelled: context canceled")
}

// A reader from Predict owns its connection until its last Release; Retain
// keeps it. The schema is predict's, with Arrow types.
func TestPredictReader(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	db.SetMaxOpenConns(1) // Predict does not use the pool
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT customer_id, age, plan, churned FROM demo_customers(5000)`)
	if _, err := e.TrainPerceptron(ctx, "m", "c", engine.TrainOptions{Label: "plan", Exclude: []string{"customer_id"}, Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	rr, err := e.Predict(ctx, "m", "c", engine.PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rr.Retain()
	rr.Release() // one reference left
	// predict's columns (as in SQL), with their Arrow types.
	types := map[string]string{}
	var names []string
	for _, f := range rr.Schema().Fields() {
		types[f.Name] = f.Type.String()
		names = append(names, f.Name)
	}
	want := mustQueryStrings(t, ctx, db, `SELECT column_name FROM (DESCRIBE SELECT * FROM predict('m', 'c'))`)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("columns %v, want %v", names, want)
	}
	for name, typ := range map[string]string{"customer_id": "int64", "age": "int32", "plan": "utf8", "churned": "bool", "prediction": "utf8", "probability": "float64"} {
		if types[name] != typ {
			t.Errorf("column %s is %s, want %s", name, types[name], typ)
		}
	}
	rows, batches := 0, 0
	var kept arrow.RecordBatch
	for rr.Next() {
		b := rr.RecordBatch()
		if batches == 0 {
			b.Retain()
			kept = b
		}
		rows += int(b.NumRows())
		batches++
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	rr.Release()
	if rows != 5000 || batches < 3 {
		t.Errorf("%d rows in %d batches", rows, batches)
	}
	// A retained batch outlives the reader.
	if kept.NumRows() == 0 || kept.Column(slices.Index(names, "prediction")).(*array.String).Value(0) == "" {
		t.Error("the retained batch is empty")
	}
	kept.Release()
	// The engine's pool (one connection) is free throughout.
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM models()`); n != 1 {
		t.Errorf("models: %d", n)
	}
}

// The typed calls' errors carry the context's error: when the deadline
// passes during a training, errors.Is(err, context.DeadlineExceeded)
// holds (and dserr.Cancelled), and nothing is saved; so it does for every
// typed call given a context whose deadline has passed. In a child
// process, as the other cancellation tests.
func TestAPIDeadlineExceeded(t *testing.T) {
	if !inChild(t.Name()) {
		runChild(t, t.Name(), "a training past its deadline failed or crashed the process")
		return
	}
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	mustExec(t, ctx, e.DB(), `CREATE TABLE c AS SELECT * FROM demo_customers(5000)`)
	if _, err := e.TrainPerceptron(ctx, "kept", "c", engine.TrainOptions{Label: "churned", Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	// The deadline passes while the first epoch's Progress waits for it:
	// mid-training, whatever the machine's speed.
	dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	epochs := 0
	_, err = e.TrainPerceptron(dctx, "m", "c", engine.TrainOptions{Label: "churned", Epochs: 100, Progress: func(engine.Epoch) {
		epochs++
		<-dctx.Done()
	}})
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, dserr.Cancelled) {
		t.Errorf("training past its deadline: %v (%T), want an error that is context.DeadlineExceeded and dserr.Cancelled", err, err)
	}
	if epochs != 1 {
		t.Errorf("%d epochs ran, want the deadline to pass in the first", epochs)
	}
	if list, err := e.Models(ctx); err != nil || len(list) != 1 {
		t.Errorf("after the training past its deadline models lists %+v (%v), want only the model trained before", list, err)
	}

	past, cancelPast := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancelPast()
	calls := map[string]func() error{
		"TrainPerceptron": func() error {
			_, err := e.TrainPerceptron(past, "m", "c", engine.TrainOptions{Label: "churned"})
			return err
		},
		"Segment": func() error {
			_, err := e.Segment(past, "s", "c", engine.SegmentOptions{K: 2, Features: []string{"tenure_months", "monthly_spend"}})
			return err
		},
		"Predict": func() error {
			rr, err := e.Predict(past, "kept", "c", engine.PredictOptions{})
			if err == nil {
				defer rr.Release()
				for rr.Next() {
				}
				err = rr.Err()
			}
			return err
		},
		"Evaluate": func() error {
			_, err := e.Evaluate(past, "kept", "c", engine.EvaluateOptions{})
			return err
		},
		"Models": func() error {
			_, err := e.Models(past)
			return err
		},
		"ExportModel": func() error {
			return exportErr(e, past, "kept", 0, filepath.Join(t.TempDir(), "kept.json"))
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s past its deadline: %v, want an error that is context.DeadlineExceeded", name, err)
		}
	}
}

// nullable formats a float as queryStrings formats a DOUBLE: NaN is NULL.
func nullable(f float64) string {
	if math.IsNaN(f) {
		return "<nil>"
	}
	return fmt.Sprint(f)
}

// TrainingInfo and Profile give the rows of training_info() and profile(),
// and their errors name those functions.
func TestTrainingInfoAndProfile(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(1000)`)
	for _, o := range []engine.TrainOptions{
		{Label: "churned", Features: []string{"age", "plan"}, Epochs: 3, EarlyStopping: new(false)},
		{Label: "churned", Features: []string{"age"}, Epochs: 2, ValidationFraction: new(float64(0))},
	} {
		if _, err := e.TrainPerceptron(ctx, "m", "c", o); err != nil {
			t.Fatal(err)
		}
	}
	for v, epochs := range map[int]int{1: 3, 2: 2} {
		eps, err := e.TrainingInfo(ctx, "m", engine.TrainingInfoOptions{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		kept := 0
		for _, ep := range eps {
			got = append(got, fmt.Sprintf("%d\t%v\t%s\t%s\t%v\t%s", ep.Epoch, ep.TrainLoss, nullable(ep.ValidLoss), nullable(ep.ValidMetric), ep.Kept, nullable(ep.Seconds)))
			if ep.Kept {
				kept++
			}
			if v == 2 && !math.IsNaN(ep.ValidLoss) {
				t.Errorf("version 2 (no validation) epoch %d: valid loss %v, want NaN", ep.Epoch, ep.ValidLoss)
			}
		}
		if len(eps) != epochs || kept != 1 {
			t.Errorf("version %d: %d epochs (%d kept), want %d (1 kept)", v, len(eps), kept, epochs)
		}
		want := mustQueryStrings(t, ctx, db, `SELECT epoch, train_loss, valid_loss, valid_metric, kept, seconds FROM training_info('m', version := ?)`, v)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("TrainingInfo version %d:\n%s\ntraining_info():\n%s", v, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	// The latest by default.
	if eps, err := e.TrainingInfo(ctx, "m", engine.TrainingInfoOptions{}); err != nil || len(eps) != 2 {
		t.Errorf("TrainingInfo of the latest version: %d epochs, %v; want 2", len(eps), err)
	}
	if _, err := e.Segment(ctx, "s", "SELECT age, tenure_months FROM c", engine.SegmentOptions{K: 2}); err != nil {
		t.Fatal(err)
	}
	_, err := e.TrainingInfo(ctx, "nope", engine.TrainingInfoOptions{})
	wantError(t, "TrainingInfo unknown", err, dserr.NotFound, `training_info: model: no model named "nope"`)
	_, err = e.TrainingInfo(ctx, "m", engine.TrainingInfoOptions{Version: 3})
	wantError(t, "TrainingInfo unknown version", err, dserr.NotFound, `training_info: version: model "m" has no version 3`)
	_, err = e.TrainingInfo(ctx, "s", engine.TrainingInfoOptions{})
	wantError(t, "TrainingInfo of a segment model", err, dserr.Incompatible, `training_info: model: model "s" is of kind kmeans`)

	cols, err := e.Profile(ctx, "SELECT customer_id, age, plan, churned, DATE '2024-01-01' + age::INTEGER AS joined FROM c", engine.ProfileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cols {
		got = append(got, fmt.Sprintf("%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s", c.Column, c.Type, c.Rows, c.Nulls,
			nullable(c.NullShare), nullable(c.Mean), nullable(c.Std), nullable(c.Min), nullable(c.Max)))
	}
	want := mustQueryStrings(t, ctx, db, `SELECT column_name, column_type, rows, nulls, null_share, mean, std, min, max FROM profile($$SELECT customer_id, age, plan, churned, DATE '2024-01-01' + age::INTEGER AS joined FROM c$$)`)
	if len(got) != 5 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Profile:\n%s\nprofile():\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if cols[1].Rows != 1000 || math.IsNaN(cols[1].Mean) || !math.IsNaN(cols[2].Mean) || !math.IsNaN(cols[4].Mean) {
		t.Errorf("Profile: age %+v, plan %+v, joined %+v", cols[1], cols[2], cols[4])
	}
	// With a label: the columns after max, as profile(..., label := ...)
	// gives them.
	const data = "SELECT customer_id, age, plan, churned, DATE '2024-01-01' + age::INTEGER AS joined FROM c"
	cols, err = e.Profile(ctx, data, engine.ProfileOptions{Label: "Churned"})
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, c := range cols {
		top, leak := any(c.TopLevel), any(c.Leakage)
		if math.IsNaN(c.TopShare) {
			top = nil
		}
		if math.IsNaN(c.LabelAssociation) {
			leak = nil
		}
		got = append(got, fmt.Sprintf("%s\t%d\t%s\t%v\t%s\t%v\t%v\t%s\t%v", c.Column, c.ApproxUnique, nullable(c.Q50), top,
			nullable(c.TopShare), c.IdentifierLike, c.Constant, nullable(c.LabelAssociation), leak))
	}
	want = mustQueryStrings(t, ctx, db, `SELECT column_name, approx_unique, q50, top_level, top_share, identifier_like, constant, label_association, leakage FROM profile($$`+data+`$$, label := 'Churned')`)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Profile with a label:\n%s\nprofile():\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !cols[0].IdentifierLike || !math.IsNaN(cols[0].LabelAssociation) || !math.IsNaN(cols[3].LabelAssociation) || !(cols[1].LabelAssociation > 0.5) {
		t.Errorf("Profile with a label: customer_id %+v, age %+v, churned %+v", cols[0], cols[1], cols[3])
	}
	_, err = e.Profile(ctx, data, engine.ProfileOptions{Label: "churnd"})
	wantError(t, "Profile with a missing label", err, dserr.InvalidArgument, `profile: label: column "churnd" not found in data (did you mean "churned"?)`)
	_, err = e.Profile(ctx, "customers", engine.ProfileOptions{})
	wantError(t, "Profile of a missing table", err, dserr.DataQuery, "profile: data: Catalog Error: Table with name customers does not exist!")
	_, err = e.Profile(ctx, "DELETE FROM c", engine.ProfileOptions{})
	wantError(t, "Profile of a statement", err, dserr.Refused, "profile: data: refused")
}
