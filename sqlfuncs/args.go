//go:build duckdb_arrow

package sqlfuncs

import (
	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/udf"
)

// args reads a bound call's arguments with errors that name the function
// and the argument.
type args struct {
	fn string
	b  *udf.BindContext
	t  *udf.TableFunc
}

func newArgs(b *udf.BindContext, t *udf.TableFunc) args { return args{fn: t.Name, b: b, t: t} }

// str returns positional argument i, which must be a non-NULL string.
func (a args) str(i int) (string, error) {
	name := a.t.Args[i].Name
	v := a.b.Args[i]
	if v == nil {
		return "", dserr.Arg(a.fn, name, "must not be NULL")
	}
	s, ok := v.(string)
	if !ok {
		return "", dserr.Arg(a.fn, name, "must be a string, got %T", v)
	}
	return s, nil
}

// int64At returns positional argument i, which must be a non-NULL integer.
func (a args) int64At(i int) (int64, error) {
	name := a.t.Args[i].Name
	v := a.b.Args[i]
	if v == nil {
		return 0, dserr.Arg(a.fn, name, "must not be NULL")
	}
	n, ok := v.(int64)
	if !ok {
		return 0, dserr.Arg(a.fn, name, "must be an integer, got %T", v)
	}
	return n, nil
}

// namedInt64 returns named argument name, or def when it was not given.
func (a args) namedInt64(name string, def int64) (int64, error) {
	v, ok := a.b.Named[name]
	if !ok {
		return def, nil
	}
	if v == nil {
		return 0, dserr.Arg(a.fn, name, "must not be NULL")
	}
	n, ok := v.(int64)
	if !ok {
		return 0, dserr.Arg(a.fn, name, "must be an integer, got %T", v)
	}
	return n, nil
}
