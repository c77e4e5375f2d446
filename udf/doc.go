//go:build duckdb_arrow

// Package udf is the only part of ducksight that touches duckdb-go's C-level
// API (package mapping and duckdb-go-bindings), cgo or unsafe. It provides:
//
//   - table-function registration with raw callbacks (TableFunc, Bound,
//     Execution), so bind only binds and the heavy work runs at execution;
//   - scalar-function registration (ScalarFunc): f(constant, ..., row),
//     vectorised, the row's fields reaching Eval as an Arrow record batch;
//   - the data-query bridge (Host.Prepare, Query.Stream, Reader.Next): a
//     `data` argument is checked to be exactly one read-only query, then run
//     on a nested connection of its own, inside a read-only transaction, and
//     streamed as Arrow record batches with bounded memory;
//   - an output writer (Output) that fills DuckDB's output vectors directly,
//     honours projection pushdown and passes input columns through without
//     touching their values.
//
// # Lifetimes of the C objects
//
// Every DuckDB object the bridge holds has one owner that outlives every
// use of it. The rules, object by object:
//
//   - Connections. A Host's nested connections are opened per data query
//     (Query owns one; Query.Close closes it) and, for the Arrow options
//     of scalar call sites, one connection the Host keeps (optConn). The
//     Host's database/sql pool (Host.Conn) holds ducksight's own
//     statements' connections. A scalar call site opens and closes no
//     connection itself (only the first one in a Host opens optConn).
//   - Arrow options (duckdb_arrow_options). They hold DuckDB's
//     ClientProperties, which point into the client context of the
//     connection they were read from; DuckDB's Arrow converter reads that
//     context on every conversion. So options are destroyed before their
//     connection closes: a Query's options before its own connection; a
//     scalar call site's options (Host.arrowOptions) when its last copy is
//     released, and the Host closes optConn only when no options read from
//     it are alive and no Connector is attached. (Options once came from a
//     connection closed at bind: concurrent scoring crashed the process.)
//   - Client contexts taken in a callback (bind, scalar bind) are destroyed
//     before the callback returns.
//   - Prepared statements and logical types of a Query live until
//     Query.Close; a result column Type made from a Query (ColumnType) is
//     valid while the Query is open, so a Bound that passes columns through
//     closes its Query only in its own Close.
//   - Streaming results. A Reader owns its result and its interrupter
//     goroutine (which interrupts the Query's connection when the context
//     ends). Reader.Close stops the goroutine first, then destroys the
//     result; Query.Close closes any Reader still open before closing the
//     connection, so neither outlives it. Next after Close is an error.
//   - Streamed chunks. Each Batch's chunk is owned by a chunkRef, which is
//     also the memory.Allocator of the Arrow buffers that alias the chunk's
//     vectors (numbers, DATE/TIME/TIMESTAMP, their validity), the way
//     arrow-go's C-data importer ties imported buffers to their
//     ArrowArray: Batch.Release drops the batch's hold, each buffer's last
//     Release drops its own, and the chunk is destroyed with the last hold.
//     Retain is therefore honoured: a retained column stays valid after its
//     Batch is released and the stream has moved on. Chunk memory comes
//     from the database's allocator: release retained columns before
//     closing the database.
//   - A scalar function's input chunk belongs to DuckDB for the callback
//     only, so nothing of it is lent: its numeric columns are copied into
//     Go buffers from a pooled allocator (scratch), and the other columns
//     are made by DuckDB's Arrow converter, which owns its output. What
//     Eval retains stays valid.
//   - Output chunks and vectors belong to DuckDB for one Fill or Eval call;
//     Output and ScalarOutput must not be kept. A pass-through column
//     references its source vector's buffers (DuckDB counts the reference),
//     so it stays valid after the source Batch is released.
//   - Bind data, init data and extra info are cgo handles in C memory,
//     freed by ds_delete when DuckDB drops them; a scalar call site's state
//     is shared by the copies DuckDB makes of its bind data and released by
//     the last (a reference count).
//
// Everything here is built only with the duckdb_arrow build tag.
package udf
