// Package dataset is the plumbing every model family's job shares: the
// data it reads (Source, any number of passes, each a Reader of Arrow
// record batches) and the loop over one pass (EachBatch), the identity of
// the data a model was fitted on (Fingerprint), the float that carries NaN
// through JSON as null (Num), and the sizes memory_limit is written in
// (ParseSize, FormatSize).
//
// It is a leaf: it knows nothing of DuckDB or of any model. The SQL
// functions hand a job a prepared data query as a Source; tests hand it
// batches held in memory (package datasettest).
package dataset
