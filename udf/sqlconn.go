//go:build duckdb_arrow

package udf

import (
	"context"
	"database/sql"
	"database/sql/driver"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
)

// hostConnector is a driver.Connector over the Host's live Connectors. It
// has no Close, so closing the *sql.DB built on it never closes a
// Connector the Host does not own.
type hostConnector struct{ h *Host }

func (c hostConnector) Connect(ctx context.Context) (driver.Conn, error) {
	var err error = dserr.New(dserr.Internal, "ducksight", "", "no open connector for this database")
	for _, x := range c.h.live() {
		var dc driver.Conn
		if dc, err = x.Connect(ctx); err == nil {
			return dc, nil
		}
	}
	return nil, err
}

func (hostConnector) Driver() driver.Driver { return duckdb.Driver{} }

// Conn returns a database/sql connection of the host's own (not from any
// caller's pool) for ducksight's own statements, such as the model store's.
// Its search_path is searchPath ("" for the default), so "the default
// database" is the caller's. Only ducksight's own SQL runs on it, with user
// values as bound parameters; data text never does (see Prepare). The caller
// closes it.
func (h *Host) Conn(ctx context.Context, searchPath string) (*sql.Conn, error) {
	h.mu.Lock()
	if h.sqlDB == nil {
		h.sqlDB = sql.OpenDB(hostConnector{h})
		h.sqlDB.SetMaxIdleConns(2)
	}
	db := h.sqlDB
	h.mu.Unlock()
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if searchPath != "" {
		_, err = c.ExecContext(ctx, "SET search_path = ?", searchPath)
	} else {
		_, err = c.ExecContext(ctx, "RESET search_path")
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
