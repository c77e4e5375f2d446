//go:build duckdb_arrow

package sqlfuncs

import (
	"fmt"
	"math"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/udf"
)

// args reads a bound call's arguments with errors that name the function
// and the argument. Parameters reach Bind as given (they are declared ANY),
// so these helpers do the type checking.
type args struct {
	fn string
	b  *udf.BindContext
	t  *udf.TableFunc
}

func newArgs(b *udf.BindContext, t *udf.TableFunc) args { return args{fn: t.Name, b: b, t: t} }

// got describes a given value for an error: "VARCHAR 'x'", "DOUBLE 2.5".
func got(v any, typ string) string {
	switch x := v.(type) {
	case string:
		if len(x) > 40 {
			x = x[:40] + "..."
		}
		return fmt.Sprintf("%s '%s'", typ, x)
	case []any:
		return typ + " list"
	}
	return fmt.Sprintf("%s %v", typ, v)
}

func (a args) positional(i int) (name string, v any, typ string) {
	return a.t.Args[i].Name, a.b.Args[i], a.b.ArgTypes[i]
}

// str returns positional argument i, which must be a non-NULL string.
func (a args) str(i int) (string, error) {
	name, v, typ := a.positional(i)
	return toString(a.fn, name, v, typ)
}

// int64At returns positional argument i, which must be a non-NULL integer.
func (a args) int64At(i int) (int64, error) {
	name, v, typ := a.positional(i)
	return toInt64(a.fn, name, v, typ)
}

// namedInt64 returns named argument name, or def when it was not given.
func (a args) namedInt64(name string, def int64) (int64, error) {
	v, ok := a.b.Named[name]
	if !ok {
		return def, nil
	}
	return toInt64(a.fn, name, v, a.b.NamedTypes[name])
}

func toString(fn, name string, v any, typ string) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", dserr.Arg(fn, name, "must not be NULL")
	case string:
		return x, nil
	}
	return "", dserr.Arg(fn, name, "must be a string, got %s", got(v, typ))
}

// toInt64 accepts integers and integral floats.
func toInt64(fn, name string, v any, typ string) (int64, error) {
	switch x := v.(type) {
	case nil:
		return 0, dserr.Arg(fn, name, "must not be NULL")
	case int64:
		return x, nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), nil
		}
	}
	return 0, dserr.Arg(fn, name, "must be an integer, got %s", got(v, typ))
}
