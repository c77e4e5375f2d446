//go:build duckdb_arrow

package service

import (
	"context"
	"net/url"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/pushdown"
)

// clickHouseScheme starts an engine text of ClickHouse.
const clickHouseScheme = "clickhouse://"

// ClickHousePasswordEnv is the environment variable the ClickHouse
// password is read from: never from SQL text, never stored.
const ClickHousePasswordEnv = "DUCKSIGHT_CLICKHOUSE_PASSWORD"

// clickHouseAddr is a parsed engine text 'clickhouse://[user@]host:port/database'.
type clickHouseAddr struct {
	user, host, database string
}

// parseClickHouse reads a ClickHouse engine text of a call of fn; errors
// name argument engine.
func parseClickHouse(fn, engine string) (clickHouseAddr, error) {
	bad := func(why string) error {
		return dserr.Arg(fn, "engine", "'%s' %s: give 'clickhouse://[user@]host:port/database'", engine, why)
	}
	u, err := url.Parse(engine)
	if err != nil || !strings.EqualFold(u.Scheme, "clickhouse") {
		return clickHouseAddr{}, bad("is not a ClickHouse address")
	}
	if _, ok := u.User.Password(); ok {
		return clickHouseAddr{}, dserr.Arg(fn, "engine", "holds a password: give it in the environment variable %s, never in SQL text", ClickHousePasswordEnv)
	}
	if u.Host == "" || u.Port() == "" {
		return clickHouseAddr{}, bad("names no host:port")
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") || u.RawQuery != "" || u.Fragment != "" {
		return clickHouseAddr{}, bad("names no database (or more than one)")
	}
	a := clickHouseAddr{host: u.Host, database: db, user: "default"}
	if u.User != nil && u.User.Username() != "" {
		a.user = u.User.Username()
	}
	return a, nil
}

// openClickHouse connects to a ClickHouse engine for a call of fn.
func openClickHouse(ctx context.Context, fn, engine string) (pushdown.Runner, func(), error) {
	return nil, nil, dserr.Arg(fn, "engine", "ClickHouse connections are not available in this build yet")
}
