//go:build duckdb_arrow

// Package udf is the only part of ducksight that touches duckdb-go's C-level
// API (package mapping and duckdb-go-bindings), cgo or unsafe. It provides:
//
//   - table-function registration with raw callbacks (TableFunc, Bound,
//     Execution), so bind only binds and the heavy work runs at execution;
//   - the data-query bridge (Host.Prepare, Query.Stream, Reader.Next): a
//     `data` argument is checked to be exactly one read-only query, then run
//     on a nested connection of its own and streamed as Arrow record batches
//     with bounded memory;
//   - an output writer (Output) that fills DuckDB's output vectors directly,
//     honours projection pushdown and passes input columns through without
//     touching their values.
//
// Everything here is built only with the duckdb_arrow build tag.
package udf
