package engine

import (
	"context"
	"database/sql"
	"strings"
	"sync"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/sqlfuncs"
)

// SQLError returns err in ducksight's terms when it is DuckDB's error for
// a named argument that one of ducksight's functions does not declare:
// DuckDB rejects such a call before ducksight sees it, and its text lists
// every argument as type ANY. The rewritten text names the function, the
// argument meant and the function's named arguments:
//
//	Binder Error: train_perceptron: unknown argument "hiden" (did you mean hidden?); its named arguments: label, features, ...
//
// (see dserr.UnknownNamedArg); errors.Is finds dserr.InvalidArgument and
// errors.As DuckDB's own error in it. Any other error, nil included, is
// returned as it is. Engine.QueryContext and Engine.ExecContext apply it;
// a program that queries DB(), or a database it opened itself (Register,
// Wrap), may apply it to the errors it gets.
func SQLError(err error) error { return dserr.UnknownNamedArg(err, namedArgs) }

// named maps each of ducksight's functions to its named arguments, as
// declared in the registry.
var named = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for _, d := range sqlfuncs.Docs() {
		args := []string{}
		for _, a := range d.Args {
			if a.Named {
				args = append(args, a.Name)
			}
		}
		m[d.Name] = args
	}
	return m
})

// namedArgs returns the named arguments of ducksight's function fn, and
// whether fn is one of them.
func namedArgs(fn string) ([]string, bool) {
	args, ok := named()[strings.ToLower(fn)]
	return args, ok
}

// QueryContext runs a query on DB(), as DB().QueryContext does, and
// returns its error through SQLError.
func (e *Engine) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := e.db.QueryContext(ctx, query, args...)
	return rows, SQLError(err)
}

// ExecContext runs a statement on DB(), as DB().ExecContext does, and
// returns its error through SQLError.
func (e *Engine) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := e.db.ExecContext(ctx, query, args...)
	return res, SQLError(err)
}
