//go:build duckdb_arrow

package udf

import (
	"context"
	"database/sql"
	"sync"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/arrowmapping"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/ducksight/ducksight/dserr"
)

// Host ties ducksight's functions to one DuckDB database instance. It makes
// the nested connections data queries run on (straight from a duckdb-go
// Connector, never from a database/sql pool, so a caller's
// SetMaxOpenConns(1) cannot deadlock them) and remembers their connection
// ids, so a state-changing function called inside a data query can be
// refused.
//
// Functions are registered once per database instance. duckdb-go shares one
// instance between every Connector opened on the same file in a process, so
// a Host holds all the live Connectors attached to its instance and uses
// whichever is still open: closing one engine never breaks another on the
// same file.
type Host struct {
	mu         sync.Mutex
	connectors []*duckdb.Connector
	nested     map[uint64]int
	sqlDB      *sql.DB // for Conn, created on first use

	// optConn is the connection whose client context the Arrow options
	// handed out by arrowOptions point into; optHolds counts those options
	// still alive. It is opened on first use and closed when the Host has
	// no Connector left and no options are alive.
	optConn  *nestedConn
	optHolds int
}

// attachMu serialises Attach, whose check-then-register must not interleave.
var attachMu sync.Mutex

// hostFuncName is an internal table function whose extra info is the Host:
// a second Attach on the same database instance finds it in the catalog and
// joins that Host instead of registering the functions again.
const hostFuncName = "__ducksight_host"

// Attach registers fns in the database behind c (once per database
// instance: a later Attach on the same instance, through the same or
// another Connector, joins the existing Host) and returns its Host. It
// checks first that duckdb-go's layout is the one the accessor knows.
func Attach(ctx context.Context, c *duckdb.Connector, fns ...Func) (*Host, error) {
	if c == nil {
		return nil, dserr.Arg("ducksight", "connector", "nil *duckdb.Connector")
	}
	if err := checkNames(fns); err != nil {
		return nil, err
	}
	if err := checkLayout(); err != nil {
		return nil, err
	}
	attachMu.Lock()
	defer attachMu.Unlock()
	dc, err := c.Connect(ctx)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, "ducksight", "", err)
	}
	conn := dc.(*duckdb.Conn)
	defer conn.Close()
	raw := rawConn(conn)
	if h := findHost(raw); h != nil {
		h.add(c)
		return h, nil
	}
	h := &Host{connectors: []*duckdb.Connector{c}, nested: map[uint64]int{}}
	if err := hostFunc(h).register(raw, h); err != nil {
		return nil, err
	}
	for _, f := range fns {
		if err := f.register(raw, h); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Func is a function Attach registers: a *TableFunc or a *ScalarFunc.
type Func interface {
	register(conn mapping.Connection, h *Host) error
	signature() (name string, params [][]Param)
}

func (f *TableFunc) signature() (string, [][]Param)  { return f.Name, [][]Param{f.Args, f.Named} }
func (f *ScalarFunc) signature() (string, [][]Param) { return f.Name, [][]Param{f.Args} }

// checkNames refuses, before anything is registered, two functions with
// one name (DuckDB would take the second as an overload of the first, or
// refuse it halfway through Attach), a function named like the internal
// marker, and a function with two parameters of one name.
func checkNames(fns []Func) error {
	seen := map[string]bool{hostFuncName: true}
	for _, f := range fns {
		name, params := f.signature()
		if name == "" {
			return dserr.Arg("ducksight", "functions", "a function has no name")
		}
		if seen[name] {
			return dserr.Arg("ducksight", "functions", "two functions are named %q", name)
		}
		seen[name] = true
		args := map[string]bool{}
		for _, ps := range params {
			for _, p := range ps {
				if args[p.Name] {
					return dserr.Arg("ducksight", "functions", "%s has two parameters named %q", name, p.Name)
				}
				args[p.Name] = true
			}
		}
	}
	return nil
}

// hostFunc is the internal marker function. Binding it reports its Host to
// findHost; it never runs.
func hostFunc(h *Host) *TableFunc {
	return &TableFunc{Name: hostFuncName, Bind: func(b *BindContext) (Bound, error) {
		hostLookups.Store(b.ConnID, b.Host)
		return nil, dserr.New(dserr.Internal, hostFuncName, "", "internal function")
	}}
}

// hostLookups passes a Host from the marker's bind to findHost, keyed by
// the connection id findHost prepares on.
var hostLookups sync.Map

// findHost returns the Host registered in the database behind raw, or nil
// when ducksight is not registered there yet.
func findHost(raw mapping.Connection) *Host {
	var cc mapping.ClientContext
	mapping.ConnectionGetClientContext(raw, &cc)
	id := uint64(mapping.ClientContextGetConnectionId(cc))
	mapping.DestroyClientContext(&cc)
	var st mapping.PreparedStatement
	mapping.Prepare(raw, "SELECT * FROM "+hostFuncName+"()", &st) // fails either way; bind reports
	mapping.DestroyPrepare(&st)
	h, ok := hostLookups.LoadAndDelete(id)
	if !ok {
		return nil
	}
	return h.(*Host)
}

func (h *Host) add(c *duckdb.Connector) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, x := range h.connectors {
		if x == c {
			return
		}
	}
	h.connectors = append(h.connectors, c)
}

// Detach removes c from the Host; call it before closing c. When no
// Connector is left, the Host's own pooled connections are closed too, so
// they do not keep the database (and its file) open.
func (h *Host) Detach(c *duckdb.Connector) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, x := range h.connectors {
		if x == c {
			h.connectors = append(h.connectors[:i], h.connectors[i+1:]...)
			break
		}
	}
	if len(h.connectors) == 0 && h.sqlDB != nil {
		_ = h.sqlDB.Close()
		h.sqlDB = nil
	}
	if len(h.connectors) == 0 && h.optHolds == 0 && h.optConn != nil {
		h.optConn.close()
		h.optConn = nil
	}
}

// arrowOptions returns DuckDB's Arrow options (the settings that decide how
// DuckDB types become Arrow types) and the function that destroys them. The
// options point into the client context of the connection they are read
// from (ClientProperties.client_context, which DuckDB's Arrow converter
// reads on every conversion), so they are read from optConn, which stays
// open while any options read from it are alive: drop must be called once,
// when they are no longer used.
func (h *Host) arrowOptions(ctx context.Context) (opts arrowmapping.ArrowOptions, drop func(), err error) {
	h.mu.Lock()
	c := h.optConn
	if c == nil {
		h.mu.Unlock()
		// connect takes h.mu (through live), so it runs unlocked; a
		// concurrent first use may connect too, and the loser closes its
		// connection.
		nc, err := h.dial(ctx)
		if err != nil {
			return opts, nil, err
		}
		h.mu.Lock()
		if h.optConn == nil {
			h.optConn = nc
		} else {
			defer nc.close()
		}
		c = h.optConn
	}
	h.optHolds++
	h.mu.Unlock()
	arrowmapping.ConnectionGetArrowOptions(c.raw, &opts)
	var once sync.Once
	return opts, func() {
		once.Do(func() {
			arrowmapping.DestroyArrowOptions(&opts)
			h.mu.Lock()
			defer h.mu.Unlock()
			h.optHolds--
			if h.optHolds == 0 && len(h.connectors) == 0 && h.optConn != nil {
				// The Host was detached while these options were in use.
				// DuckDB may be calling from a destructor: close off its
				// thread.
				go h.optConn.close()
				h.optConn = nil
			}
		})
	}, nil
}

// live returns the attached Connectors, first attached first.
func (h *Host) live() []*duckdb.Connector {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*duckdb.Connector(nil), h.connectors...)
}

// contextOf returns the context of the statement running on connection id,
// from whichever attached Connector it belongs to.
func (h *Host) contextOf(id uint64) context.Context {
	for _, c := range h.live() {
		if ctx, ok := contextOf(c, id); ok {
			return ctx
		}
	}
	return context.Background()
}

// nestedConn is a connection of the host's own, used by one data query.
type nestedConn struct {
	host *Host
	conn *duckdb.Conn
	raw  mapping.Connection
	id   uint64
	// counted: a data query's connection, in Host.nested.
	counted bool
}

// connect opens a nested connection: one a data query runs on, counted so
// that IsNested recognises it.
func (h *Host) connect(ctx context.Context) (*nestedConn, error) {
	n, err := h.dial(ctx)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.nested[n.id]++
	h.mu.Unlock()
	n.counted = true
	return n, nil
}

// dial opens a connection of the host's own that no user SQL runs on.
func (h *Host) dial(ctx context.Context) (*nestedConn, error) {
	dc, err := hostConnector{h}.Connect(ctx)
	if err != nil {
		return nil, err
	}
	c := dc.(*duckdb.Conn)
	raw := rawConn(c)
	var cc mapping.ClientContext
	mapping.ConnectionGetClientContext(raw, &cc)
	id := uint64(mapping.ClientContextGetConnectionId(cc))
	mapping.DestroyClientContext(&cc)
	return &nestedConn{host: h, conn: c, raw: raw, id: id}, nil
}

func (n *nestedConn) close() {
	if n == nil || n.conn == nil {
		return
	}
	if n.counted {
		n.host.mu.Lock()
		if n.host.nested[n.id]--; n.host.nested[n.id] <= 0 {
			delete(n.host.nested, n.id)
		}
		n.host.mu.Unlock()
	}
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

// exec runs one statement of ducksight's own (never user text) on the
// connection.
func (n *nestedConn) exec(query string) error {
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.Query(n.raw, query, &res) == mapping.StateError {
		return errorString(mapping.ResultError(&res))
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
