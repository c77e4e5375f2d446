package training

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/perceptron"
)

// auto is lbfgs without hidden layers and adam with them; optimizer is
// solver's alias.
func TestSolverDefaults(t *testing.T) {
	cases := []struct {
		o              Options
		solver, optim  string
		epochs, batchs int
	}{
		{Options{Label: "y", Solver: "lbfgs"}, "lbfgs", "", DefaultLBFGSIterations, 0},
		{Options{Label: "y", Solver: "auto", Hidden: []int{4}}, "adam", "adam", DefaultEpochs, DefaultBatchSize},
		{Options{Label: "y", Optimizer: "sgd"}, "sgd", "sgd", DefaultEpochs, DefaultBatchSize},
		{Options{Label: "y", Solver: "adam"}, "adam", "adam", DefaultEpochs, DefaultBatchSize},
		{Options{Label: "y", Solver: "lbfgs", Epochs: 7}, "lbfgs", "", 7, 0},
		// auto: lbfgs without hidden layers, unless an option of gradient
		// steps asks for adam.
		{Options{Label: "y"}, "lbfgs", "", DefaultLBFGSIterations, 0},
		{Options{Label: "y", Solver: "auto", Epochs: 5}, "lbfgs", "", 5, 0},
		{Options{Label: "y", LearningRate: 0.05}, "adam", "adam", DefaultEpochs, DefaultBatchSize},
		{Options{Label: "y", BatchSize: 64}, "adam", "adam", DefaultEpochs, 64},
		{Options{Label: "y", Patience: 3}, "adam", "adam", DefaultEpochs, DefaultBatchSize},
		{Options{Label: "y", EarlyStopping: bptr(false)}, "adam", "adam", DefaultEpochs, DefaultBatchSize},
	}
	for _, c := range cases {
		o := c.o
		o.Defaults()
		again := o
		again.Defaults()
		if o.Solver != c.solver || o.Optimizer != c.optim || o.Epochs != c.epochs || o.BatchSize != c.batchs {
			t.Errorf("%+v: solver %q optimizer %q epochs %d batch %d", c.o, o.Solver, o.Optimizer, o.Epochs, o.BatchSize)
		}
		if err := o.Validate(); err != nil {
			t.Errorf("%+v: %v", c.o, err)
		}
		if err := again.Validate(); err != nil || again.Solver != o.Solver {
			t.Errorf("Defaults twice: %v, solver %q", err, again.Solver)
		}
		if (o.Solver == "lbfgs") != (o.EarlyStopping == nil) {
			t.Errorf("%+v: early_stopping %v", c.o, o.EarlyStopping)
		}
	}
}

// lbfgs with hidden layers or with adam's and sgd's options is an error
// naming solver; so are an unknown solver and a solver the optimizer
// contradicts.
func TestSolverErrors(t *testing.T) {
	cases := []struct {
		o    Options
		want string
	}{
		{Options{Solver: "lbfgs", Hidden: []int{3}}, "train_perceptron: solver: 'lbfgs' trains a network without hidden layers"},
		{Options{Solver: "lbfgs", LearningRate: 0.1}, "solver: learning_rate does not apply to 'lbfgs'"},
		{Options{BatchSize: 64, Solver: "lbfgs"}, "solver: batch_size does not apply to 'lbfgs'"},
		{Options{EarlyStopping: bptr(true), Solver: "lbfgs"}, "solver: early_stopping does not apply to 'lbfgs'"},
		{Options{Patience: 3, Solver: "lbfgs"}, "solver: patience does not apply to 'lbfgs'"},
		{Options{Solver: "lbfgs", Optimizer: "adam"}, "solver: optimizer does not apply to 'lbfgs'"},
		{Options{Solver: "adam", Optimizer: "sgd"}, "solver: 'adam' and optimizer 'sgd' disagree"},
		{Options{Solver: "newton"}, "solver: must be 'auto', 'lbfgs', 'adam' or 'sgd', got 'newton'"},
	}
	for _, c := range cases {
		o := c.o
		o.Label = "y"
		o.Defaults()
		err := o.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, dserr.InvalidArgument) {
			t.Errorf("%+v: got %v, want %q", c.o, err, c.want)
		}
	}
}

// The cached and the streamed lbfgs reach the same optimum (their sums
// differ in order only); each records one history row per iteration, the
// gradient norm under the tolerance and a note that it converged. adam
// records no gradient norm.
func TestLBFGSStreamed(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := makeSource(t, mem, 6000, 512, mixedColumns())
	defer src.Release()
	base := Options{Label: "y", Exclude: exclude("grade", "amount"), Solver: "lbfgs"}
	_, cached := trainDoc(t, src, base, true)
	streamedOpts := base
	streamedOpts.MemoryLimit = "10KB"
	src.Streams = 0
	_, streamed := trainDoc(t, src, streamedOpts, true)
	if cached.Mode != "cached" || streamed.Mode != "streamed" {
		t.Fatalf("modes %s and %s", cached.Mode, streamed.Mode)
	}
	for _, r := range []*Result{cached, streamed} {
		m := r.Doc.Metrics
		if m.GradientNorm == nil || !(*m.GradientNorm < perceptron.DefaultGradientTolerance) {
			t.Errorf("%s: gradient norm %v", r.Mode, m.GradientNorm)
		}
		if m.EpochsRun != len(r.Doc.History) || m.BestEpoch != m.EpochsRun || m.EpochsRun < 2 {
			t.Errorf("%s: epochs_run %d, best %d, %d history rows", r.Mode, m.EpochsRun, m.BestEpoch, len(r.Doc.History))
		}
		for i, h := range r.Doc.History {
			if h.Epoch != i+1 || math.IsNaN(float64(h.ValidMetric)) {
				t.Errorf("%s: history row %d: %+v", r.Mode, i, h)
			}
		}
		if note := strings.Join(r.Notes, "; "); !strings.Contains(note, "lbfgs converged after") {
			t.Errorf("%s: notes %q", r.Mode, note)
		}
	}
	// Every evaluation reads the data again: more passes than iterations.
	if src.Streams < 2+streamed.Doc.Metrics.EpochsRun {
		t.Errorf("streamed: %d passes for %d iterations", src.Streams, streamed.Doc.Metrics.EpochsRun)
	}
	a, b := cached.Doc.Network.Layers[0], streamed.Doc.Network.Layers[0]
	for i := range a.W {
		if math.Abs(a.W[i]-b.W[i]) > 1e-5 {
			t.Errorf("weight %d: cached %v, streamed %v", i, a.W[i], b.W[i])
		}
	}
	if math.Abs(a.B[0]-b.B[0]) > 1e-5 {
		t.Errorf("bias: cached %v, streamed %v", a.B[0], b.B[0])
	}
	adam := base
	adam.Solver, adam.Epochs = "adam", 2
	if _, r := trainDoc(t, src, adam, true); r.Doc.Metrics.GradientNorm != nil {
		t.Errorf("adam: gradient norm %v", *r.Doc.Metrics.GradientNorm)
	}
}

// A cancelled lbfgs training ends with a Cancelled error.
func TestLBFGSCancelled(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := makeSource(t, mem, 3000, 512, mixedColumns())
	defer src.Release()
	ctx, cancel := context.WithCancel(context.Background())
	o := Options{Label: "y", Exclude: exclude("grade", "amount"), Solver: "lbfgs", Progress: func(e Epoch) {
		if e.Epoch == 2 {
			cancel()
		}
	}}
	_, err := Train(ctx, src, o)
	if !errors.Is(err, dserr.Cancelled) {
		t.Errorf("got %v, want a Cancelled error", err)
	}
}
