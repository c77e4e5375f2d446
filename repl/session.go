package repl

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/duckdb/duckdb-go/v2"
)

// OpenSession opens the database at path ("" or ":memory:" in memory) with
// env.Open and starts a session on it that owns it: Close closes the
// database too, and .open replaces it with another one, opened with env.Open
// and the same options. Results go to env.Stdout, errors to env.Stderr;
// .functions lists env.Functions. opts may be nil.
func OpenSession(ctx context.Context, env Env, path string, oo OpenOptions, opts *Options) (*Session, error) {
	if env.Open == nil {
		return nil, errNoOpener
	}
	if path == ":memory:" {
		path = ""
	}
	db, closeDB, err := env.Open(ctx, path, oo)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", displayPath(path), openError(err))
	}
	s, err := NewSession(ctx, db, env.Stdout, env.Stderr, opts)
	if err != nil {
		return nil, errors.Join(err, closeDB())
	}
	s.closeDB, s.open, s.openOpts, s.path, s.funcs = closeDB, env.Open, oo, path, env.Functions
	return s, nil
}

var errNoOpener = errors.New("no database opener")

// openError is what to say about a database that would not open: DuckDB's
// own message ("IO Error: Could not set lock on file ...") when there is
// one, without the layers that wrapped it on the way.
func openError(err error) error {
	var de *duckdb.Error
	if errors.As(err, &de) {
		return de
	}
	return err
}

// displayPath names a database file in messages.
func displayPath(path string) string {
	if path == "" {
		return `":memory:"`
	}
	return fmt.Sprintf("%q", path)
}

// dotOpen closes the session's database and opens another one (in memory
// without an argument). When the new one cannot be opened, the old one stays.
// TEMP tables, settings and prepared statements go with the old connection.
func dotOpen(ctx context.Context, s *Session, d dotCall) error {
	if s.open == nil {
		return fmt.Errorf(".open: %w in this session", errNoOpener)
	}
	path := ""
	if len(d.args) == 1 && d.args[0] != ":memory:" {
		path = d.args[0]
	}
	// A process must not open one database file twice: reopening the
	// current file closes it first (and opens it again should that fail).
	if path != "" && s.path != "" && sameFile(path, s.path) {
		if err := s.closeDatabase(); err != nil {
			return err
		}
		if err := s.openDatabase(ctx, path); err != nil {
			if rerr := s.openDatabase(ctx, s.path); rerr != nil {
				return fmt.Errorf("%w; reopening the old database: %w", err, rerr)
			}
			return err
		}
		return nil
	}
	old := &Session{conn: s.conn, closeDB: s.closeDB, path: s.path}
	if err := s.openDatabase(ctx, path); err != nil {
		return err
	}
	return old.closeDatabase()
}

// openDatabase opens path and makes it the session's database.
func (s *Session) openDatabase(ctx context.Context, path string) error {
	db, closeDB, err := s.open(ctx, path, s.openOpts)
	if err != nil {
		return fmt.Errorf(".open: cannot open %s: %w", displayPath(path), openError(err))
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return errors.Join(fmt.Errorf(".open: cannot open %s: %w", displayPath(path), err), closeDB())
	}
	s.conn, s.closeDB, s.path = conn, closeDB, path
	return nil
}

// closeDatabase closes the session's connection and, when the session owns
// it, its database.
func (s *Session) closeDatabase() error {
	err := s.conn.Close()
	if s.closeDB != nil {
		if cerr := s.closeDB(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("closing %s: %w", displayPath(s.path), cerr))
		}
	}
	return err
}

// sameFile reports whether paths a and b name one existing file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// setOutput sends results to the file path (created or truncated), or back
// to stdout when path is "". When the file cannot be created, output stays
// where it was. It ends any pending .once.
func (s *Session) setOutput(path string) error {
	var f *os.File
	if path != "" {
		var err error
		if f, err = os.Create(path); err != nil {
			return err
		}
	}
	var err error
	if s.outFile != nil {
		err = s.outFile.Close()
	}
	s.outFile, s.out, s.once = f, s.stdout, false
	if f != nil {
		s.out = f
	}
	return err
}

func dotOutput(_ context.Context, s *Session, d dotCall) error {
	path := ""
	if len(d.args) == 1 {
		path = d.args[0]
	}
	if err := s.setOutput(path); err != nil {
		return fmt.Errorf(".output: %w", err)
	}
	return nil
}

func dotOnce(_ context.Context, s *Session, d dotCall) error {
	if err := s.setOutput(d.args[0]); err != nil {
		return fmt.Errorf(".once: %w", err)
	}
	s.once, s.onceDepth = true, s.depth
	return nil
}
