// Package service is ducksight's service layer: one typed function per
// operation (train, predict, explain, segment, evaluate, the curves,
// feature importance, the model catalogue, export and import), which both
// surfaces call. The SQL table functions in package sqlfuncs and the typed
// methods of package engine are thin adapters over it: sqlfuncs reads a
// call's declared arguments into a service's options and writes what the
// service returns into DuckDB's vectors; engine passes a Go program's
// options and hands back the same values (typed results, or Arrow record
// batches for row-shaped outputs). Neither renders SQL text for a
// ducksight function, and neither binds a call twice.
//
// A service takes a context, an Env (the database's udf.Host and the
// caller's search path) and a typed options struct, and returns typed
// values or a *dserr.Error naming the SQL function and argument the
// failure belongs to, so a Go caller and the SQL text see the same error.
//
// Operations that stream (predict, explain) are split into a bind step
// (load the model once, prepare the data query once, derive the output
// schema; nothing heavy) and a run step that yields scored batches as the
// data streams, so memory stays bounded whatever the data's size.
// Operations that save a model (train, segment, import) return the result
// and a pending save: the SQL adapter commits it when DuckDB asks for the
// chunk after the last row (so LIMIT 1 saves nothing), the Go adapter at
// once.
//
// The package imports the kernels (engine/...), the store and udf (for
// the data-query bridge: Host, Query, Reader); it never imports sqlfuncs
// or engine. See docs/architecture.md.
package service
