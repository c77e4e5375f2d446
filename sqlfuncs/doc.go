// Package sqlfuncs holds ducksight's SQL functions, one file per function,
// and the one registry (registry.go) that both registers them with DuckDB and
// feeds docs and the REPL's function listing.
//
// A function file parses and checks its named arguments, derives its output
// schema and calls a kernel; everything that touches DuckDB's C API goes
// through package udf.
package sqlfuncs

// The argument and result-column tables of docs/sql.md are generated from
// the registry (see internal/reference); the tag is the one every build
// of ducksight needs.
//go:generate go run -tags duckdb_arrow ./internal/gendocs ../docs/sql.md
