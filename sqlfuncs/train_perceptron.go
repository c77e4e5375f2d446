//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// train_perceptron(model, data, ...): trains a perceptron/MLP and saves it
// as a new version of model.

// trainPerceptronColumns are train_perceptron's result columns.
var trainPerceptronColumns = []ColumnDoc{
	{"model", "VARCHAR", "model name"},
	{"version", "INTEGER", "the version this training saved"},
	{"task", "VARCHAR", "binary, multiclass or regression"},
	{"positive", "VARCHAR", "a binary model's positive class as text, the class its probability, precision, recall, lift and explanations are about (NULL for multiclass and regression); notes says how it was chosen"},
	{"rows_used", "BIGINT", "rows trained and validated on"},
	{"rows_skipped", "BIGINT", "rows skipped (NULL, NaN or infinite label; NaN or infinite feature)"},
	{"features", "VARCHAR[]", "input columns used"},
	{"inputs", "INTEGER", "width of the encoded input"},
	{"epochs_run", "INTEGER", "epochs run (early stopping may end before epochs); lbfgs: iterations run"},
	{"train_loss", "DOUBLE", "training loss of the kept epoch"},
	{"valid_loss", "DOUBLE", "validation loss of the kept epoch (NULL without validation)"},
	{"valid_metric", "DOUBLE", "validation AUC (binary), accuracy (multiclass) or RMSE (regression)"},
	{"gradient_norm", "DOUBLE", "lbfgs: the largest absolute component of the objective's gradient at the kept weights (NULL for adam and sgd)"},
	{"mode", "VARCHAR", "'cached' (encoded data held in memory), 'streamed' (re-read every epoch) or 'engine' (trained where the data lives, engine := ...)"},
	{"notes", "VARCHAR", "the task when chosen, the positive class and why, dropped or excluded columns and why, skipped rows, early stopping or the solver's convergence, a kept epoch (round) whose validation loss rose more than 10% above the best"},
	{"seconds", "DOUBLE", "wall time of the training"},
}

// trainPerceptronName is the function's SQL name.
const trainPerceptronName = training.Fn

var trainPerceptron = &Function{
	Name:    trainPerceptronName,
	Summary: "train a perceptron or MLP (classification or regression) on data and save it as a new model version",
	Example: "SELECT * FROM train_perceptron('churn', 'customers', label := 'churned', exclude := ['customer_id']);",
	Columns: trainPerceptronColumns,
	Table: &udf.TableFunc{
		Name: trainPerceptronName,
		Bind: bindTrainPerceptron,
		Args: []udf.Param{
			withDoc(modelParam, "model name; training an existing name adds a version"),
			dataParam,
		},
		Named: []udf.Param{
			labelParam,
			featuresParam,
			excludeParam,
			taskParam,
			{Name: "hidden", Type: udf.List(udf.Integer), Doc: "hidden layer sizes (the range is each one's); [] is the single-layer perceptron (see below)", Default: []int{},
				Range: udf.Between(1, training.MaxHiddenSize)},
			{Name: "activation", Type: udf.Varchar, Doc: "hidden-layer activation", Default: training.DefaultActivation, Choices: []string{"relu", "tanh", "sigmoid"}},
			{Name: "solver", Type: udf.Varchar, Doc: "'lbfgs' trains a network without hidden layers to the exact optimum of its objective (see below); 'adam' and 'sgd' take minibatch steps; 'auto' is lbfgs for hidden := [] unless learning_rate, batch_size, early_stopping or patience is given, adam otherwise",
				Default: training.DefaultSolver, Choices: []string{"auto", "lbfgs", "adam", "sgd"}},
			{Name: "optimizer", Type: udf.Varchar, Doc: "alias of solver for 'adam' and 'sgd' ('sgd' is SGD with momentum 0.9)", DefaultDoc: "the solver's", Choices: []string{"adam", "sgd"}},
			{Name: "learning_rate", Type: udf.Double, Doc: "step size; the same default with or without hidden layers (measured: docs/performance.md, learning_rate default)", Default: training.DefaultLearningRate,
				Range: &udf.Range{Min: 0, Max: training.MaxLearningRate, MinOpen: true}},
			{Name: "batch_size", Type: udf.Integer, Doc: "rows per gradient step (adam, sgd)", Default: training.DefaultBatchSize, Range: udf.Between(1, training.MaxBatchSize)},
			{Name: "epochs", Type: udf.Integer, Doc: "most passes over the training rows; with lbfgs the most iterations, " + strconv.Itoa(training.DefaultLBFGSIterations) + " unless given", Default: training.DefaultEpochs, Range: udf.Between(1, training.MaxEpochs)},
			{Name: "l2", Type: udf.Double, Doc: "L2 penalty on the weights", Default: training.DefaultL2, Range: udf.Between(0, training.MaxL2)},
			validationFractionParam,
			{Name: "early_stopping", Type: udf.Boolean, Doc: "stop when the validation loss (the training loss without validation) has not improved for patience epochs, and keep the best epoch's weights",
				Default: training.DefaultEarlyStopping},
			{Name: "patience", Type: udf.Integer, Doc: "epochs without improvement before stopping", Default: training.DefaultPatience, Range: udf.Between(1, training.MaxPatience)},
			classWeightParam,
			positiveParam,
			{Name: "memory_limit", Type: udf.Varchar, Doc: "memory for the network and the encoded rows before training streams the data instead (see below)",
				DefaultDoc: "the smaller of '" + training.DefaultMemoryLimit + "' and DuckDB's memory_limit"},
			withDoc(seedParam, "seed of the weights, the shuffling and the validation split"),
			{Name: "engine", Type: udf.Varchar, Doc: "train where the data lives: 'duckdb' (this database) or 'clickhouse://[user@]host:port/database' (password from DUCKSIGHT_CLICKHOUSE_PASSWORD); data is then a table there, and every pass over its rows is one aggregate query the engine runs (see below)",
				DefaultDoc: "none: train here"},
			{Name: "where", Type: udf.Varchar, Doc: "with engine: a condition (the engine's SQL, no ';') pushed into every query; write it quoted, \"where\" := ..., as WHERE is a keyword", DefaultDoc: "every row"},
			{Name: "validation", Type: udf.Varchar, Doc: "with engine: a condition (the engine's SQL, no ';') that holds for the validation rows; the others train", DefaultDoc: "no validation rows"},
			{Name: "exact", Type: udf.Boolean, Doc: "with engine: exact sums (each term rounded to a fixed scale and summed as a 128-bit integer: the model does not depend on threads or shards); false sums doubles", Default: true},
		},
		Mutates: true,
	},
}

func resultColumns(docs []ColumnDoc) []udf.Column {
	types := map[string]udf.Type{
		"VARCHAR": udf.Varchar, "BIGINT": udf.BigInt, "INTEGER": udf.Integer, "DOUBLE": udf.Double,
		"BOOLEAN": udf.Boolean, "VARCHAR[]": udf.List(udf.Varchar), "TIMESTAMP": udf.Timestamp,
	}
	cols := make([]udf.Column, len(docs))
	for i, c := range docs {
		t, ok := types[c.Type]
		if !ok {
			panic("sqlfuncs: no udf type for " + c.Type)
		}
		cols[i] = udf.Column{Name: c.Name, Type: t}
	}
	return cols
}

func bindTrainPerceptron(b *udf.BindContext) (udf.Bound, error) {
	return bindTraining(b, trainOptions, service.BindTrainPerceptron, trainPerceptronColumns)
}

// bindTraining binds a training function (train_perceptron,
// train_boosted_trees): the model name and data, the options read by
// read, the job bound by the service's bind, and the result row of cols.
func bindTraining[O any](b *udf.BindContext, read func(args) (O, error),
	bind func(context.Context, service.Env, string, string, O) (*service.TrainJob, error), cols []ColumnDoc) (udf.Bound, error) {
	a := newArgs(b)
	name, err := a.str(0)
	if err != nil {
		return nil, err
	}
	if err := service.CheckModelName(a.fn, name); err != nil {
		return nil, err
	}
	data, err := a.str(1)
	if err != nil {
		return nil, err
	}
	o, err := read(a)
	if err != nil {
		return nil, err
	}
	job, err := bind(b.Ctx, envOf(b), name, data, o)
	if err != nil {
		return nil, err
	}
	return &trainBound{job: job, cols: cols}, nil
}

// trainOptions reads train_perceptron's named arguments; an absent one
// stays the zero (or nil) field the service fills with its default.
func trainOptions(a args) (service.TrainOptions, error) {
	var o service.TrainOptions
	s := supervised{label: &o.Label, features: &o.Features, exclude: &o.Exclude, task: &o.Task,
		validationFraction: &o.ValidationFraction, earlyStopping: &o.EarlyStopping, classWeight: &o.ClassWeight,
		positive: &o.Positive, memoryLimit: &o.MemoryLimit, seed: &o.Seed}
	if err := s.read(a); err != nil {
		return o, err
	}
	hidden, given, err := a.namedInts("hidden")
	if err != nil {
		return o, err
	}
	if given {
		o.Hidden = hidden
	}
	if o.Activation, err = a.string("activation"); err != nil {
		return o, err
	}
	if o.Solver, err = a.string("solver"); err != nil {
		return o, err
	}
	if _, _, ok := a.named("solver"); !ok {
		o.Solver = "" // absent: optimizer, when given, chooses (its alias)
	}
	if o.Optimizer, err = a.string("optimizer"); err != nil {
		return o, err
	}
	if _, _, ok := a.named("learning_rate"); ok {
		if o.LearningRate, err = a.float("learning_rate"); err != nil { // given: in its range, never 0 (the default)
			return o, err
		}
	}
	ints := []struct {
		name string
		dst  *int
	}{{"batch_size", &o.BatchSize}, {"epochs", &o.Epochs}, {"patience", &o.Patience}}
	for _, x := range ints {
		if _, _, ok := a.named(x.name); !ok {
			continue
		}
		v, err := a.int(x.name) // given: in its range, never 0 (the default)
		if err != nil {
			return o, err
		}
		*x.dst = int(v)
	}
	if o.L2, err = a.optFloat("l2"); err != nil {
		return o, err
	}
	for _, x := range []struct {
		name string
		dst  *string
	}{{"engine", &o.Engine}, {"where", &o.Where}, {"validation", &o.Validation}} {
		if *x.dst, err = a.string(x.name); err != nil {
			return o, err
		}
	}
	o.Exact, err = a.namedBool("exact")
	return o, err
}

// trainBound is a bound training call (train_perceptron,
// train_boosted_trees): one result row of cols.
type trainBound struct {
	job  *service.TrainJob
	cols []ColumnDoc
}

func (t *trainBound) Columns() []udf.Column { return resultColumns(t.cols) }
func (t *trainBound) Close() error          { t.job.Close(); return nil }
func (t *trainBound) Cardinality() (uint64, bool) {
	return 1, true
}

func (t *trainBound) Start(ctx context.Context) (udf.Execution, error) {
	return &trainExec{t: t}, nil
}

type trainExec struct {
	t       *trainBound
	done    bool
	pending *service.PendingSave
}

func (e *trainExec) Threads() int { return 1 }
func (e *trainExec) Close() error { return nil }

// Fill trains, reserves the version and returns the result row; the model
// is saved on the next call, the request for the chunk after the last row
// (see service.PendingSave), so a statement that fails or is cancelled
// while it consumes the row saves nothing.
func (e *trainExec) Fill(ctx context.Context, out *udf.Output) error {
	if e.done {
		if err := e.pending.Commit(ctx); err != nil {
			return err
		}
		out.SetLen(0)
		return nil
	}
	e.done = true
	r, p, err := e.t.job.Run(ctx)
	if err != nil {
		return err
	}
	e.pending = p
	row := []any{r.Model, r.Version, r.Task.String(), positiveValue(r.Task, r.Positive), r.RowsUsed, r.RowsSkipped, r.Features,
		r.Inputs, r.EpochsRun, r.TrainLoss, r.ValidLoss, r.ValidMetric, r.GradientNorm, r.Mode, strings.Join(r.Notes, "; "), r.Seconds}
	if !slices.ContainsFunc(e.t.cols, func(c ColumnDoc) bool { return c.Name == "gradient_norm" }) {
		g := slices.IndexFunc(trainPerceptronColumns, func(c ColumnDoc) bool { return c.Name == "gradient_norm" })
		row = slices.Delete(row, g, g+1) // train_boosted_trees
	}
	writeRow(out, 0, row)
	out.SetLen(1)
	return nil
}

// positiveValue is the positive column's value: a binary model's positive
// class, NULL for every other task.
func positiveValue(tk task.Task, positive string) any {
	if tk != task.Binary {
		return nil
	}
	return positive
}
