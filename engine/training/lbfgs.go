package training

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/perceptron"
	"github.com/ducksight/ducksight/engine/task"
)

// runLBFGS trains the single-layer network to the optimum of its objective
// (perceptron.FitLBFGS) on the training rows: the cache in one batch with
// the row weights w (nil: unweighted), or, in streamed mode, the rows read
// again for every evaluation of the objective, in the same order each time
// (the shuffle of epoch 0), weighted by the class weights. After every
// iteration the validation rows are scored, as after an epoch; the model
// kept is the last iterate. It returns the history (one row per
// iteration), the last iteration's record, and the solver's result.
func (e *epochRunner) runLBFGS(ctx context.Context, w []float64) ([]Epoch, Epoch, perceptron.LBFGSResult, error) {
	o := e.o
	width := e.d.width
	var data perceptron.Batches
	if e.stream == nil {
		data = func(fn func(x, y, w []float64, n int) error) error {
			return fn(e.d.xTrain, e.d.yTrain, w, len(e.d.yTrain))
		}
	} else {
		var wb []float64
		data = func(fn func(x, y, w []float64, n int) error) error {
			return e.stream(func(x, y []float64, n int) error {
				var ws []float64
				if e.classW != nil {
					if cap(wb) < n {
						wb = make([]float64, n)
					}
					ws = wb[:n]
					for i := range ws {
						ws[i] = e.classW[int(y[i])]
					}
				}
				return fn(x[:n*width], y[:n], ws, n)
			})
		}
	}
	var history []Epoch
	useValid := e.d.validRows > 0
	t0 := time.Now()
	each := func(it perceptron.Iteration) error {
		ev := Epoch{Epoch: it.Iteration, TrainLoss: it.Loss, ValidLoss: dataset.Num(math.NaN()), ValidMetric: dataset.Num(math.NaN())}
		if useValid {
			l, m, err := e.evaluate()
			if err != nil {
				return err
			}
			ev.ValidLoss, ev.ValidMetric = dataset.Num(l), dataset.Num(m)
		}
		ev.Seconds = time.Since(t0).Seconds()
		t0 = time.Now()
		history = append(history, ev)
		if len(history) == 1 && e.afterFirst != nil {
			if err := e.afterFirst(); err != nil {
				return err
			}
		}
		if o.Progress != nil {
			pe := ev
			pe.Epochs = o.Epochs
			pe.MetricName = map[task.Task]string{task.Binary: "AUC", task.Multiclass: "accuracy", task.Regression: "RMSE"}[e.task]
			pe.Unit = "iteration"
			o.Progress(pe)
		}
		return nil
	}
	res, err := perceptron.FitLBFGS(ctx, e.model, data, perceptron.LBFGSSettings{MaxIterations: o.Epochs, Iteration: each})
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			var de *dserr.Error
			if !errors.As(err, &de) {
				return nil, Epoch{}, res, dserr.Cancel(Fn, "", err)
			}
		}
		return nil, Epoch{}, res, dserr.Wrap(dserr.Internal, Fn, "", err)
	}
	return history, history[len(history)-1], res, nil
}

// LBFGSNote says how the L-BFGS run ended.
func LBFGSNote(r perceptron.LBFGSResult, cap int) string {
	if r.Converged {
		return fmt.Sprintf("lbfgs converged after %d iterations (gradient norm %.2g)", r.Iteration.Iteration, r.GradientNorm)
	}
	return fmt.Sprintf("lbfgs stopped at the iteration cap (epochs %d) before converging: gradient norm %.2g, tolerance %g", cap, r.GradientNorm, perceptron.DefaultGradientTolerance)
}
