//go:build duckdb_arrow

package udf

import (
	"context"
	"sync"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/ducksight/ducksight/dserr"
)

// Host ties ducksight's functions to one DuckDB database, reached through the
// duckdb-go Connector that opened it. It makes the nested connections data
// queries run on (straight from the Connector, never from a database/sql
// pool, so a caller's SetMaxOpenConns(1) cannot deadlock them) and remembers
// their connection ids, so a state-changing function called inside a data
// query can be refused.
type Host struct {
	connector *duckdb.Connector

	mu     sync.Mutex
	nested map[uint64]int
}

// NewHost checks that duckdb-go's layout is the one the accessor knows and
// returns a Host for the database behind c.
func NewHost(c *duckdb.Connector) (*Host, error) {
	if c == nil {
		return nil, dserr.Arg("ducksight", "connector", "nil *duckdb.Connector")
	}
	if err := checkLayout(); err != nil {
		return nil, err
	}
	return &Host{connector: c, nested: map[uint64]int{}}, nil
}

// Connector returns the duckdb-go Connector of the database.
func (h *Host) Connector() *duckdb.Connector { return h.connector }

// nestedConn is a connection of the host's own, used by one data query.
type nestedConn struct {
	host *Host
	conn *duckdb.Conn
	raw  mapping.Connection
	id   uint64
}

// connect opens a nested connection.
func (h *Host) connect(ctx context.Context) (*nestedConn, error) {
	dc, err := h.connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	c := dc.(*duckdb.Conn)
	raw := rawConn(c)
	var cc mapping.ClientContext
	mapping.ConnectionGetClientContext(raw, &cc)
	id := uint64(mapping.ClientContextGetConnectionId(cc))
	mapping.DestroyClientContext(&cc)
	h.mu.Lock()
	h.nested[id]++
	h.mu.Unlock()
	return &nestedConn{host: h, conn: c, raw: raw, id: id}, nil
}

func (n *nestedConn) close() {
	if n == nil || n.conn == nil {
		return
	}
	n.host.mu.Lock()
	if n.host.nested[n.id]--; n.host.nested[n.id] <= 0 {
		delete(n.host.nested, n.id)
	}
	n.host.mu.Unlock()
	_ = n.conn.Close()
	n.conn = nil
}

// IsNested reports whether connection id is one of the host's data-query
// connections.
func (h *Host) IsNested(id uint64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.nested[id] > 0
}

// NestedCount is the number of open nested connections (for tests: every
// data query must close its connection).
func (h *Host) NestedCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.nested {
		n += c
	}
	return n
}

// Register registers table functions in the database's catalog, so every
// connection, present and future, can call them.
func (h *Host) Register(ctx context.Context, fns ...*TableFunc) error {
	dc, err := h.connector.Connect(ctx)
	if err != nil {
		return err
	}
	c := dc.(*duckdb.Conn)
	defer c.Close()
	raw := rawConn(c)
	for _, f := range fns {
		if err := registerTableFunc(raw, h, f); err != nil {
			return err
		}
	}
	return nil
}

// setSearchPath gives the nested connection the caller's search path (what
// USE and SET search_path change), as a bound parameter: the value is never
// spliced into SQL text.
func (n *nestedConn) setSearchPath(path string) error {
	var st mapping.PreparedStatement
	defer mapping.DestroyPrepare(&st)
	if mapping.Prepare(n.raw, "SET search_path = $1", &st) == mapping.StateError {
		return errorString(mapping.PrepareError(st))
	}
	if mapping.BindVarchar(st, 1, path) == mapping.StateError {
		return errorString("cannot bind search_path")
	}
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.ExecutePrepared(st, &res) == mapping.StateError {
		return errorString(mapping.ResultError(&res))
	}
	return nil
}
