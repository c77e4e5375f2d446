//go:build duckdb_arrow

package service

import (
	"context"
	"net/url"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

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

// openClickHouse connects to a ClickHouse engine for a call of fn through
// its native protocol (the password from ClickHousePasswordEnv) and
// checks that it answers: an engine that does not is an error of argument
// engine.
func openClickHouse(ctx context.Context, fn, engine string) (pushdown.Runner, func(), error) {
	a, err := parseClickHouse(fn, engine)
	if err != nil {
		return nil, nil, err
	}
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr:         []string{a.host},
		Auth:         clickhouse.Auth{Database: a.database, Username: a.user, Password: os.Getenv(ClickHousePasswordEnv)},
		DialTimeout:  10 * time.Second,
		MaxOpenConns: 1,
		MaxIdleConns: 1,
	})
	if err == nil {
		if err = conn.Ping(ctx); err != nil {
			conn.Close()
		}
	}
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, nil, dserr.Cancel(fn, "", cerr)
		}
		return nil, nil, dserr.Arg(fn, "engine", "cannot connect to %s: %v", engine, err)
	}
	return clickHouseRunner{conn}, func() { conn.Close() }, nil
}

// clickHouseRunner runs the plan's queries on one ClickHouse connection;
// a cancelled context cancels the running query on the server
// (clickhouse-go sends the protocol's Cancel).
type clickHouseRunner struct{ conn driver.Conn }

func (r clickHouseRunner) Query(ctx context.Context, q string) ([][]*string, error) {
	rows, err := r.conn.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	var out [][]*string
	for rows.Next() {
		ptrs := make([]any, len(types))
		for i, t := range types {
			ptrs[i] = reflect.New(t.ScanType()).Interface()
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		vals := make([]any, len(ptrs))
		for i, p := range ptrs {
			v := reflect.ValueOf(p).Elem()
			for v.Kind() == reflect.Pointer {
				if v.IsNil() {
					break
				}
				v = v.Elem()
			}
			if v.Kind() != reflect.Pointer {
				vals[i] = v.Interface()
			}
		}
		out = append(out, textRow(vals))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
