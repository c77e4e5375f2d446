package repl

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
)

// Options control how statements run and how results print. Dot commands
// (.mode, .headers, .bail, ...) change them while a script runs.
type Options struct {
	// Mode is the output mode (see Modes); "" means box.
	Mode string
	// NoHeader leaves out column names (and types).
	NoHeader bool
	// Bail stops at the first failing statement.
	Bail bool
	// Echo prints each statement and dot command before it runs.
	Echo bool
	// MaxRows, when positive, shows only the first and last rows of longer
	// results in box and table mode (see RenderOptions).
	MaxRows int
	// MaxWidth, when positive, cuts wider cells in box, table and markdown.
	MaxWidth int
}

func (o *Options) renderOptions() RenderOptions {
	return RenderOptions{NoHeader: o.NoHeader, MaxRows: o.MaxRows, MaxWidth: o.MaxWidth}
}

// Session runs statements on one dedicated connection, so SET, USE, TEMP
// tables and transactions carry over from one statement, script or .read to
// the next, as in the DuckDB CLI. A Session is not safe for concurrent use.
type Session struct {
	conn           *sql.Conn
	opts           Options
	stdout, stderr io.Writer
	failures       int  // statements that failed, over the session's life
	stopped        bool // bail or interruption: run nothing more
	depth          int  // .read nesting
}

// maxReadDepth bounds .read nesting, which would otherwise recurse forever
// on a script that reads itself.
const maxReadDepth = 32

// NewSession takes a connection from db for the session. Results go to
// stdout, error messages to stderr. opts may be nil; the session keeps its
// own copy.
func NewSession(ctx context.Context, db *sql.DB, stdout, stderr io.Writer, opts *Options) (*Session, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	s := &Session{conn: conn, stdout: stdout, stderr: stderr}
	if opts != nil {
		s.opts = *opts
	}
	return s, nil
}

// Close returns the session's connection to the pool.
func (s *Session) Close() error { return s.conn.Close() }

// Options returns the session's current options, as dot commands left them.
func (s *Session) Options() Options { return s.opts }

// Stopped reports that the session ran into an error with bail on or was
// interrupted; RunScript then runs nothing more.
func (s *Session) Stopped() bool { return s.stopped }

// Failures is the number of statements that failed in the session so far.
func (s *Session) Failures() int { return s.failures }

// RunScript runs the statements and dot commands of src in order and returns
// how many failed. name identifies the script in error messages, which read
// "NAME:LINE: Error: message" with the line where the failing statement
// starts: a file name, "<command>" for -c or "<stdin>". It keeps going after
// an error unless bail is on. A .read inside src reads files relative to the
// directory of name (or the working directory for "<...>" names).
func (s *Session) RunScript(ctx context.Context, name, src string) (failures int) {
	before := s.failures
	for _, st := range Split(src) {
		if s.stopped {
			break
		}
		if ctx.Err() != nil {
			s.report(name, st.Line, ErrInterrupted)
			s.stopped = true
			break
		}
		if s.opts.Echo {
			fmt.Fprintln(s.stdout, st.Text)
		}
		if err := s.Execute(ctx, name, st); err != nil {
			if ctx.Err() != nil {
				err = ErrInterrupted
				s.stopped = true
			}
			s.report(name, st.Line, err)
			if s.opts.Bail {
				s.stopped = true
			}
		}
	}
	return s.failures - before
}

// report prints a failed statement's error and counts it.
func (s *Session) report(name string, line int, err error) {
	s.failures++
	fmt.Fprintf(s.stderr, "%s:%d: Error: %s\n", name, line, strings.TrimSpace(err.Error()))
}

// Execute runs one statement or dot command of the script name and renders
// its result to stdout. It returns the statement's error without printing
// it. Errors of statements a .read runs are printed and counted by that
// .read, not returned.
func (s *Session) Execute(ctx context.Context, name string, st Statement) error {
	if st.Dot {
		return s.dot(ctx, name, st.Text)
	}
	return s.query(ctx, st.Text)
}

// query runs one SQL statement and renders its rows. DDL, DML without
// RETURNING and utility statements answer with a single "Count" or
// "Success" column; like the DuckDB CLI, that status is not printed.
func (s *Session) query(ctx context.Context, text string) error {
	rows, err := s.conn.QueryContext(ctx, text)
	if err != nil {
		return err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	cols := make([]Column, len(cts))
	for i, ct := range cts {
		cols[i] = Column{Name: ct.Name(), Type: ct.DatabaseTypeName()}
	}
	if len(cols) == 0 || isStatus(cols) && !returnsRows(text) {
		for rows.Next() {
		}
		return rows.Err()
	}
	r, err := NewRenderer(s.stdout, s.opts.Mode, cols, s.opts.renderOptions())
	if err != nil {
		return err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := r.Row(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return r.End()
}

// isStatus recognizes the result DuckDB gives statements that return no
// rows of their own.
func isStatus(cols []Column) bool {
	if len(cols) != 1 {
		return false
	}
	c := cols[0]
	return c.Name == "Count" && c.Type == "BIGINT" || c.Name == "Success" && c.Type == "BOOLEAN"
}

// RunScript runs a script on a connection of its own (see Session.RunScript)
// and returns how many statements failed.
func RunScript(ctx context.Context, db *sql.DB, name string, src string, stdout, stderr io.Writer, opts *Options) (failures int) {
	s, err := NewSession(ctx, db, stdout, stderr, opts)
	if err != nil {
		if ctx.Err() != nil {
			err = ErrInterrupted
		}
		fmt.Fprintf(stderr, "%s: Error: %s\n", name, err)
		return 1
	}
	defer s.Close()
	return s.RunScript(ctx, name, src)
}
