//go:build scaleout

package servertest

import (
	"context"
	"reflect"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// QueryClickHouse runs query on shard's ClickHouse server (0-based) with
// the given settings for this query only (nil for the server's), and
// returns the result's column names and rows, each value as clickhouse-go
// scans it into the column's type, nil for NULL.
func (s *Servers) QueryClickHouse(ctx context.Context, shard int, query string, settings map[string]any) ([]string, [][]any, error) {
	conn, err := s.open(shard)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	if settings != nil {
		ctx = clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings(settings)))
	}
	rows, err := conn.Query(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	all, err := ScanRows(rows)
	return rows.Columns(), all, err
}

// ScanRows reads every row of rows, each value as clickhouse-go scans it
// into the column's type, nil for NULL.
func ScanRows(rows driver.Rows) ([][]any, error) {
	types := rows.ColumnTypes()
	var all [][]any
	for rows.Next() {
		ptrs := make([]any, len(types))
		for i, ct := range types {
			ptrs[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		vals := make([]any, len(types))
		for i, p := range ptrs {
			v := reflect.ValueOf(p).Elem()
			for v.Kind() == reflect.Pointer && !v.IsNil() {
				v = v.Elem()
			}
			if v.Kind() != reflect.Pointer {
				vals[i] = v.Interface()
			}
		}
		all = append(all, vals)
	}
	return all, rows.Err()
}
