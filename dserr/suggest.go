package dserr

import (
	"fmt"
	"strings"
)

// The errors of a name that is not there say what was meant: the nearest
// name when one is close (Closest), else the names there are.
//
//	train_perceptron: label: column "churnd" not found in data (did you mean "churned"?)
//	split: by: column "x" not found in data (columns: "id", "g")
//	train_perceptron: unknown argument "hiden" (did you mean hidden?); its named arguments: label, ...

// listed is how many names ColumnList and the named-argument error list
// before they say how many more there are.
const listed = 30

// ColumnList lists the column names of data for an error: quoted, comma
// separated, the first 30 and how many more.
func ColumnList(columns []string) string {
	var b strings.Builder
	for i, c := range columns {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == listed {
			fmt.Fprintf(&b, "and %d more", len(columns)-listed)
			break
		}
		fmt.Fprintf(&b, "%q", c)
	}
	return b.String()
}

// UnknownColumn is the InvalidArgument error of argument arg of function
// fn (fn may be empty: the caller adds it with Wrap) naming a column,
// name, that the data does not have; columns are the data's columns. It
// names the nearest column when one is close, else lists the columns.
func UnknownColumn(fn, arg, name string, columns []string) *Error {
	if near, ok := Closest(name, columns); ok {
		return Arg(fn, arg, "column %q not found in data (did you mean %q?)", name, near)
	}
	return Arg(fn, arg, "column %q not found in data (columns: %s)", name, ColumnList(columns))
}

// namedParam is the text of DuckDB's binder error for a named argument a
// table function does not declare:
//
//	Binder Error: Invalid named parameter "hiden" for function train_perceptron
//	Candidates:
//	    activation ANY
//	    ...
//
//	LINE 1: SELECT * FROM train_perceptron(...
//
// (or "Function does not accept any named parameters." instead of the
// candidates). DuckDB raises it before the function's own bind runs.
const namedParam = "Invalid named parameter "

// UnknownNamedArg rewrites err when its text is DuckDB's binder error for
// a named argument that one of ducksight's functions does not declare
// (DuckDB lists its candidates with type ANY, ducksight's functions
// taking any type to check it themselves): the rewritten text names the
// function and the argument, the nearest declared one when one is close
// and every named argument the function declares,
//
//	Binder Error: train_perceptron: unknown argument "hiden" (did you mean hidden?); its named arguments: label, features, ...
//
// keeping DuckDB's prefix and the LINE part that points into the query.
// named returns the named arguments fn declares, in order, and whether fn
// is one of ducksight's functions. Any other error (nil included) is
// returned as is. The rewritten error is InvalidArgument and wraps err.
func UnknownNamedArg(err error, named func(fn string) (args []string, ok bool)) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	at := strings.Index(text, namedParam)
	if at < 0 {
		return err
	}
	rest := text[at+len(namedParam):]
	var arg string
	if strings.HasPrefix(rest, `"`) {
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return err
		}
		arg, rest = rest[1:1+end], rest[2+end:]
	} else {
		end := strings.IndexByte(rest, ' ')
		if end < 0 {
			return err
		}
		arg, rest = rest[:end], rest[end:]
	}
	const forFn = " for function "
	if !strings.HasPrefix(rest, forFn) {
		return err
	}
	rest = rest[len(forFn):]
	fn := rest
	if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
		fn, rest = rest[:nl], rest[nl+1:]
	} else {
		rest = ""
	}
	args, ok := named(fn)
	if !ok {
		return err
	}
	// DuckDB's candidates: "Candidates:" and indented lines, or the one
	// line of a function without named arguments.
	if r, found := strings.CutPrefix(rest, "Candidates:\n"); found {
		rest = r
		for strings.HasPrefix(rest, "    ") {
			nl := strings.IndexByte(rest, '\n')
			if nl < 0 {
				rest = ""
				break
			}
			rest = rest[nl+1:]
		}
	} else if r, found := strings.CutPrefix(rest, "Function does not accept any named parameters."); found {
		rest = r
	}
	var b strings.Builder
	b.WriteString(text[:at])
	fmt.Fprintf(&b, "%s: unknown argument %q", fn, arg)
	if len(args) == 0 {
		b.WriteString("; it takes no named arguments")
	} else {
		if near, ok := Closest(arg, args); ok {
			fmt.Fprintf(&b, " (did you mean %s?)", near)
		}
		b.WriteString("; its named arguments: ")
		b.WriteString(strings.Join(args, ", "))
	}
	if tail := strings.TrimLeft(rest, "\n"); tail != "" {
		b.WriteString("\n\n")
		b.WriteString(tail)
	}
	return &rewritten{text: b.String(), cause: err}
}

// rewritten is an error whose text says more than its cause's.
type rewritten struct {
	text  string
	cause error
}

func (r *rewritten) Error() string { return r.text }

// Unwrap returns InvalidArgument and the cause, so errors.Is and
// errors.As find both (a *duckdb.Error among them).
func (r *rewritten) Unwrap() []error { return []error{InvalidArgument, r.cause} }
