package repl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ducksight/ducksight/dserr"
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
	// MaxRowsSet reports that MaxRows was given (-maxrows, .maxrows);
	// otherwise results on a terminal show at most terminalMaxRows rows, as
	// in the DuckDB shell, and results to pipes and files all rows.
	MaxRowsSet bool
	// MaxWidth is the total width box and table fit a result to (.maxwidth,
	// see RenderOptions.MaxWidth): wide columns are shortened first, then
	// middle columns left out. 0: the terminal's width when results go to a
	// terminal, no limit otherwise (results to pipes and files keep every
	// cell whole); negative: no limit.
	MaxWidth int
	// ColumnWidths are the minimum column widths of column mode (.width;
	// see RenderOptions.ColumnWidths).
	ColumnWidths []int
	// Columns draws box and table results column-wise (.columns; .rows
	// turns it off).
	Columns bool
	// ColSeparator and RowSeparator are the separators of .separator
	// (see RenderOptions.ColSeparator); "" is the mode's own. .mode resets
	// both.
	ColSeparator, RowSeparator string
	// Table is the table of insert mode (.mode insert TABLE); "" is "table".
	Table string
	// NullValue, when not nil, is how NULL prints in the text modes
	// (.nullvalue; see RenderOptions.NullValue).
	NullValue *string
	// Timer prints "Run Time (s): real R user U sys S" on stdout after each
	// SQL statement (.timer).
	Timer bool
}

// terminalMaxRows is how many rows a result on a terminal shows by default
// (the first and last halves, with the total in the footer).
const terminalMaxRows = 40

// renderOptions are the options of the next result, which goes to s.out.
func (s *Session) renderOptions() RenderOptions {
	o := &s.opts
	width := o.MaxWidth
	if width == 0 {
		width = TerminalWidth(s.out)
	}
	rows := o.MaxRows
	if rows == 0 && !o.MaxRowsSet && width > 0 {
		rows = terminalMaxRows // a terminal, and no -maxrows or .maxrows
	}
	return RenderOptions{
		NoHeader: o.NoHeader, MaxRows: rows, MaxWidth: max(width, 0), ColumnWidths: o.ColumnWidths, Columns: o.Columns,
		ColSeparator: o.ColSeparator, RowSeparator: o.RowSeparator, Table: o.Table, NullValue: o.NullValue,
	}
}

// Session runs statements on one dedicated connection, so SET, USE, TEMP
// tables and transactions carry over from one statement, script or .read to
// the next, as in the DuckDB CLI. A Session is not safe for concurrent use.
type Session struct {
	conn *sql.Conn
	// closeDB closes the database of conn when the session owns it
	// (OpenSession, .open); nil when it belongs to the caller of NewSession.
	closeDB  func() error
	open     Opener      // how .open opens a database; nil: it cannot
	openOpts OpenOptions // how it opens them (-readonly)
	path     string      // the database file; "" in memory
	funcs    []FunctionInfo

	opts           Options
	stdout, stderr io.Writer
	// timerLine is the run time of a statement that failed, printed after
	// its error (report), as the DuckDB shell orders them.
	timerLine string
	out       io.Writer // where results go: stdout or outFile
	outFile   *os.File  // the file of .output or .once; nil: stdout
	once      bool      // outFile is .once's: back to stdout after the next command
	onceDepth int       // the .read depth of that .once: commands deeper than it (in a .read after it) do not end it

	failures int  // statements that failed, over the session's life
	stopped  bool // bail or interruption: run nothing more
	quit     bool // .quit or .exit: run nothing more, and the REPL ends
	depth    int  // .read nesting
	// stopFirst stops the script at its first error whatever bail says:
	// the start-up file (runStartup).
	stopFirst bool

	// progress, when set, makes statements report long work (training) to
	// progressLine, drawn on stderr (a terminal).
	progress     ProgressHook
	progressLine *progressLine

	last *lastResult // the last result rendered, for .chart

	// keywords are DuckDB's keywords, which insert mode quotes; loaded
	// with the first result in insert mode.
	keywords map[string]bool

	// .changes: print the rows a statement changed, and the total so far.
	showChanges               bool
	changed                   bool // the last statement reported changed rows
	lastChanges, totalChanges int64

	// prompts of the REPL (.prompt); "" until set: the defaults.
	mainPrompt, contPrompt string
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
	s := &Session{conn: conn, stdout: stdout, stderr: stderr, out: stdout}
	if opts != nil {
		s.opts = *opts
	}
	return s, nil
}

// Close returns the session's connection to the pool, closes the file of
// .output or .once, and closes the database when the session owns it (see
// OpenSession).
func (s *Session) Close() error {
	err := errors.Join(s.setOutput(""), s.closeDatabase())
	s.closeDB = nil
	return err
}

// Options returns the session's current options, as dot commands left them.
func (s *Session) Options() Options { return s.opts }

// Stopped reports that the session ran into an error with bail on or was
// interrupted; RunScript then runs nothing more.
func (s *Session) Stopped() bool { return s.stopped }

// Quit reports that .quit or .exit ended the session: RunScript runs
// nothing more, Main runs no further script, and the REPL ends. Quitting
// is not a failure.
func (s *Session) Quit() bool { return s.quit }

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
		if s.stopped || s.quit {
			break
		}
		if ctx.Err() != nil {
			s.report(name, st.Line, ErrInterrupted)
			s.stopped = true
			break
		}
		if s.opts.Echo {
			fmt.Fprintln(s.out, st.Text)
		}
		if err := s.Execute(ctx, name, st); err != nil {
			if ctx.Err() != nil {
				err = ErrInterrupted
				s.stopped = true
			}
			s.report(name, st.Line, err)
			if s.opts.Bail || s.stopFirst {
				s.stopped = true
			}
		}
	}
	return s.failures - before
}

// report prints a failed statement's error and counts it, then the
// statement's run time when the timer is on.
func (s *Session) report(name string, line int, err error) {
	s.failures++
	if name == "" { // the REPL: the statement was just typed
		fmt.Fprintf(s.stderr, "Error: %s\n", strings.TrimSpace(err.Error()))
	} else {
		fmt.Fprintf(s.stderr, "%s:%d: Error: %s\n", name, line, strings.TrimSpace(err.Error()))
	}
	if s.timerLine != "" {
		fmt.Fprint(s.stdout, s.timerLine)
		s.timerLine = ""
	}
}

// Execute runs one statement or dot command of the script name and renders
// its result to the session's output: stdout, or the file of .output or
// .once. It returns the statement's error without printing it. Errors of
// statements a .read runs are printed and counted by that .read, not
// returned. After the command that follows .once, output returns to stdout.
func (s *Session) Execute(ctx context.Context, name string, st Statement) error {
	once, onceFile := s.once && s.depth <= s.onceDepth, s.outFile
	var err error
	if st.Dot {
		err = s.dot(ctx, name, st.Text)
	} else {
		err = dserr.UnknownNamedArg(s.query(ctx, st.Text), s.namedArgs)
	}
	if once && s.once && s.outFile == onceFile {
		err = errors.Join(err, s.setOutput(""))
	}
	return err
}

// namedArgs returns the named arguments of ducksight's function fn (from
// the Env's Functions) and whether fn is one of them: DuckDB rejects an
// argument a function does not declare before ducksight sees the call, and
// Execute rewrites that error into the function's own terms with them.
func (s *Session) namedArgs(fn string) ([]string, bool) {
	for _, f := range s.funcs {
		if strings.EqualFold(f.Name, fn) {
			return f.Named, true
		}
	}
	return nil, false
}

// query runs one SQL statement and renders its rows. DDL, DML without
// RETURNING and utility statements answer with a single "Count" or
// "Success" column; like the DuckDB CLI, that status is not printed. With
// the timer on, it prints the statement's run time on stdout.
func (s *Session) query(ctx context.Context, text string) error {
	s.changed = false
	if !s.opts.Timer {
		return s.printChanges(s.render(ctx, text, true))
	}
	start := time.Now()
	user, sys := cpuTimes()
	err := s.render(ctx, text, true)
	user1, sys1 := cpuTimes()
	line := fmt.Sprintf("Run Time (s): real %.3f user %f sys %f\n",
		time.Since(start).Seconds(), (user1 - user).Seconds(), (sys1 - sys).Seconds())
	if err != nil {
		s.timerLine = line // after the error (report)
		return err
	}
	fmt.Fprint(s.stdout, line)
	return s.printChanges(nil)
}

// render runs a query with args and renders its rows in the current mode.
// With status set, a result that is only the status of a statement without
// rows of its own prints nothing (see query).
func (s *Session) render(ctx context.Context, text string, status bool, args ...any) error {
	var keywords map[string]bool
	if s.opts.Mode == "insert" {
		keywords = s.loadKeywords(ctx) // before the query takes the connection
	}
	if s.progress != nil {
		ctx = s.progress(ctx, s.progressLine.report)
		defer s.progressLine.clear()
	}
	rows, err := s.conn.QueryContext(ctx, text, args...)
	if s.progress != nil {
		// The result prints below; a training's result row only arrives
		// when the training is over.
		s.progressLine.clear()
	}
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
	if len(cols) == 0 || status && isStatus(cols) && !returnsRows(text) {
		var n int64
		changed := false
		for rows.Next() {
			if len(cols) == 1 && cols[0].Name == "Count" && rows.Scan(&n) == nil {
				changed = true
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if changed {
			s.lastChanges = n
			s.totalChanges += n
			s.changed = true
		}
		return nil
	}
	ro := s.renderOptions()
	ro.keywords = keywords
	r, err := NewRenderer(s.out, s.opts.Mode, cols, ro)
	if err != nil {
		return err
	}
	last := &lastResult{cols: cols}
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
		last.add(vals)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.last = last
	return r.End()
}

// loadKeywords returns DuckDB's keywords (duckdb_keywords()), which insert
// mode quotes as identifiers, reading them once. It returns nil when they
// cannot be read.
func (s *Session) loadKeywords(ctx context.Context) map[string]bool {
	if s.keywords != nil {
		return s.keywords
	}
	rows, err := s.conn.QueryContext(ctx, "SELECT keyword_name FROM duckdb_keywords()")
	if err != nil {
		return nil
	}
	defer rows.Close()
	kw := map[string]bool{}
	for rows.Next() {
		var k string
		if rows.Scan(&k) == nil {
			kw[strings.ToLower(k)] = true
		}
	}
	if rows.Err() != nil {
		return nil
	}
	s.keywords = kw
	return kw
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
