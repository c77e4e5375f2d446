package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// The dot commands that reach outside the session's results: .import,
// .shell and .system, .cd, .databases, .prompt and .changes, as the DuckDB
// shell has them.

// printChanges prints, when .changes is on and the statement that just ran
// without error changed rows (INSERT, UPDATE, DELETE, CREATE TABLE AS), the
// DuckDB shell's line "changes:   3   total_changes: 10". It returns err.
func (s *Session) printChanges(err error) error {
	if err != nil || !s.showChanges || !s.changed {
		return err
	}
	_, err = fmt.Fprintf(s.out, "changes: %3d   total_changes: %d\n", s.lastChanges, s.totalChanges)
	return err
}

func dotChanges(_ context.Context, s *Session, d dotCall) error {
	return setBool(&s.showChanges, d.args[0])
}

// tableExists is the query .import asks whether TABLE exists: a table of
// the current database and schema (or TEMP) named $1, compared as DuckDB
// compares identifiers (case-insensitively).
const tableExists = `SELECT count(*) FROM duckdb_tables()
WHERE lower(table_name) = lower($1)
  AND (database_name = current_database() AND schema_name = current_schema() OR database_name = 'temp')`

// dotImport reads the CSV file FILE into TABLE with DuckDB's reader,
// read_csv with its auto-detection: it creates TABLE when there is no such
// table, and appends to it when there is (columns by position, as the
// DuckDB shell does). TABLE is quoted as an identifier; FILE reaches
// read_csv as a bound parameter.
func dotImport(ctx context.Context, s *Session, d dotCall) error {
	file, table := d.args[0], d.args[1]
	fail := func(err error) error {
		return fmt.Errorf(".import %s: %w", file, err)
	}
	if _, err := os.Stat(file); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fail(err)
	}
	var n int
	if err := s.conn.QueryRowContext(ctx, tableExists, table).Scan(&n); err != nil {
		return fail(err)
	}
	stmt := "CREATE TABLE " + quoteIdent(table) + " AS SELECT * FROM read_csv($1)"
	if n > 0 {
		stmt = "INSERT INTO " + quoteIdent(table) + " SELECT * FROM read_csv($1)"
	}
	res, err := s.conn.ExecContext(ctx, stmt, file)
	if err != nil {
		return fail(err)
	}
	if rows, err := res.RowsAffected(); err == nil {
		s.lastChanges, s.changed = rows, true
		s.totalChanges += rows
	}
	return nil
}

// dotShell runs CMD ARGS... with /bin/sh -c, its output and errors going
// where the session's do. As in the DuckDB shell, a word without spaces is
// passed in double quotes (so $VAR still expands but * does not glob) and
// one with spaces as it is, and a failing command only prints its exit
// status: it is not a failed statement.
func dotShell(ctx context.Context, s *Session, d dotCall) error {
	var b strings.Builder
	for i, a := range d.args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if strings.Contains(a, " ") {
			b.WriteString(a)
		} else {
			b.WriteString(`"` + a + `"`)
		}
	}
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", b.String())
	cmd.Stdout, cmd.Stderr = s.out, s.stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		fmt.Fprintf(s.stderr, "System command returns %d\n", ee.ExitCode())
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", d.name, err)
	}
	return nil
}

func dotCd(_ context.Context, _ *Session, d dotCall) error {
	if err := os.Chdir(d.args[0]); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf(".cd: cannot change to directory %q: %w", d.args[0], err)
	}
	return nil
}

// databasesQuery is what .databases shows: the attached databases and
// their files (NULL in memory).
const databasesQuery = `SELECT database_name AS name, path AS file
FROM duckdb_databases() WHERE NOT internal ORDER BY database_oid`

func dotDatabases(ctx context.Context, s *Session, _ dotCall) error {
	if err := s.render(ctx, databasesQuery, false); err != nil {
		return fmt.Errorf(".databases: %w", err)
	}
	return nil
}

// dotPrompt sets the REPL's prompt and, with a second argument, its
// continuation prompt.
func dotPrompt(_ context.Context, s *Session, d dotCall) error {
	s.mainPrompt = d.args[0]
	if len(d.args) > 1 {
		s.contPrompt = d.args[1]
	}
	return nil
}

// prompts are the REPL's prompts: .prompt's, or the defaults.
func (s *Session) prompts() (main, cont string) {
	main, cont = prompt, continuePrompt
	if s.mainPrompt != "" {
		main = s.mainPrompt
	}
	if s.contPrompt != "" {
		cont = s.contPrompt
	}
	return main, cont
}
