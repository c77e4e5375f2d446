// Package training runs a perceptron/MLP training job end to end over a
// streamed data source: choose the feature columns, fit the preprocessing
// and the label (one pass), encode the rows into a cached matrix when it
// fits the memory limit (or re-stream every epoch when it does not), split
// train and validation rows by a hash of each row's content and the seed,
// run the epochs with early stopping, and return the model document that
// predict and score replay.
//
// It knows nothing of DuckDB: a Source hands it Arrow record batches.
// Everything random takes Options.Seed, so the same rows in the same order
// with the same options give a bit-identical model.
package training
