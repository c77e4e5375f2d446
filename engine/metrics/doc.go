// Package metrics scores predictions against known labels: ROC AUC, accuracy,
// root mean squared error and log loss.
//
// The functions take plain slices, allocate only what they must (AUC sorts a
// copy of its input) and are deterministic: the same inputs give the same
// result bit for bit. Empty inputs give NaN, and so does AUC when only one
// class is present, because the metric is undefined there. Slices of
// different lengths are a programming error and panic.
//
// Like the rest of ducksight's kernels, this package imports neither udf nor
// duckdb-go.
package metrics
