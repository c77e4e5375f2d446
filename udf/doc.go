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
//     touching their values;
//   - generic writers for nested result columns (ListWriter, MapWriter,
//     StructWriter and the typed child views Values and Strings; see
//     nested.go), so callers build any LIST, MAP or STRUCT value without
//     boxing, and the bridge itself knows nothing of what they mean.
//
// # Nested result columns
//
// DuckDB stores a LIST column as one (offset, length) entry per row into a
// child vector that holds the elements of every row back to back; a MAP is
// a LIST whose elements are STRUCT(key, value); a STRUCT is one vector per
// field, entry j of each field making up value j. The writers follow that
// layout, as duckdb-go's vectors and arrow-go's builders do for theirs:
//
//   - ListWriter (Output.List) and MapWriter (Output.Map) write a column's
//     rows: Append(i, n) makes row i a list (map) of n elements and returns
//     the index of its first element in the child; SetNull(i) makes row i
//     NULL. Rows may be written in any order, each at most once.
//   - The elements are written through Child, a typed view of the child
//     vector (Elem; a MAP's Keys and Values; a STRUCT's Field): Values[T]
//     for numbers and booleans, Strings for VARCHAR, and ListWriter,
//     MapWriter or StructWriter again for nested types. Each sets element j
//     (Set) or marks it NULL (SetNull).
//   - StructWriter (Output.Struct, or Child.Struct) writes the fields of
//     STRUCT values; SetNull makes a value and each of its fields NULL.
//
// Writing row i of a LIST(STRUCT(name VARCHAR, score DOUBLE)) column:
//
//	l, ok := out.List(col) // ok is false when the query does not want col
//	s := l.Elem().Struct()
//	names, scores := s.Field(0).Strings(), s.Field(1).Float64s()
//	j := l.Append(i, len(items))
//	for k, it := range items {
//		names.Set(j+k, it.Name)
//		scores.Set(j+k, it.Score)
//	}
//
// The child vector grows as elements are appended (DuckDB may move its
// memory), and the typed views follow it: they stay valid, as every writer
// does, until the Fill call returns. Nothing is boxed: a Set writes the
// value into the vector's memory; only a VARCHAR longer than 12 bytes
// costs a cgo call (DuckDB copies it into the vector's string heap).
//
// Each element appended must be written (every field of a STRUCT element),
// or marked NULL: DuckDB reads what the child holds. A MAP's keys must be
// distinct and not NULL; DuckDB does not check what a table function writes.
// Typed views check the declared type and panic on a mismatch, as Output's
// accessors do.
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
//     Output and ScalarOutput, and the writers taken from them, must not
//     be kept. A pass-through column references its source vector's
//     buffers (DuckDB counts the reference), so it stays valid after the
//     source Batch is released.
//   - Bind data, init data and extra info are cgo handles in C memory,
//     freed by ds_delete when DuckDB drops them; a scalar call site's state
//     is shared by the copies DuckDB makes of its bind data and released by
//     the last (a reference count).
//
// Everything here is built only with the duckdb_arrow build tag.
package udf
