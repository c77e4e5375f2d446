package repl

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
)

// Opener opens the database at path ("" for an in-memory database) and
// returns it with the function that closes it. opts holds at most one
// OpenOptions; without one, it opens read-write, except that inside Main a
// call without options gets the command line's (-readonly).
type Opener func(ctx context.Context, path string, opts ...OpenOptions) (db *sql.DB, closeDB func() error, err error)

// OpenOptions say how to open a database.
type OpenOptions struct {
	// ReadOnly opens the database file read-only (-readonly): statements
	// that would change it fail.
	ReadOnly bool
}

// Env is what Main takes from its process: standard streams, how to open a
// database, and the version to report.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Open           Opener
	Version        string
	// Interrupt delivers Ctrl-C (SIGINT); nil when there is none to watch.
	// In a script the first one interrupts the running statement and skips
	// the rest, and ResetInterrupt (when set) restores the default, so a
	// second one ends the process; in the REPL each one interrupts the
	// running statement only.
	Interrupt      <-chan os.Signal
	ResetInterrupt func()
	// Functions are ducksight's SQL functions, for completion and
	// .functions.
	Functions []FunctionInfo
	// Progress, when set, lets long statements (training) draw a live
	// progress line on stderr when stderr is a terminal.
	Progress ProgressHook
}

const program = "ducksight"

// source is one script Main runs: a file (-f) or SQL text (-c, -cmd, or
// the SQL argument).
type source struct {
	file string
	sql  string
	name string // for SQL text: how errors name it; "" is "<command>"
}

const usageText = `Usage: ducksight [OPTIONS] [DBFILE [SQL]]

Runs SQL on the DuckDB database DBFILE (in memory when absent or ":memory:"):
the SQL of -cmd first, then the scripts of -f and the SQL of -c in the order
given, then SQL; with none of them, the script on standard input, or the
interactive shell when standard input is a terminal (which runs
~/.ducksightrc first; -init FILE runs FILE in any run). Errors print as
FILE:LINE: Error: ... Exit status: 0 when every statement succeeded, 1 when
one failed or the database could not be opened, 2 for a bad command line.
Type .help in a script or the shell for the dot commands.

Options:
`

// Main runs ducksight's command line (args without the program name) and
// returns the process exit status: 0 when every statement succeeded (a
// .quit ends the run early without failing it), 1 when a statement failed
// or the database could not be opened, 2 when the command line is wrong.
// Canceling ctx (Ctrl-C) interrupts the running statement and skips the
// rest.
func Main(ctx context.Context, args []string, env Env) int {
	var (
		opts     Options
		sources  []source
		cmds     []source
		version  bool
		readOnly bool
		initFile string // -init
		noInit   bool   // -no-init
		noStdin  bool   // -no-stdin
		batch    bool   // -batch
		forceInt bool   // -interactive
		// set are the command line's option settings in order, applied to
		// opts as they are parsed and again after a start-up file, so
		// that the command line's options win over the file's.
		set []func(*Options)
	)
	option := func(f func(*Options)) {
		f(&opts)
		set = append(set, f)
	}
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	fs.Func("f", "run the script in `FILE` (repeatable)", func(v string) error {
		sources = append(sources, source{file: v})
		return nil
	})
	fs.Func("c", "run `SQL` (repeatable)", func(v string) error {
		sources = append(sources, source{sql: v})
		return nil
	})
	fs.Func("s", "run `SQL` (repeatable; the same as -c)", func(v string) error {
		sources = append(sources, source{sql: v})
		return nil
	})
	fs.Func("cmd", "run `SQL` or a dot command before the scripts or the interactive shell (repeatable)", func(v string) error {
		cmds = append(cmds, source{sql: v, name: "<cmd>"})
		return nil
	})
	fs.BoolVar(&readOnly, "readonly", false, "open DBFILE read-only")
	fs.StringVar(&initFile, "init", "", "run the script in `FILE` first, instead of ~/.ducksightrc (which only the interactive shell runs)")
	fs.BoolVar(&noInit, "no-init", false, "run no start-up file")
	fs.BoolVar(&noStdin, "no-stdin", false, "after -cmd, read no script on standard input and start no interactive shell")
	fs.BoolVar(&batch, "batch", false, "read the script on standard input even when it is a terminal (no interactive shell)")
	fs.BoolVar(&forceInt, "interactive", false, "start the interactive shell even when standard input is not a terminal")
	for _, m := range modes {
		fs.BoolFunc(m.Name, "output mode "+m.Name+": "+m.Help, func(string) error {
			option(func(o *Options) {
				o.Mode = m.Name
				o.ColSeparator, o.RowSeparator = "", "" // as .mode does
			})
			return nil
		})
	}
	fs.Func("separator", "separate fields with `SEP` in list, tabs, csv, quote and ascii mode (as .separator; after the mode flag)", func(v string) error {
		option(func(o *Options) { o.ColSeparator = v })
		return nil
	})
	fs.Func("nullvalue", "print NULL as `TEXT` in the text modes (as .nullvalue)", func(v string) error {
		option(func(o *Options) { o.NullValue = &v })
		return nil
	})
	// boolOption is a boolean flag that sets an option: -bail, -bail=false.
	boolOption := func(name, usage string, f func(o *Options, on bool)) {
		fs.BoolFunc(name, usage, func(v string) error {
			on, err := strconv.ParseBool(v)
			if err == nil {
				option(func(o *Options) { f(o, on) })
			}
			return err
		})
	}
	boolOption("header", "show column names (default)", func(o *Options, on bool) { o.NoHeader = !on })
	boolOption("noheader", "hide column names", func(o *Options, on bool) { o.NoHeader = on })
	boolOption("bail", "stop at the first error", func(o *Options, on bool) { o.Bail = on })
	boolOption("echo", "print each statement before running it", func(o *Options, on bool) { o.Echo = on })
	fs.Func("maxrows", "show only the first and last rows of results longer than `N` in box and table mode (0: all; default 40 on a terminal, all otherwise)", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("want a row count, got %q", v)
		}
		option(func(o *Options) { o.MaxRows, o.MaxRowsSet = n, true })
		return nil
	})
	fs.BoolVar(&version, "version", false, "print the version and exit")

	// Options may follow DBFILE, as in the DuckDB CLI: parse, take one
	// positional argument, parse on.
	var positional []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2 // flag printed the error and the usage
		}
		left := fs.Args()
		if len(left) == 0 {
			break
		}
		if used := len(rest) - len(left); used > 0 && rest[used-1] == "--" {
			positional = append(positional, left...)
			break
		}
		positional = append(positional, left[0])
		rest = left[1:]
	}
	if version {
		fmt.Fprintln(env.Stdout, versionLine(env.Version))
		return 0
	}
	if len(positional) > 2 {
		fmt.Fprintf(env.Stderr, "%s: too many arguments: %s\n", program, strings.Join(positional[2:], " "))
		fs.Usage()
		return 2
	}
	oo := OpenOptions{ReadOnly: readOnly}
	if env.Open != nil && oo != (OpenOptions{}) {
		// Whatever opens a database without options in this run gets the
		// command line's.
		open := env.Open
		env.Open = func(ctx context.Context, path string, opts ...OpenOptions) (*sql.DB, func() error, error) {
			if len(opts) == 0 {
				opts = []OpenOptions{oo}
			}
			return open(ctx, path, opts...)
		}
	}
	var dbfile string
	if len(positional) > 0 {
		dbfile = positional[0]
	}
	if len(positional) > 1 {
		sources = append(sources, source{sql: positional[1]})
	}
	interactive := false
	if len(sources) == 0 && !noStdin {
		if forceInt || !batch && isTerminal(env.Stdin) {
			interactive = true
		} else {
			src, err := io.ReadAll(env.Stdin)
			if err != nil {
				fmt.Fprintf(env.Stderr, "<stdin>: Error: %s\n", err)
				return 1
			}
			sources = append(sources, source{file: "<stdin>", sql: string(src)})
		}
	}

	s, err := OpenSession(ctx, env, dbfile, oo, &opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: Error: %s\n", program, err)
		return 1
	}
	if env.Progress != nil && isTerminal(env.Stderr) {
		s.progress, s.progressLine = env.Progress, &progressLine{w: env.Stderr}
	}
	// The start-up file: the one of -init, or ~/.ducksightrc before the
	// interactive shell only (see startupFile).
	if rc := startupFile(initFile, noInit, interactive); rc != "" {
		// As in the DuckDB shell, the command line's options win over the
		// file's: it runs with the defaults, and the options given on the
		// command line are set again after it.
		s.opts = Options{}
		ok := s.runStartup(ctx, rc)
		for _, f := range set {
			f(&s.opts)
		}
		if !ok && s.opts.Bail {
			fmt.Fprintf(env.Stderr, "%s: Error: errors in the start-up file %s; exiting\n", program, rc)
			s.finish(env)
			return 1
		}
	}
	if interactive {
		runSources(ctx, s, cmds)
		s.stopped = false
		if !s.Quit() {
			s.interactive(ctx, env)
		}
		return s.finish(env)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if env.Interrupt != nil {
		go func() {
			select {
			case <-env.Interrupt:
				cancel()
				if env.ResetInterrupt != nil {
					env.ResetInterrupt()
				}
			case <-ctx.Done():
			}
		}()
	}
	runSources(ctx, s, append(cmds, sources...))
	return s.finish(env)
}

// versionLine is what -version prints, in the DuckDB shell's form
// "VERSION (NAME) SOURCE_ID": v0.1.0 (ducksight) 0123456789ab, without the
// source id when the binary does not record the commit it was built from.
func versionLine(version string) string {
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	line := version + " (" + program + ")"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, kv := range info.Settings {
			if kv.Key == "vcs.revision" && kv.Value != "" {
				line += " " + kv.Value[:min(len(kv.Value), 12)]
			}
		}
	}
	return line
}

// rcName is the start-up file the interactive shell runs from the home
// directory, as the DuckDB shell runs ~/.duckdbrc.
const rcName = ".ducksightrc"

// startupFile is the start-up file to run, or "" for none: the file of
// -init, whenever it is given (unless -no-init); otherwise
// $HOME/.ducksightrc, when it exists, before the interactive shell only:
// runs of -c, -s, -f, the SQL argument, a script on standard input and
// -batch skip it, so that a script does the same whoever runs it.
func startupFile(initFile string, noInit, interactive bool) string {
	switch {
	case noInit:
		return ""
	case initFile != "":
		return initFile
	case !interactive:
		return ""
	}
	home := os.Getenv("HOME")
	if home == "" {
		return ""
	}
	path := filepath.Join(home, rcName)
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	return path
}

// runStartup runs the start-up file path in the session and reports
// whether it ran without error. As in the DuckDB shell, it stops at the
// file's first error, printed as PATH:LINE: Error: ...; the session goes on
// (unless bail is on). A start-up file that cannot be read is an error.
func (s *Session) runStartup(ctx context.Context, path string) bool {
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		fmt.Fprintf(s.stderr, "%s: Error: cannot read start-up file: %s\n", path, err)
		s.failures++
		return false
	}
	s.stopFirst = true
	failed := s.RunScript(ctx, path, string(src)) > 0
	s.stopFirst = false
	s.stopped = false
	return !failed
}

// finish closes the session and returns the exit status: 0 when every
// statement succeeded, 1 otherwise.
func (s *Session) finish(env Env) int {
	failures := s.Failures()
	if err := s.Close(); err != nil {
		fmt.Fprintf(env.Stderr, "%s: Error: %s\n", program, err)
		failures++
	}
	if failures > 0 {
		return 1
	}
	return 0
}

// runSources runs the sources in order in the session s until one stops
// it (bail, an interruption, .quit).
func runSources(ctx context.Context, s *Session, sources []source) {
	for _, src := range sources {
		if s.Stopped() || s.Quit() {
			return
		}
		name, text := src.file, src.sql
		switch {
		case name == "":
			name = src.name
			if name == "" {
				name = "<command>"
			}
		case name != "<stdin>":
			b, err := os.ReadFile(name)
			if err != nil {
				var pe *os.PathError
				if errors.As(err, &pe) {
					err = pe.Err
				}
				fmt.Fprintf(s.stderr, "%s: Error: cannot read script: %s\n", name, err)
				s.failures++
				if s.opts.Bail {
					s.stopped = true
				}
				continue
			}
			text = string(b)
		}
		s.RunScript(ctx, name, text)
	}
}

// isTerminal reports whether r is an interactive terminal: a character
// device other than the null device.
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}
