// Package training runs a perceptron/MLP training job end to end over a
// streamed data source: choose the feature columns, fit the preprocessing
// and the label, encode the rows into a cached matrix when it fits the
// memory limit (or re-stream every epoch when it does not), split train
// and validation rows by a hash of each row's content and the seed, run
// the epochs with early stopping, and return the model document that
// predict and score replay.
//
// The data is read once when it can be: while the preprocessing is fitted
// (fitPass), a copy of the needed columns is kept in memory outside the Go
// heap (retainer, engine/bigmem), the fitting and the split hashes run on
// the copy in goroutines of their own, and the cache is then encoded from
// the copy by several goroutines, each row written straight to its
// shuffled place (encodeRetained). When the copy and the cache do not both
// fit in memory_limit, or a needed column cannot be copied, the data is
// streamed a second time instead. Both ways give the same model, bit for
// bit.
//
// memory_limit bounds the network (checked before it is allocated:
// checkNetwork), the cache, the copy, and in streamed mode the shuffle
// buffer and the validation rows; validation rows that do not fit are
// streamed after every epoch (streamValid) instead of held.
//
// It knows nothing of DuckDB: a Source hands it Arrow record batches.
// Everything random takes Options.Seed, so the same rows in the same order
// with the same options give a bit-identical model, whatever GOMAXPROCS.
package training
