// Package perceptron trains and scores fully connected feed-forward
// networks — from the single-layer perceptron (logistic, softmax or linear
// regression) to multilayer perceptrons with ReLU, tanh or sigmoid hidden
// layers — on dense row-major float64 matrices, as engine/features encodes
// them (standardised numerics, one-hot categoricals).
//
// A Config says what to predict (task.Binary, task.Multiclass or
// task.Regression, of package engine/task), the layer sizes and the
// optimizer; New makes an untrained Model from it,
// initialised deterministically from Config.Seed. A Trainer updates the
// model one minibatch at a time with Adam or SGD with momentum (Step), and
// the caller owns the epoch loop: shuffling, validation and early stopping.
// A network without hidden layers (a convex problem) can instead be
// trained to its exact optimum: FitLBFGS minimises its full-data Objective
// with L-BFGS (gonum.org/v1/gonum/optimize), one pass over the rows
// (Batches) per evaluation of the objective and its gradient.
// Model is a plain value with exported fields that round-trips through
// encoding/json, so it is stored inside a model document as is.
//
// # Losses and conventions
//
// Binary uses one logistic output and log loss (labels 0/1), Multiclass a
// softmax output and cross-entropy (labels are class indices stored as
// float64), Regression one linear output and half the squared error. Row
// weights multiply each row's loss; the batch loss is their weighted mean.
// L2 adds L2/2*||W||^2 over all weights (not biases) to the mean loss,
// independently of the batch size (see Config.L2 for the scikit-learn
// equivalents).
//
// # Determinism and speed
//
// The same Config, data and batch order give the same model bit for bit,
// whatever GOMAXPROCS is: batches over 1024 rows are cut into fixed
// 1024-row shards whose gradients are computed in parallel and always added
// in shard order. Forward and backward passes run over whole batches with
// plain loops over flat slices, blocked so that running sums stay in
// registers; for the small layers this package is for they beat
// gonum's blas64.Gemm (BenchmarkAffine). Steady-state Step, and Predict
// with a Scratch, allocate nothing.
//
// Like the rest of ducksight's kernels, this package imports neither udf nor
// duckdb-go.
package perceptron
