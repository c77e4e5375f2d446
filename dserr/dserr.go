// Package dserr holds the error values shared by every ducksight layer: the
// engine's typed Go calls, the SQL functions and the udf bridge.
//
// An error has a Code (a sentinel a Go caller tests with errors.Is), the SQL
// function and argument it concerns, and a message. Its text has the stable,
// documented form
//
//	function: argument: message
//
// because an error raised inside a SQL function crosses DuckDB as text; the
// CLI prints it and tests match it. The argument part is omitted when the
// error concerns the call as a whole.
package dserr

import (
	"errors"
	"fmt"
	"strings"
)

// Codes. Test them with errors.Is(err, dserr.InvalidArgument) and so on.
var (
	// InvalidArgument: an argument is missing, NULL, of the wrong type or out of range.
	InvalidArgument = errors.New("invalid argument")
	// Refused: a data query that is not exactly one read-only query, or a
	// state-changing ducksight function called inside a data query.
	Refused = errors.New("refused")
	// DataQuery: the data query failed to prepare or failed while streaming.
	DataQuery = errors.New("data query failed")
	// NotFound: a model, table or column that does not exist.
	NotFound = errors.New("not found")
	// Cancelled: the caller's context was cancelled or the statement interrupted.
	Cancelled = errors.New("cancelled")
	// Incompatible: the duckdb-go build in the module graph does not have the
	// internal layout ducksight relies on.
	Incompatible = errors.New("incompatible duckdb-go")
	// Internal: a bug in ducksight (a recovered panic, a broken invariant).
	Internal = errors.New("internal error")
)

// Error is a ducksight error. Func and Arg may be empty.
type Error struct {
	Code error  // one of the codes above
	Func string // SQL function or Go call, e.g. "predict"
	Arg  string // argument, e.g. "data"
	Msg  string // human message, without the prefix
	Err  error  // optional cause
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Func != "" {
		b.WriteString(e.Func)
		b.WriteString(": ")
	}
	if e.Arg != "" {
		b.WriteString(e.Arg)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the code and the cause, so errors.Is finds both.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Code, e.Err}
	}
	return []error{e.Code}
}

// New returns an error with the given code, function, argument and message.
func New(code error, fn, arg, format string, a ...any) *Error {
	return &Error{Code: code, Func: fn, Arg: arg, Msg: fmt.Sprintf(format, a...)}
}

// Wrap returns an error whose message is cause's text; errors.Is finds both
// the code and the cause. If cause already is an *Error (or wraps one), it
// keeps its code, argument and message, so a prefix is never doubled: it is
// returned as is when it names a function, and when it does not (an error
// raised below the SQL layer, in the store or a kernel) Wrap returns a copy
// of it with function fn; cause itself is never changed.
func Wrap(code error, fn, arg string, cause error) error {
	if cause == nil {
		return nil
	}
	var de *Error
	if errors.As(cause, &de) {
		if de.Func != "" || fn == "" {
			return cause
		}
		c := *de
		c.Func = fn
		return &c
	}
	return &Error{Code: code, Func: fn, Arg: arg, Msg: cause.Error(), Err: cause}
}

// Cancel returns the Cancelled error of function fn (and argument arg, or
// "") that cause, the context's error, ended: its text is "fn: arg:
// cancelled: " and cause's text, and errors.Is finds both Cancelled and
// cause (context.Canceled or context.DeadlineExceeded).
func Cancel(fn, arg string, cause error) *Error {
	return &Error{Code: Cancelled, Func: fn, Arg: arg, Msg: "cancelled: " + cause.Error(), Err: cause}
}

// Arg is shorthand for New(InvalidArgument, fn, arg, ...).
func Arg(fn, arg, format string, a ...any) *Error {
	return New(InvalidArgument, fn, arg, format, a...)
}
