// Package sqlfuncs is ducksight's SQL adapter: its SQL functions, one file
// per function, and the one registry (registry.go) that both registers them
// with DuckDB and feeds docs and the REPL's function listing.
//
// A function file declares the function's arguments (type, default, range
// and documentation, once) and its result columns. Its bind reads the
// call's arguments into the options of the function's service (package
// service), which checks them, loads the model and prepares the data
// query; its execution writes what the service returns into DuckDB's
// vectors. Everything that touches DuckDB's C API goes through package udf.
package sqlfuncs

// The argument and result-column tables of docs/sql.md are generated from
// the registry (see internal/reference); the tag is the one every build
// of ducksight needs.
//go:generate go run -tags duckdb_arrow ./internal/gendocs ../docs/sql.md
