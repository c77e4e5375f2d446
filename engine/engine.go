package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/sqlfuncs"
	"github.com/ducksight/ducksight/udf"
)

// Version is ducksight's version.
const Version = "0.1.0-dev"

// Engine is an open DuckDB database with ducksight's functions.
type Engine struct {
	connector *duckdb.Connector
	host      *udf.Host
	db        *sql.DB
	path      string
	borrowed  bool // from Wrap: the connector is the program's
}

type config struct {
	threads     int
	memoryLimit string
	readOnly    bool
}

// Option configures Open.
type Option func(*config)

// WithThreads sets DuckDB's worker threads (default: one per core).
func WithThreads(n int) Option { return func(c *config) { c.threads = n } }

// WithMemoryLimit sets DuckDB's memory_limit, e.g. "4GB".
func WithMemoryLimit(limit string) Option { return func(c *config) { c.memoryLimit = limit } }

// ReadOnly opens a database file read-only.
func ReadOnly() Option { return func(c *config) { c.readOnly = true } }

// Open opens the DuckDB database at path ("" or ":memory:" for an in-memory
// database; otherwise a file, created when missing) and registers every
// ducksight function.
func Open(ctx context.Context, path string, opts ...Option) (*Engine, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if path == ":memory:" {
		path = ""
	}
	params := url.Values{}
	if cfg.threads < 0 {
		return nil, dserr.Arg("engine.Open", "threads", "must be at least 1 (or 0 for one per core), got %d", cfg.threads)
	}
	if cfg.threads > 0 {
		params.Set("threads", strconv.Itoa(cfg.threads))
	}
	if cfg.memoryLimit != "" {
		params.Set("memory_limit", cfg.memoryLimit)
	}
	if cfg.readOnly {
		if path == "" {
			return nil, dserr.Arg("engine.Open", "path", "a read-only database needs a file")
		}
		params.Set("access_mode", "read_only")
	}
	dsn := path
	if len(params) > 0 {
		dsn += "?" + params.Encode()
	}
	c, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, dserr.Wrap(dserr.InvalidArgument, "engine.Open", "path", fmt.Errorf("%q: %w", path, err))
	}
	h, err := register(ctx, c)
	if err != nil {
		return nil, errors.Join(err, c.Close())
	}
	return &Engine{connector: c, host: h, db: sql.OpenDB(c), path: path}, nil
}

// Register adds ducksight's functions to a DuckDB database a program opened
// itself with duckdb-go:
//
//	c, _ := duckdb.NewConnector("shop.duckdb", nil)
//	if err := engine.Register(ctx, c); err != nil { ... }
//	db := sql.OpenDB(c)
//
// Data queries of ducksight functions run on connections made from c.
// Registering again, on c or on another Connector of the same database
// file in this process, is allowed and registers nothing twice; the
// functions keep working as long as one such Connector is open. It fails
// with dserr.Incompatible when the duckdb-go in the module graph is a
// version whose internals ducksight does not know.
func Register(ctx context.Context, c *duckdb.Connector) error {
	_, err := register(ctx, c)
	return err
}

// Wrap registers ducksight's functions in a database the program opened
// itself (as Register does) and returns an Engine over it, so the typed
// calls (TrainPerceptron, Predict, Segment, Evaluate, ...) work there too.
// The connector stays the program's: Engine.Close closes the Engine's own
// connections, never c.
func Wrap(ctx context.Context, c *duckdb.Connector) (*Engine, error) {
	if c == nil {
		return nil, dserr.Arg("engine.Wrap", "connector", "nil *duckdb.Connector")
	}
	h, err := register(ctx, c)
	if err != nil {
		return nil, err
	}
	return &Engine{connector: c, host: h, db: sql.OpenDB(borrowed{c}), borrowed: true}, nil
}

// borrowed is a connector database/sql must not close (sql.DB.Close closes
// a connector that implements io.Closer; this one does not).
type borrowed struct{ c *duckdb.Connector }

func (b borrowed) Connect(ctx context.Context) (driver.Conn, error) { return b.c.Connect(ctx) }
func (b borrowed) Driver() driver.Driver                            { return b.c.Driver() }

func register(ctx context.Context, c *duckdb.Connector) (*udf.Host, error) {
	return sqlfuncs.Register(ctx, c)
}

// DB is the database/sql handle of the engine's database.
func (e *Engine) DB() *sql.DB { return e.db }

// Connector is the duckdb-go connector behind DB.
func (e *Engine) Connector() *duckdb.Connector { return e.connector }

// Path is the database file ("" for in-memory).
func (e *Engine) Path() string { return e.path }

// Close closes the database (the connector and every connection). An
// Engine from Wrap closes only its own connections: the connector, and the
// functions registered through it, stay the program's.
func (e *Engine) Close() error {
	if !e.borrowed {
		e.host.Detach(e.connector)
	}
	return e.db.Close()
}

// Functions lists ducksight's SQL functions with their documentation, from
// the same registry that registers them.
func Functions() []sqlfuncs.Doc { return sqlfuncs.Docs() }

// env is where the typed calls run: the engine's database under the
// default search path, so models live in its default database and data
// names resolve as in a fresh connection.
func (e *Engine) env() service.Env { return service.Env{Host: e.host} }
