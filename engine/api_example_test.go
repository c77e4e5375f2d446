//go:build duckdb_arrow

package engine_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ducksight/ducksight/engine"
)

// Train a churn model from Go, score customers as Arrow batches, and move
// the model to another database through a model file.
func ExampleEngine_TrainPerceptron() {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE customers AS SELECT * FROM demo_customers(5000)`); err != nil {
		log.Fatal(err)
	}

	epochs := 0
	res, err := e.TrainPerceptron(ctx, "churn", "customers", engine.TrainOptions{
		Label:    "churned",
		Features: []string{"age", "plan", "tenure_months", "support_calls", "monthly_spend"},
		Hidden:   []int{8},
		Epochs:   5,
		Progress: func(engine.Epoch) { epochs++ },
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s version %d: %s, %d rows, %d inputs, %d epochs reported\n", res.Model, res.Version, res.Task, res.RowsUsed, res.Inputs, epochs)

	// Predict returns predict()'s columns as Arrow batches; the caller
	// releases the reader.
	rr, err := e.Predict(ctx, "churn", `SELECT customer_id, age, plan, tenure_months, support_calls, monthly_spend FROM customers`,
		engine.PredictOptions{Threshold: new(0.5)})
	if err != nil {
		log.Fatal(err)
	}
	defer rr.Release()
	rows := 0
	for rr.Next() {
		b := rr.RecordBatch()
		probability := b.Column(b.Schema().FieldIndices("probability")[0]).(*array.Float64)
		for i := 0; i < probability.Len(); i++ {
			if p := probability.Value(i); p >= 0 && p <= 1 {
				rows++
			}
		}
	}
	if err := rr.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(rr.Schema().Field(6).Name, rr.Schema().Field(7).Name, rows)

	// Export the model and import it into another database.
	dir, err := os.MkdirTemp("", "models")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "churn.json")
	if _, err := e.ExportModel(ctx, "churn", file, engine.ExportOptions{}); err != nil {
		log.Fatal(err)
	}
	other, err := engine.Open(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	defer other.Close()
	version, err := other.ImportModel(ctx, "churn_from_shop", file)
	if err != nil {
		log.Fatal(err)
	}
	models, err := other.Models(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range models {
		fmt.Println(m.Name, m.Version == version, m.Task, m.Label, m.Features)
	}
	// Output:
	// churn version 1: binary, 5000 rows, 7 inputs, 5 epochs reported
	// prediction probability 5000
	// churn_from_shop true binary churned [age plan tenure_months support_calls monthly_spend]
}

// Grow a single depth-2 decision tree on the demo customers and read it
// as rules: each leaf's condition is SQL, with the share of churners among
// the training rows that reached it.
func ExampleEngine_TreeRules() {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE customers AS SELECT * FROM demo_customers(5000)`); err != nil {
		log.Fatal(err)
	}
	res, err := e.TrainBoostedTrees(ctx, "churn_rules", "customers", engine.TreeOptions{
		Label:              "churned",
		Features:           []string{"support_calls", "days_since_last_purchase"},
		Trees:              1,
		MaxDepth:           2,
		LearningRate:       1,
		ValidationFraction: new(0.0),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d tree on %d rows\n", res.Model, res.EpochsRun, res.RowsUsed)
	rules, err := e.TreeRules(ctx, "churn_rules", engine.TreeRulesOptions{})
	if err != nil {
		log.Fatal(err)
	}
	total := int64(0)
	for _, r := range rules {
		total += r.Rows
	}
	fmt.Printf("%d leaves covering %d rows\n", len(rules), total)
	// Output:
	// churn_rules: 1 tree on 5000 rows
	// 4 leaves covering 5000 rows
}

// Cross-validate a logistic churn model from Go: a row per fold, grouped
// by customer, then the mean and standard deviation; with Predictions,
// every row's fold and predicted probability. Nothing is saved.
func ExampleEngine_CrossValidate() {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	// Two rows per customer (a customer's rows must share a fold).
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE visits AS
		SELECT *, 1 AS visit FROM demo_customers(2000) UNION ALL SELECT *, 2 FROM demo_customers(2000)`); err != nil {
		log.Fatal(err)
	}
	const data = `SELECT * FROM visits ORDER BY customer_id, visit`
	cv, err := e.CrossValidate(ctx, engine.KindPerceptron, data, engine.CrossValidateOptions{
		Folds: 4,
		By:    []string{"customer_id"},
		Perceptron: engine.TrainOptions{
			Label:    "churned",
			Features: []string{"age", "plan", "tenure_months", "support_calls", "monthly_spend"},
			Solver:   "lbfgs",
		},
		Predictions: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cv.Task, cv.Positive, cv.Columns)
	for _, f := range cv.Folds {
		fmt.Printf("fold %d: %d training rows, %d test rows, ROC AUC %.2f\n", f.Fold, f.RowsTrain, f.RowsTest, f.Measures["roc_auc"])
	}
	fmt.Printf("mean ROC AUC %.2f, std %.2f\n", cv.Mean["roc_auc"], cv.Std["roc_auc"])
	// A customer's two rows (positions 2i and 2i+1 of data) are in one fold.
	split := 0
	for i := 0; i < len(cv.Predictions); i += 2 {
		if cv.Predictions[i].Fold != cv.Predictions[i+1].Fold {
			split++
		}
	}
	fmt.Println(len(cv.Predictions), "predictions,", split, "customers split across folds")
	// Output:
	// binary true [roc_auc pr_auc log_loss accuracy brier]
	// fold 1: 3000 training rows, 1000 test rows, ROC AUC 0.69
	// fold 2: 3000 training rows, 1000 test rows, ROC AUC 0.71
	// fold 3: 3000 training rows, 1000 test rows, ROC AUC 0.73
	// fold 4: 3000 training rows, 1000 test rows, ROC AUC 0.73
	// mean ROC AUC 0.72, std 0.02
	// 4000 predictions, 0 customers split across folds
}

func ExampleEngine_Tune() {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE customers AS SELECT * FROM demo_customers(3000)`); err != nil {
		log.Fatal(err)
	}
	// Boosted trees: max_depth fixed, the learning rate searched on a log
	// scale, three trials; on data this small (300 validation rows) tune
	// cross-validates them with 5 folds.
	r, err := e.Tune(ctx, "churn", "customers", engine.TuneOptions{
		Kind:   engine.KindBoostedTrees,
		Trials: 3,
		Space: []engine.TuneField{{Name: "learning_rate", Value: []engine.TuneField{
			{Name: "min", Value: 0.05}, {Name: "max", Value: 0.3}, {Name: "scale", Value: "log"}}}},
		BoostedTrees: engine.TreeOptions{Label: "churned", Features: []string{"age", "plan", "tenure_months", "support_calls"}, MaxDepth: 3},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range r.Trials {
		fmt.Printf("trial %d %s: %s\n", t.Trial, t.Kind, t.Status)
	}
	trials, err := e.TrialInfo(ctx, "churn", r.Version)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("saved as version", r.Version, "with", len(trials), "trials; ranked by", r.Metric)
	fmt.Println(r.Notes[0])
	// Output:
	// trial 1 boosted_trees: completed
	// trial 2 boosted_trees: completed
	// trial 3 boosted_trees: best
	// saved as version 1 with 3 trials; ranked by roc_auc
	// folds: 5 (automatic: the validation rows would be 300, fewer than 2000, too few to rank the trials)
}
