//go:build duckdb_arrow

package udf

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2/arrowmapping"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/ducksight/ducksight/dserr"
)

// Query is a data argument, checked and prepared on a nested connection of
// its own. It can be streamed any number of times (one Reader at a time);
// Close releases it and its connection.
type Query struct {
	host *Host
	fn   string
	arg  string
	conn *nestedConn
	stmt mapping.PreparedStatement
	// SQL is the text that runs: the data text itself when it is a query,
	// or "FROM " + data when it is a table, view or file name.
	SQL string

	names  []string
	lts    []mapping.LogicalType
	schema *arrow.Schema
	conv   *converter
	opts   arrowmapping.ArrowOptions

	mu      sync.Mutex
	readers map[*Reader]bool // open Readers, closed by Close
}

func (q *Query) track(r *Reader) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.readers == nil {
		q.readers = map[*Reader]bool{}
	}
	q.readers[r] = true
}

func (q *Query) untrack(r *Reader) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.readers, r)
}

// hintNested is added to errors about missing tables.
const hintNested = " (data queries run on their own connection and cannot see TEMP tables, " +
	"CTEs of the outer query, or uncommitted rows)"

// allowedFirst are the first keywords of a data text that is a query.
var allowedFirst = map[string]bool{
	"SELECT": true, "WITH": true, "FROM": true, "VALUES": true, "TABLE": true, "(": true,
	// Read-only statements DuckDB plans as queries.
	"DESCRIBE": true, "SUMMARIZE": true, "SHOW": true, "PIVOT": true, "UNPIVOT": true,
}

// Prepare checks data and prepares it on a new nested connection. fn and arg
// name the function and argument in errors. data is either exactly one query
// (SELECT, WITH, FROM-first, VALUES, TABLE) or anything that may follow FROM
// (a table or view name, qualified or quoted, a quoted file path). Anything
// else, and any text holding more than one statement, is refused before it
// runs: the text is only parsed and prepared, never executed, here.
func (h *Host) Prepare(ctx context.Context, fn, arg, data string) (*Query, error) {
	return h.prepare(ctx, fn, arg, data, "")
}

// Prepare is Host.Prepare for a function being bound: the data query also
// gets the calling connection's search path, so a caller's USE or SET
// search_path applies to it.
func (b *BindContext) Prepare(fn, arg, data string) (*Query, error) {
	return b.Host.prepare(b.Ctx, fn, arg, data, b.SearchPath)
}

// PrepareIn is Prepare with the data query under searchPath (a
// search_path setting as a connection reports it; "" is the default), for
// a call made outside a bind (the Go API) or on a bind's behalf.
func (h *Host) PrepareIn(ctx context.Context, searchPath, fn, arg, data string) (*Query, error) {
	return h.prepare(ctx, fn, arg, data, searchPath)
}

func (h *Host) prepare(ctx context.Context, fn, arg, data, searchPath string) (_ *Query, err error) {
	if strings.TrimSpace(data) == "" {
		return nil, dserr.Arg(fn, arg, "empty: give a table or view name, a quoted file path, or one SELECT query")
	}
	if err := ctx.Err(); err != nil {
		return nil, dserr.Cancel(fn, arg, err)
	}
	conn, err := h.connect(ctx)
	if err != nil {
		return nil, dserr.Wrap(dserr.DataQuery, fn, arg, err)
	}
	q := &Query{host: h, fn: fn, arg: arg, conn: conn}
	defer func() {
		if err != nil {
			q.Close()
		}
	}()
	if searchPath != "" {
		if err := conn.setSearchPath(searchPath); err != nil {
			return nil, dserr.New(dserr.DataQuery, fn, arg, "cannot use the caller's search path %q: %v", searchPath, err)
		}
	}
	// Every data query runs inside a read-only transaction of its own
	// connection, so DuckDB itself refuses any write it attempts (nextval
	// on a sequence, a function that writes); the transaction ends when
	// the connection closes. Several streams of one Query share its
	// snapshot.
	if err := conn.exec("BEGIN TRANSACTION READ ONLY"); err != nil {
		return nil, dserr.New(dserr.DataQuery, fn, arg, "cannot start the read-only transaction: %v", err)
	}
	if err := q.prepare(ctx, data); err != nil {
		return nil, err
	}
	if err := q.describe(); err != nil {
		return nil, err
	}
	return q, nil
}

func (q *Query) prepare(ctx context.Context, data string) error {
	raw := q.conn.raw
	var ext mapping.ExtractedStatements
	n := mapping.ExtractStatements(raw, data, &ext)
	defer mapping.DestroyExtracted(&ext)
	use := ext
	text := data
	switch {
	case n == 0:
		parseErr := mapping.ExtractStatementsError(ext)
		// Not a statement: maybe a name or path that may follow FROM.
		var ext2 mapping.ExtractedStatements
		text = "FROM " + data
		n2 := mapping.ExtractStatements(raw, text, &ext2)
		defer mapping.DestroyExtracted(&ext2)
		if n2 != 1 {
			if n2 > 1 {
				return dserr.New(dserr.Refused, q.fn, q.arg, "refused: must be exactly one query or one table, view or file name; got %d statements", n2)
			}
			return dserr.New(dserr.DataQuery, q.fn, q.arg, "%s", parseErr)
		}
		use = ext2
	case n > 1:
		return dserr.New(dserr.Refused, q.fn, q.arg, "refused: must be exactly one query or one table, view or file name; got %d statements", n)
	default:
		if kw := firstKeyword(data); !allowedFirst[kw] {
			return dserr.New(dserr.Refused, q.fn, q.arg, "refused: only a read-only query (SELECT, WITH, FROM, VALUES, TABLE) or a table, view or file name is allowed; got %s %s statement", article(kw), kw)
		}
	}
	if err := q.refuseCheckpoint(ctx, text); err != nil {
		return err
	}
	if mapping.PrepareExtractedStatement(raw, use, 0, &q.stmt) == mapping.StateError {
		msg := mapping.PrepareError(q.stmt)
		return dserr.New(dserr.DataQuery, q.fn, q.arg, "%s", withHint(msg))
	}
	if t := mapping.PreparedStatementType(q.stmt); t != mapping.StatementTypeSelect {
		return dserr.New(dserr.Refused, q.fn, q.arg, "refused: only a read-only query is allowed; got %s %s statement", article(statementTypeName(t)), statementTypeName(t))
	}
	q.SQL = text
	return nil
}

// checkpointFuncs are the table functions DuckDB runs even inside a
// read-only transaction although they write (the database file).
var checkpointFuncs = map[string]bool{"checkpoint": true, "force_checkpoint": true}

// refuseCheckpoint refuses a data text that calls checkpoint() or
// force_checkpoint(), found in DuckDB's own parse tree of the text
// (json_serialize_sql, given the text as a bound parameter; nothing runs).
// A view whose definition calls one is not seen: the text names only the
// view (a documented exception).
func (q *Query) refuseCheckpoint(ctx context.Context, text string) error {
	if !strings.Contains(strings.ToLower(text), "checkpoint") {
		return nil
	}
	var tree string
	c, err := q.host.Conn(ctx, "")
	if err == nil {
		err = c.QueryRowContext(ctx, "SELECT json_serialize_sql($1::VARCHAR)::VARCHAR", text).Scan(&tree)
		c.Close()
	}
	if err != nil {
		return dserr.New(dserr.Refused, q.fn, q.arg, "refused: the text mentions checkpoint and could not be checked: %v", err)
	}
	var doc any
	if err := json.Unmarshal([]byte(tree), &doc); err != nil {
		return dserr.New(dserr.Refused, q.fn, q.arg, "refused: the text mentions checkpoint and could not be checked: %v", err)
	}
	if name := findTableFunction(doc, checkpointFuncs); name != "" {
		return dserr.New(dserr.Refused, q.fn, q.arg, "refused: %s() writes the database file; a data query may only read", name)
	}
	return nil
}

// findTableFunction walks a json_serialize_sql tree for a TABLE_FUNCTION
// reference to one of names and returns the name it found.
func findTableFunction(v any, names map[string]bool) string {
	switch v := v.(type) {
	case map[string]any:
		if v["type"] == "TABLE_FUNCTION" {
			if f, ok := v["function"].(map[string]any); ok {
				if name, ok := f["function_name"].(string); ok && names[strings.ToLower(name)] {
					return strings.ToLower(name)
				}
			}
		}
		for _, c := range v {
			if name := findTableFunction(c, names); name != "" {
				return name
			}
		}
	case []any:
		for _, c := range v {
			if name := findTableFunction(c, names); name != "" {
				return name
			}
		}
	}
	return ""
}

func withHint(msg string) string {
	if strings.Contains(msg, "read-only mode") {
		return msg + " (data queries run in a read-only transaction: they cannot write)"
	}
	if strings.Contains(msg, "Catalog Error") && strings.Contains(msg, "does not exist") {
		// After the first line, before DuckDB's suggestions and LINE marker.
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			return msg[:i] + hintNested + msg[i:]
		}
		return msg + hintNested
	}
	return msg
}

// firstKeyword returns the first word (upper-cased) or punctuation character
// of a SQL text, skipping blanks and comments.
func firstKeyword(s string) string {
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		switch {
		case strings.HasPrefix(s, "--"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return ""
			}
			s = s[i+1:]
			continue
		case strings.HasPrefix(s, "/*"):
			i := strings.Index(s, "*/")
			if i < 0 {
				return ""
			}
			s = s[i+2:]
			continue
		}
		break
	}
	if s == "" {
		return ""
	}
	end := strings.IndexFunc(s, func(r rune) bool { return !(unicode.IsLetter(r) || r == '_') })
	if end == 0 {
		return s[:1]
	}
	if end < 0 {
		end = len(s)
	}
	return strings.ToUpper(s[:end])
}

var statementTypeNames = map[mapping.StatementType]string{
	mapping.StatementTypeInsert: "INSERT", mapping.StatementTypeUpdate: "UPDATE",
	mapping.StatementTypeExplain: "EXPLAIN", mapping.StatementTypeDelete: "DELETE",
	mapping.StatementTypePrepare: "PREPARE", mapping.StatementTypeCreate: "CREATE",
	mapping.StatementTypeExecute: "EXECUTE", mapping.StatementTypeAlter: "ALTER",
	mapping.StatementTypeTransaction: "TRANSACTION", mapping.StatementTypeCopy: "COPY",
	mapping.StatementTypeAnalyze: "ANALYZE", mapping.StatementTypeVariableSet: "SET VARIABLE",
	mapping.StatementTypeCreateFunc: "CREATE FUNCTION", mapping.StatementTypeDrop: "DROP",
	mapping.StatementTypeExport: "EXPORT", mapping.StatementTypePragma: "PRAGMA",
	mapping.StatementTypeVacuum: "VACUUM", mapping.StatementTypeCall: "CALL",
	mapping.StatementTypeSet: "SET", mapping.StatementTypeLoad: "LOAD",
	mapping.StatementTypeAttach: "ATTACH", mapping.StatementTypeDetach: "DETACH",
	mapping.StatementTypeExtension: "EXTENSION", mapping.StatementTypeMulti: "MULTI",
}

// article is "an" before a vowel sound, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

func statementTypeName(t mapping.StatementType) string {
	if s, ok := statementTypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("#%d", t)
}

// NumColumns is the number of columns of the query's result.
func (q *Query) NumColumns() int { return len(q.names) }

// ColumnName is the name of column i.
func (q *Query) ColumnName(i int) string { return q.names[i] }

// ColumnType is the DuckDB type of column i, usable as the type of a
// pass-through result column (valid while q is open).
func (q *Query) ColumnType(i int) Type {
	return Type{id: mapping.GetTypeId(q.lts[i]), q: q, col: i}
}

// ColumnTypeName is the SQL spelling of column i's type.
func (q *Query) ColumnTypeName(i int) string { return TypeName(q.lts[i]) }

// Schema is the Arrow schema of the batches the query streams.
func (q *Query) Schema() *arrow.Schema { return q.schema }

// Close releases the prepared statement and the nested connection.
func (q *Query) Close() {
	if q == nil {
		return
	}
	// Readers first: their results and interrupters use the connection.
	q.mu.Lock()
	open := make([]*Reader, 0, len(q.readers))
	for r := range q.readers {
		open = append(open, r)
	}
	q.mu.Unlock()
	for _, r := range open {
		r.Close()
	}
	for i := range q.lts {
		mapping.DestroyLogicalType(&q.lts[i])
	}
	q.lts = nil
	if q.opts.Ptr != nil {
		arrowmapping.DestroyArrowOptions(&q.opts)
	}
	mapping.DestroyPrepare(&q.stmt)
	q.conn.close()
}

// Stream runs the query with the streaming C API and returns a Reader of
// its batches. Memory stays bounded by a few chunks, whatever the result
// size. alloc (nil for the default) allocates the buffers the bridge must
// convert (BOOLEAN bitmaps); plain numeric columns are not copied.
func (q *Query) Stream(ctx context.Context, alloc memory.Allocator) (*Reader, error) {
	if alloc == nil {
		alloc = memory.DefaultAllocator
	}
	return newReader(ctx, q, alloc)
}
