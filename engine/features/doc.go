// Package features turns streamed Arrow record batches into the numbers
// models consume. This first part computes per-column statistics (count,
// NULLs, mean, standard deviation, min, max) in one streaming pass, merging
// batch summaries in a fixed order so the result is the same bit for bit
// however the data is chunked into threads.
//
// Kernels here import neither udf nor duckdb-go: they take arrow.Array
// values, which the caller owns and releases.
package features
