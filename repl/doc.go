// Package repl is ducksight's command-line front end: it splits SQL scripts
// into statements and dot commands (Split), runs them on one connection
// (Session, RunScript), renders result sets like the DuckDB CLI (box, csv,
// json, line, markdown, table, ...; see Modes) and parses the command line
// (Main). cmd/ducksight is a thin wrapper around Main.
//
// A Session is what a script or the interactive shell talks to: OpenSession
// opens the database with the Env's Opener and owns it, so that .open can
// replace it; Session.RunScript runs text, Session.Execute one statement or
// dot command; Session.Quit reports a .quit. Dot commands live in one table
// (dot.go) that dispatch, .help and completion share.
//
// Values are rendered from what database/sql scans out of duckdb-go, guided
// by the column's DuckDB type name, so that text modes print what DuckDB's
// own CAST(... AS VARCHAR) prints (0.5, 1e-07, 100.0, [a, 'b c'], {'x': 1})
// and json keeps numbers, booleans, NULL and nested values typed.
//
// repl imports no other ducksight package and builds without the
// duckdb_arrow tag: cmd/ducksight passes engine in through Env.
package repl
