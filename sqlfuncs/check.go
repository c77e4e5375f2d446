//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/udf"
)

// CheckCall binds a call of SQL function fn with the given argument values
// as DuckDB binds it, without running it, and closes the bound call: the
// same argument checks, model loading and data query preparation, and the
// same errors, but as *dserr.Error values (through SQL they arrive as
// text). args are the positional values, named the named ones that are
// given; values are Go values as DuckDB hands them to Bind: string,
// int64, float64, bool, []any or nil. The data query is only prepared,
// never run. It uses the default search path.
func CheckCall(ctx context.Context, h *udf.Host, fn string, args []any, named map[string]any) error {
	var f *Function
	for _, x := range registry {
		if x.Name == fn {
			f = x
		}
	}
	if f == nil || f.Table == nil || f.Table.Bind == nil {
		return dserr.New(dserr.Internal, fn, "", "no such function")
	}
	if len(args) != len(f.Table.Args) {
		return dserr.New(dserr.Internal, fn, "", "%d arguments, want %d", len(args), len(f.Table.Args))
	}
	b := &udf.BindContext{Ctx: ctx, Host: h, Func: f.Table, Args: args, Named: named,
		ArgTypes: make([]string, len(args)), NamedTypes: make(map[string]string, len(named))}
	for i, v := range args {
		b.ArgTypes[i] = goTypeName(v)
	}
	for k, v := range named {
		b.NamedTypes[k] = goTypeName(v)
	}
	bound, err := f.Table.Bind(b)
	if err != nil {
		return err
	}
	return bound.Close()
}

// goTypeName is the SQL type DuckDB would report for a Go argument value.
func goTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "NULL"
	case string:
		return "VARCHAR"
	case int64:
		return "BIGINT"
	case float64:
		return "DOUBLE"
	case bool:
		return "BOOLEAN"
	case []any:
		return "LIST"
	}
	return "ANY"
}
