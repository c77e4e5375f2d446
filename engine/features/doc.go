// Package features turns streamed Arrow record batches into the numbers
// models consume, and back again the same way at predict time.
//
// Statistics: Observe and Moments compute per-column count, NULLs, mean,
// standard deviation, min and max in one streaming pass, merging batch
// summaries in a fixed order so the result is the same bit for bit
// however the data is chunked into threads.
//
// Preprocessing: a Fitter learns, in one pass over the training batches,
// how each feature column becomes model inputs, and Finish returns it as
// an Encoder, a plain value stored as JSON in the model document: numeric,
// DATE and TIMESTAMP columns standardised with NULLs imputed by the mean
// (plus an is-NULL input), BOOLEAN as 0/1, VARCHAR and ENUM one-hot over
// their most frequent levels; constant, all-NULL, identifier-like and
// unsupported columns are dropped with a reason. Encoder.Bind resolves the
// columns by name in the schema of any later data, and Binding.Encode
// writes batches into a row-major float64 matrix. A LabelFitter learns the
// task and classes of the label column (LabelEncoding), and RowHash gives
// each row a hash of its values for an order-independent validation split.
//
// Training statistics: Fitter.Statistics (after Finish) describes each
// kept column on the rows observed, in the same pass (ColumnStats: NULL
// share, mean and standard deviation, quantile edges, level shares), and
// StatsOf computes the same block from a column's values in column-major
// float64 form. Every model document stores it.
//
// Rows are skipped through a []bool per batch (true = leave the row out),
// marked by Fitter.BadRows / Binding.BadRows (NaN or ±Inf in a feature)
// and LabelFitter.Observe / LabelEncoding.MarkSkips (NULL, NaN or ±Inf
// label), and honoured the same way by fitting and encoding.
//
// Kernels here import neither udf nor duckdb-go: they take arrow.Array
// and arrow.RecordBatch values, which the caller owns and releases; no
// function here retains or releases them.
package features
