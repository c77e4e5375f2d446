package repl

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Opener opens the database at path ("" for an in-memory database) and
// returns it with the function that closes it.
type Opener func(ctx context.Context, path string) (db *sql.DB, closeDB func() error, err error)

// Env is what Main takes from its process: standard streams, how to open a
// database, and the version to report.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Open           Opener
	Version        string
}

const program = "ducksight"

// source is one script Main runs: a file (-f) or SQL text (-c, or the SQL
// argument).
type source struct {
	file string
	sql  string
}

const usageText = `Usage: ducksight [OPTIONS] [DBFILE [SQL]]

Runs SQL on the DuckDB database DBFILE (in memory when absent or ":memory:"):
the scripts of -f and the SQL of -c in the order given, then SQL; with none
of them, the script on standard input. Errors print as FILE:LINE: Error: ...
and the exit status is 1 when any statement failed.

Options:
`

// Main runs ducksight's command line (args without the program name) and
// returns the process exit status: 0 when every statement succeeded, 1
// otherwise. Canceling ctx (Ctrl-C) interrupts the running statement and
// skips the rest.
func Main(ctx context.Context, args []string, env Env) int {
	var (
		opts    Options
		sources []source
		version bool
	)
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
	for _, m := range modes {
		fs.BoolFunc(m.Name, "output mode "+m.Name+": "+m.Help, func(string) error {
			opts.Mode = m.Name
			return nil
		})
	}
	fs.BoolFunc("header", "show column names (default)", func(v string) error {
		on, err := strconv.ParseBool(v)
		opts.NoHeader = !on
		return err
	})
	fs.BoolVar(&opts.NoHeader, "noheader", false, "hide column names")
	fs.BoolVar(&opts.Bail, "bail", false, "stop at the first error")
	fs.BoolVar(&opts.Echo, "echo", false, "print each statement before running it")
	fs.IntVar(&opts.MaxRows, "maxrows", 0, "show only the first and last rows of longer results in box and table mode (0: all)")
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
			return 1
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
		fmt.Fprintf(env.Stdout, "%s %s\n", program, env.Version)
		return 0
	}
	if len(positional) > 2 {
		fmt.Fprintf(env.Stderr, "%s: too many arguments: %s\n", program, strings.Join(positional[2:], " "))
		fs.Usage()
		return 1
	}
	var dbfile string
	if len(positional) > 0 {
		dbfile = positional[0]
	}
	if len(positional) > 1 {
		sources = append(sources, source{sql: positional[1]})
	}
	if len(sources) == 0 {
		if isTerminal(env.Stdin) {
			fmt.Fprintf(env.Stderr, "%s: the interactive shell is not there yet; give a script with -f, -c or on standard input\n", program)
			return 1
		}
		src, err := io.ReadAll(env.Stdin)
		if err != nil {
			fmt.Fprintf(env.Stderr, "<stdin>: Error: %s\n", err)
			return 1
		}
		sources = append(sources, source{file: "<stdin>", sql: string(src)})
	}

	if env.Open == nil {
		fmt.Fprintf(env.Stderr, "%s: Error: no database opener\n", program)
		return 1
	}
	db, closeDB, err := env.Open(ctx, dbfile)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: Error: opening %q: %s\n", program, dbfile, err)
		return 1
	}
	failures := runSources(ctx, db, sources, env, &opts)
	if err := closeDB(); err != nil {
		fmt.Fprintf(env.Stderr, "%s: Error: closing %q: %s\n", program, dbfile, err)
		failures++
	}
	if failures > 0 {
		return 1
	}
	return 0
}

// runSources runs every source in one session and returns the number of
// failures.
func runSources(ctx context.Context, db *sql.DB, sources []source, env Env, opts *Options) int {
	s, err := NewSession(ctx, db, env.Stdout, env.Stderr, opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: Error: %s\n", program, err)
		return 1
	}
	defer s.Close()
	for _, src := range sources {
		if s.Stopped() {
			break
		}
		name, text := src.file, src.sql
		switch {
		case name == "":
			name = "<command>"
		case name != "<stdin>":
			b, err := os.ReadFile(name)
			if err != nil {
				fmt.Fprintf(env.Stderr, "%s: Error: %s\n", name, err)
				s.failures++
				if s.opts.Bail {
					return s.Failures()
				}
				continue
			}
			text = string(b)
		}
		s.RunScript(ctx, name, text)
	}
	return s.Failures()
}

// isTerminal reports whether r is an interactive terminal: a character
// device other than the null device.
func isTerminal(r io.Reader) bool {
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
