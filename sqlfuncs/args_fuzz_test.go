//go:build duckdb_arrow

package sqlfuncs

import (
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/udf"
)

// fuzzValue makes an argument value of the kinds DuckDB hands to Bind
// (NULL, BOOLEAN, BIGINT, DOUBLE, VARCHAR, LIST, nested LIST) from the
// fuzzer's inputs.
func fuzzValue(kind uint8, i int64, x float64, s string, b bool) (any, string) {
	return fuzzValueAt(kind, i, x, s, b, 0)
}

func fuzzValueAt(kind uint8, i int64, x float64, s string, b bool, depth int) (any, string) {
	switch kind % 8 {
	case 0:
		return nil, "NULL"
	case 1:
		return i, "BIGINT"
	case 2:
		return x, "DOUBLE"
	case 3:
		return s, "VARCHAR"
	case 4:
		return b, "BOOLEAN"
	case 5:
		return []any{i, x}, "DOUBLE[]"
	case 6:
		return []any{s, nil, s + "x"}, "VARCHAR[]"
	}
	if depth == 2 {
		return []any{}, "INTEGER[]"
	}
	var list []any
	for j := range int(i&7) + 1 {
		v, _ := fuzzValueAt(uint8(j)+kind/8, i>>3, x, s, b, depth+1)
		list = append(list, v)
	}
	return list, "ANY[]"
}

// FuzzArgs gives the named-argument converters every kind of value under
// any name (seeds in testdata/fuzz/FuzzArgs). They never panic; a value
// they accept has the type asked for; a value they refuse is an
// InvalidArgument error whose text starts with the function and the
// argument and stays valid UTF-8 (a long string is cut, never inside a
// character).
func FuzzArgs(f *testing.F) {
	f.Fuzz(func(t *testing.T, kind uint8, i int64, x float64, s, name string, b bool) {
		if name == "" {
			return // DuckDB gives no named argument an empty name
		}
		v, typ := fuzzValue(kind, i, x, s, b)
		missing := name + "_missing" // declared, not given
		missingInt, missingString := missing+"_int", missing+"_string"
		tf := &udf.TableFunc{Name: "fuzz_fn", Args: []udf.Param{{Name: "model"}, {Name: "data"}}, Named: []udf.Param{{Name: name}, {Name: missing},
			{Name: missingInt, Default: 7}, {Name: missingString, Default: "d"}}}
		bc := &udf.BindContext{Func: tf, Args: []any{v, s}, ArgTypes: []string{typ, "VARCHAR"},
			Named: map[string]any{name: v}, NamedTypes: map[string]string{name: typ}}
		a := newArgs(bc)
		check := func(arg string, err error) {
			t.Helper()
			if err == nil {
				return
			}
			if !errors.Is(err, dserr.InvalidArgument) {
				t.Fatalf("%v: error %q is not an InvalidArgument", v, err)
			}
			msg := err.Error()
			if prefix := "fuzz_fn: " + arg + ": "; !strings.HasPrefix(msg, prefix) || len(msg) == len(prefix) {
				t.Fatalf("%v: error %q does not start with %q and a message", v, msg, prefix)
			}
			if utf8.ValidString(s) && utf8.ValidString(name) && !utf8.ValidString(msg) {
				t.Fatalf("%v: error is not valid UTF-8: %q", v, msg)
			}
		}

		str, err := a.str(0)
		check("model", err)
		if err == nil && str != v {
			t.Fatalf("str(%v) = %q", v, str)
		}
		n, err := a.int64At(0)
		check("model", err)
		if err == nil {
			switch w := v.(type) {
			case int64:
				if n != w {
					t.Fatalf("int64At(%v) = %d", v, n)
				}
			case float64:
				if float64(n) != w {
					t.Fatalf("int64At(%v) = %d", v, n)
				}
			default:
				t.Fatalf("int64At accepted %T %v", v, v)
			}
		}
		m, d, err := a.modelData()
		check("model", err)
		// A string may still be refused as a model name; anything else must be.
		if _, isString := v.(string); err == nil && (!isString || m != v || d != s) {
			t.Fatalf("modelData(%v, %q) = %q, %q, %v", v, s, m, d, err)
		}

		_, err = a.int(name)
		check(name, err)
		_, err = a.string(name)
		check(name, err)
		fl, err := a.float(name)
		check(name, err)
		if err == nil {
			if w, ok := v.(float64); ok && !(fl == w || math.IsNaN(fl) && math.IsNaN(w)) {
				t.Fatalf("float(%v) = %v", v, fl)
			}
		}
		bp, err := a.namedBool(name)
		check(name, err)
		if err == nil && (bp == nil || v != any(*bp)) {
			t.Fatalf("namedBool(%v) = %v", v, bp)
		}
		ss, err := a.namedStrings(name)
		check(name, err)
		if err == nil && len(ss) == 0 {
			if l, ok := v.([]any); !ok || len(l) != 0 {
				t.Fatalf("namedStrings(%v) = %q", v, ss)
			}
		}
		ints, given, err := a.namedInts(name)
		check(name, err)
		if !given {
			t.Fatalf("namedInts(%q) says the argument was not given", name)
		}
		if err == nil && len(ints) != len(v.([]any)) {
			t.Fatalf("namedInts(%v) = %v", v, ints)
		}
		tx, err := a.namedText(name)
		check(name, err)
		if err == nil && tx == nil {
			t.Fatalf("namedText(%v) = nil", v)
		}

		// Not given: the defaults, no error.
		if d, err := a.int(missingInt); d != 7 || err != nil {
			t.Fatalf("int of a missing argument: %d, %v", d, err)
		}
		if d, err := a.string(missingString); d != "d" || err != nil {
			t.Fatalf("string of a missing argument: %q, %v", d, err)
		}
		if d, err := a.int(missing); d != 0 || err != nil {
			t.Fatalf("int of a missing argument without a default: %d, %v", d, err)
		}
		if l, given, err := a.namedInts(missing); l != nil || given || err != nil {
			t.Fatalf("namedInts of a missing argument: %v, %v, %v", l, given, err)
		}
		// Not declared: an Internal error naming the function and the name.
		undeclared := name + "_undeclared"
		if _, err := a.int(undeclared); !errors.Is(err, dserr.Internal) || !strings.HasPrefix(err.Error(), "fuzz_fn: "+undeclared+": ") {
			t.Fatalf("int of an undeclared argument: %v", err)
		}
	})
}
