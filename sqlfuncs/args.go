//go:build duckdb_arrow

package sqlfuncs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// args reads a bound call's arguments with errors that name the function
// and the argument. Parameters reach Bind as given (they are declared ANY),
// so these helpers do the type checking. Every typed reader of a named
// argument refuses a name the function does not declare with an Internal
// error (DuckDB never passes such a name, so the read would silently give
// the default): a bind reading an undeclared name fails in every test that
// binds it (TestExamplesBind binds every documented example).
type args struct {
	fn string
	b  *udf.BindContext
	t  *udf.TableFunc
}

// newArgs reads the arguments of the function b binds.
func newArgs(b *udf.BindContext) args { return args{fn: b.Func.Name, b: b, t: b.Func} }

// got describes a given value for an error: "VARCHAR 'x'", "DOUBLE 2.5".
func got(v any, typ string) string {
	switch x := v.(type) {
	case string:
		if len(x) > 40 {
			n := 40
			for n > 0 && !utf8.RuneStart(x[n]) {
				n-- // never cut a character in two
			}
			x = x[:n] + "..."
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

// modelData reads the (model, data) positional arguments most functions
// start with.
func (a args) modelData() (name, data string, err error) {
	if name, err = a.str(0); err != nil {
		return "", "", err
	}
	if err := service.CheckModelName(a.fn, name); err != nil {
		return "", "", err
	}
	data, err = a.str(1)
	return name, data, err
}

// modelEvalData reads the (model, data) positional arguments of an
// evaluation function, whose data may be NULL: the model's own held-out
// rows (service.HeldOut). An empty text is still an error.
func (a args) modelEvalData() (name, data string, err error) {
	if a.b.Args[1] != nil {
		name, data, err = a.modelData()
		if err == nil && data == service.HeldOut {
			err = dserr.Arg(a.fn, "data", "empty: give a table or view name, a quoted file path, one SELECT query, or NULL for the model's held-out rows")
		}
		return name, data, err
	}
	if name, err = a.str(0); err != nil {
		return "", "", err
	}
	return name, service.HeldOut, service.CheckModelName(a.fn, name)
}

// int64At returns positional argument i, which must be a non-NULL integer
// in the declared Range.
func (a args) int64At(i int) (int64, error) {
	name, v, typ := a.positional(i)
	n, err := toInt64(a.fn, name, v, typ)
	if r := a.t.Args[i].Range; err == nil && r != nil && !r.Contains(float64(n)) {
		return 0, rangeError(a.fn, name, r, n)
	}
	return n, err
}

// The typed readers of named arguments, one per Go type, take the default
// and the allowed range from the argument's declaration (udf.Param): a
// given value is converted and checked against Range, an absent one is the
// declared Default (the type's zero value when there is none). A name the
// function does not declare is an Internal error.

// int returns integer named argument name.
func (a args) int(name string) (int64, error) {
	p, v, typ, ok, err := a.param(name)
	if err != nil || !ok {
		return defaultOf[int64](p), err
	}
	n, err := toInt64(a.fn, name, v, typ)
	if err != nil {
		return 0, err
	}
	if p.Range != nil && !p.Range.Contains(float64(n)) {
		return 0, rangeError(a.fn, name, p.Range, n)
	}
	return n, nil
}

// float returns numeric named argument name.
func (a args) float(name string) (float64, error) {
	p, v, typ, ok, err := a.param(name)
	if err != nil || !ok {
		return defaultOf[float64](p), err
	}
	var x float64
	switch n := v.(type) {
	case nil:
		return 0, dserr.Arg(a.fn, name, "must not be NULL")
	case int64:
		x = float64(n)
	case float64:
		x = n
	default:
		return 0, dserr.Arg(a.fn, name, "must be a number, got %s", got(v, typ))
	}
	if p.Range != nil && !p.Range.Contains(x) {
		return 0, rangeError(a.fn, name, p.Range, x)
	}
	return x, nil
}

// string returns string named argument name.
func (a args) string(name string) (string, error) {
	p, v, typ, ok, err := a.param(name)
	if err != nil || !ok {
		return defaultOf[string](p), err
	}
	return toString(a.fn, name, v, typ)
}

// The readers of an argument whose default a service applies (the SQL
// adapter leaves an absent argument as the options' nil or zero field):
// nothing is returned for an absent argument, and a given one is converted
// and checked against the declared Range as by int and float.

// optFloat is float for a service's pointer option: nil when not given.
func (a args) optFloat(name string) (*float64, error) {
	if _, _, given, err := a.lookup(name); err != nil || !given {
		return nil, err
	}
	v, err := a.float(name)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// optInt64 is int for a service's pointer option: nil when not given.
func (a args) optInt64(name string) (*int64, error) {
	if _, _, given, err := a.lookup(name); err != nil || !given {
		return nil, err
	}
	v, err := a.int(name)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// count reads an integer argument that the service's options hold as a
// count whose zero means the default (points, bins, repeats): 0 when not
// given. A given value outside the declared Range (0 included) is not an
// error of the read: it is returned as zero, the error for the adapter to
// return where the service checks the range, so that errors come in the
// service's order; v is then 0.
func (a args) count(name string) (v int, zero error, err error) {
	p, x, typ, given, err := a.param(name)
	if err != nil || !given {
		return 0, nil, err
	}
	n, err := toInt64(a.fn, name, x, typ)
	if err != nil {
		return 0, nil, err
	}
	if p.Range != nil && !p.Range.Contains(float64(n)) {
		return 0, rangeError(a.fn, name, p.Range, n), nil
	}
	return int(n), nil, nil
}

// defaultOf is p's declared default as a T (the zero T when there is
// none). An integer default may be declared as an int.
func defaultOf[T int64 | float64 | string](p udf.Param) T {
	var zero T
	switch d := p.Default.(type) {
	case T:
		return d
	case int:
		if n, ok := any(int64(d)).(T); ok {
			return n
		}
	}
	return zero
}

// rangeError is the error of a value outside r, in the words of
// dserr.Between and dserr.AtLeast where they fit: "must be between 1 and
// 100 ...", "must be at least 0 ...", "must be greater than 0 and at most
// 10 ...", "must be a finite number at least 0 ...".
func rangeError[T int64 | float64](fn, name string, r *udf.Range, v T) error {
	lo, hi := T(0), T(0)
	hasLo, hasHi := !math.IsInf(r.Min, -1), !math.IsInf(r.Max, 1)
	if hasLo {
		lo = T(r.Min)
	}
	if hasHi {
		hi = T(r.Max)
	}
	_, isInt := any(v).(int64)
	switch {
	case hasLo && hasHi && !r.MinOpen && !r.MaxOpen:
		return dserr.Between(fn, name, lo, hi, v)
	case hasLo && !hasHi && !r.MinOpen && isInt:
		return dserr.AtLeast(fn, name, lo, v)
	}
	var parts []string
	if hasLo {
		if r.MinOpen {
			parts = append(parts, fmt.Sprintf("greater than %v", lo))
		} else {
			parts = append(parts, fmt.Sprintf("at least %v", lo))
		}
	}
	if hasHi {
		if r.MaxOpen {
			parts = append(parts, fmt.Sprintf("less than %v", hi))
		} else {
			parts = append(parts, fmt.Sprintf("at most %v", hi))
		}
	}
	what := strings.Join(parts, " and ")
	if !hasHi && !isInt {
		what = "a finite number " + what
	}
	return dserr.Arg(fn, name, "must be %s, got %v", what, v)
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

// named returns a named argument that was given, with its SQL type. It
// tells whether a name was given; the value is read with a typed reader,
// which checks that the name is declared.
func (a args) named(name string) (v any, typ string, ok bool) {
	v, ok = a.b.Named[name]
	return v, a.b.NamedTypes[name], ok
}

// param is named for the typed readers: the declaration of name, and the
// value given for it. A name the function does not declare is an Internal
// error.
func (a args) param(name string) (p udf.Param, v any, typ string, ok bool, err error) {
	for _, p := range a.t.Named {
		if p.Name == name {
			v, typ, ok = a.named(name)
			return p, v, typ, ok, nil
		}
	}
	return udf.Param{}, nil, "", false, dserr.New(dserr.Internal, a.fn, name, "reads a named argument the function does not declare")
}

// lookup is param without the declaration.
func (a args) lookup(name string) (v any, typ string, ok bool, err error) {
	_, v, typ, ok, err = a.param(name)
	return v, typ, ok, err
}

// namedBool returns a named BOOLEAN argument, or nil when not given.
func (a args) namedBool(name string) (*bool, error) {
	v, typ, ok, err := a.lookup(name)
	if err != nil || !ok {
		return nil, err
	}
	switch x := v.(type) {
	case nil:
		return nil, dserr.Arg(a.fn, name, "must not be NULL")
	case bool:
		return &x, nil
	}
	return nil, dserr.Arg(a.fn, name, "must be true or false, got %s", got(v, typ))
}

// namedStrings returns a named LIST of strings (a single string is taken
// as a list of one), or nil when not given.
func (a args) namedStrings(name string) ([]string, error) {
	v, typ, ok, err := a.lookup(name)
	if err != nil || !ok {
		return nil, err
	}
	switch x := v.(type) {
	case nil:
		return nil, dserr.Arg(a.fn, name, "must not be NULL")
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, dserr.Arg(a.fn, name, "must be a list of column names, got an element %v", e)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, dserr.Arg(a.fn, name, "must be a list of column names such as ['a', 'b'], got %s", got(v, typ))
}

// namedInts returns a named LIST of integers, or nil when not given.
func (a args) namedInts(name string) ([]int, bool, error) {
	v, typ, ok, err := a.lookup(name)
	if err != nil || !ok {
		return nil, false, err
	}
	list, isList := v.([]any)
	if !isList {
		if v == nil {
			return nil, true, dserr.Arg(a.fn, name, "must not be NULL")
		}
		return nil, true, dserr.Arg(a.fn, name, "must be a list of integers such as [16], got %s", got(v, typ))
	}
	out := make([]int, 0, len(list))
	for _, e := range list {
		n, err := toInt64(a.fn, name, e, "element")
		if err != nil {
			return nil, true, err
		}
		out = append(out, int(n))
	}
	return out, true, nil
}

// namedFloats returns a named LIST of numbers, or nil when not given (a
// given empty list is an empty, non-nil slice). The declared Range is not
// applied: the service checks the elements.
func (a args) namedFloats(name string) ([]float64, error) {
	v, typ, ok, err := a.lookup(name)
	if err != nil || !ok {
		return nil, err
	}
	list, isList := v.([]any)
	if !isList {
		if v == nil {
			return nil, dserr.Arg(a.fn, name, "must not be NULL")
		}
		return nil, dserr.Arg(a.fn, name, "must be a list of numbers such as [0.8, 0.2], got %s", got(v, typ))
	}
	out := make([]float64, 0, len(list))
	for _, e := range list {
		switch x := e.(type) {
		case nil:
			return nil, dserr.Arg(a.fn, name, "must not hold NULL")
		case int64:
			out = append(out, float64(x))
		case float64:
			out = append(out, x)
		default:
			return nil, dserr.Arg(a.fn, name, "must be a list of numbers such as [0.8, 0.2], got an element %v", e)
		}
	}
	return out, nil
}

// namedText returns a named scalar argument of any type as text (for
// values compared with data, such as a class label), or nil.
func (a args) namedText(name string) (*string, error) {
	v, typ, ok, err := a.lookup(name)
	if err != nil || !ok {
		return nil, err
	}
	switch x := v.(type) {
	case nil:
		return nil, dserr.Arg(a.fn, name, "must not be NULL")
	case string:
		return &x, nil
	case bool, int64:
		s := fmt.Sprint(x)
		return &s, nil
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		return &s, nil
	}
	return nil, dserr.Arg(a.fn, name, "must be a single value, got %s", got(v, typ))
}
