package repl

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/dserr"
)

// run runs a script on a fresh in-memory database and returns what it wrote.
func run(t *testing.T, name, src string, opts *Options) (stdout, stderr string, failures int) {
	t.Helper()
	db := openDB(t)
	var out, errOut strings.Builder
	failures = RunScript(context.Background(), db, name, src, &out, &errOut, opts)
	return lf(out.String()), errOut.String(), failures
}

// lf turns CRLF into LF. The tests that use csv as a plain output format
// check statements, not line endings; csv's CRLF (RFC 4180) is checked by
// TestCSV, TestNullValue and the csv golden file.
func lf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

func TestRunScriptErrorLine(t *testing.T) {
	src := `-- line 1
CREATE TABLE t AS
  SELECT 1 AS x;   -- lines 2-3

/* a comment
   over two lines */
SELECT x
  FROM t
  WHERE y = 1;    -- line 7: no column y
SELECT 'after' AS s;
`
	out, errOut, failures := run(t, "script.sql", src, &Options{Mode: "csv"})
	if failures != 1 {
		t.Errorf("failures = %d, want 1", failures)
	}
	if !strings.HasPrefix(errOut, `script.sql:7: Error: Binder Error: Referenced column "y" not found`) {
		t.Errorf("stderr = %q, want it to start with script.sql:7: Error: Binder Error: ...", errOut)
	}
	if strings.Count(errOut, "script.sql:") != 1 {
		t.Errorf("want exactly one error, got:\n%s", errOut)
	}
	if out != "s\nafter\n" {
		t.Errorf("the script did not go on after the error: stdout = %q", out)
	}
}

func TestRunScriptBail(t *testing.T) {
	src := "SELECT 1 AS a;\nSELECT nope;\nSELECT 3 AS c;\n"
	out, errOut, failures := run(t, "b.sql", src, &Options{Mode: "csv", Bail: true})
	if failures != 1 || out != "a\n1\n" || !strings.HasPrefix(errOut, "b.sql:2: Error: ") {
		t.Errorf("Bail: failures=%d stdout=%q stderr=%q", failures, out, errOut)
	}
	// .bail on turns it on from inside the script.
	out, _, failures = run(t, "b.sql", ".mode csv\n.bail on\nSELECT nope;\nSELECT 3 AS c;\n", nil)
	if failures != 1 || out != "" {
		t.Errorf(".bail on: failures=%d stdout=%q", failures, out)
	}
	// Without bail, every failing statement counts.
	_, errOut, failures = run(t, "b.sql", "SELECT nope;\nSELECT nope2;\n.nope\nSELECT 1;", nil)
	if failures != 3 || !strings.Contains(errOut, "b.sql:1: ") || !strings.Contains(errOut, "b.sql:2: ") ||
		!strings.Contains(errOut, "b.sql:3: Error: unknown dot command \".nope\" (see .help)\n") {
		t.Errorf("failures=%d stderr=%q", failures, errOut)
	}
}

// TestRunScriptOneConnection checks that statements share a connection: TEMP
// tables, SET and prepared statements are per connection in DuckDB, and the
// pool here keeps no idle connection to hand out again.
func TestRunScriptOneConnection(t *testing.T) {
	db := openDB(t)
	db.SetMaxIdleConns(0)
	src := `CREATE TEMP TABLE t AS SELECT 42 AS x;
SET VARIABLE v = 7;
PREPARE p AS SELECT x + getvariable('v') AS y FROM t;
EXECUTE p;
`
	var out, errOut strings.Builder
	failures := RunScript(context.Background(), db, "s.sql", src, &out, &errOut, &Options{Mode: "csv"})
	if failures != 0 || out.String() != "y\r\n49\r\n" {
		t.Errorf("failures=%d stdout=%q stderr=%q", failures, out.String(), errOut.String())
	}
}

// TestRunScriptStatusResults checks that DDL, DML and utility statements,
// which DuckDB answers with a Count or Success column, print nothing, while
// queries and RETURNING print their rows.
func TestRunScriptStatusResults(t *testing.T) {
	src := `CREATE TABLE t(x INTEGER);
INSERT INTO t VALUES (1), (2);
UPDATE t SET x = x + 10 WHERE x = 2;
BEGIN;
DELETE FROM t WHERE x = 99;
COMMIT;
SET threads = 1;
CREATE VIEW v AS SELECT * FROM t;
DROP VIEW v;
INSERT INTO t VALUES (3) RETURNING x * 2 AS doubled;
SELECT count(*) AS "Count" FROM t;
SELECT true AS "Success";
`
	out, errOut, failures := run(t, "s.sql", src, &Options{Mode: "csv"})
	want := "doubled\n6\nCount\n3\nSuccess\ntrue\n"
	if failures != 0 || out != want {
		t.Errorf("failures=%d stderr=%q\nstdout %q\nwant   %q", failures, errOut, out, want)
	}
}

func TestRunScriptDotCommands(t *testing.T) {
	src := `.mode
.mode csv
.mode
SELECT 1 AS a, 'x' AS b;
.headers off
SELECT 2 AS a;
.headers on
.mode json
SELECT 3 AS a;
SELECT 4 AS a;
.mode line
SELECT 5 AS a;
.print hello   "quoted  words" 'single'
.echo on
SELECT 6 AS a;
.echo off
.mode box
.maxrows 2
SELECT * FROM range(5) r(i);
.maxrows 0
.mode fancy
.mode csv extra
.headers maybe
`
	out, errOut, failures := run(t, "d.sql", src, nil)
	want := `current output mode: box
current output mode: csv
a,b
1,x
2
[{"a":3}]
[{"a":4}]
    a = 5
hello quoted  words single
SELECT 6 AS a;
    a = 6
.echo off
┌──────────────────┐
│        i         │
│      int64       │
├──────────────────┤
│                0 │
│                · │
│                · │
│                · │
│                4 │
├──────────────────┤
│ 5 rows (2 shown) │
└──────────────────┘
`
	if out != want {
		t.Errorf("stdout\n%s\nwant\n%s", out, want)
	}
	wantErr := `d.sql:21: Error: unknown output mode "fancy" (modes: ascii, box, column, csv, html, insert, json, jsonlines, latex, line, list, markdown, quote, table, tabs, trash)
d.sql:22: Error: usage: TABLE can only be used with .mode insert
d.sql:23: Error: bad argument: "maybe" (want on or off)
`
	if errOut != wantErr || failures != 3 {
		t.Errorf("failures=%d stderr\n%s\nwant\n%s", failures, errOut, wantErr)
	}
}

func TestRunScriptHelp(t *testing.T) {
	out, errOut, failures := run(t, "h.sql", ".help\n.help mode\n.help .nope\n", nil)
	if failures != 1 || !strings.HasPrefix(errOut, `h.sql:3: Error: unknown dot command ".nope"`) {
		t.Errorf("failures=%d stderr=%q", failures, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(dotCommands)+1 {
		t.Fatalf(".help printed %d lines for %d commands:\n%s", len(lines)-1, len(dotCommands), out)
	}
	for i, c := range dotCommands {
		if !strings.HasPrefix(lines[i], c.usage()+" ") || !strings.HasSuffix(lines[i], c.help) {
			t.Errorf(".help line %q does not describe %s", lines[i], c.name)
		}
	}
	if !strings.HasPrefix(lines[len(lines)-1], ".mode [MODE [TABLE]]  set the output mode (ascii, box, column,") {
		t.Errorf(".help mode = %q", lines[len(lines)-1])
	}
}

func TestRunScriptRead(t *testing.T) {
	path := filepath.Join("testdata", "scripts", "main.sql")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, failures := run(t, path, string(src), &Options{Mode: "csv", NoHeader: true})
	// The TEMP table made in main.sql is seen by the scripts it reads: one
	// session, one connection.
	if want := "in inc\ndeeper\ninc\nmain\n"; out != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
	wantErr := filepath.Join("testdata", "scripts", "sub", "inc.sql") + ":3: Error: Catalog Error: Table with name missing_table does not exist!"
	if failures != 1 || !strings.HasPrefix(errOut, wantErr) {
		t.Errorf("failures=%d stderr=%q, want it to start with %q", failures, errOut, wantErr)
	}

	_, errOut, failures = run(t, "<command>", ".read testdata/scripts/nope.sql", nil)
	if failures != 1 || !strings.HasPrefix(errOut, "<command>:1: Error: .read: open testdata/scripts/nope.sql: ") {
		t.Errorf("missing file: failures=%d stderr=%q", failures, errOut)
	}

	self := filepath.Join("testdata", "scripts", "self.sql")
	_, errOut, failures = run(t, self, ".read self.sql", nil)
	if failures != 1 || !strings.Contains(errOut, "nested more than 32 deep") {
		t.Errorf("self-reading script: failures=%d stderr=%q", failures, errOut)
	}
}

func TestRunScriptIncompleteLastStatement(t *testing.T) {
	out, _, failures := run(t, "s.sql", "SELECT 1 AS a;\nSELECT 2 AS b -- no semicolon", &Options{Mode: "csv"})
	if failures != 0 || out != "a\n1\nb\n2\n" {
		t.Errorf("failures=%d stdout=%q", failures, out)
	}
}

func TestRunScriptInterrupt(t *testing.T) {
	db := openDB(t)
	var out, errOut strings.Builder

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	failures := RunScript(ctx, db, "s.sql", "\nSELECT 1;\nSELECT 2;", &out, &errOut, nil)
	if failures != 1 || errOut.String() != "s.sql: Error: interrupted\n" || out.Len() != 0 {
		t.Errorf("canceled before: failures=%d stdout=%q stderr=%q", failures, out.String(), errOut.String())
	}

	// Canceled between statements: the next one reports it and the rest is skipped.
	errOut.Reset()
	ctx, cancel = context.WithCancel(context.Background())
	s, err := NewSession(ctx, db, &out, &errOut, &Options{Mode: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cancel()
	failures = s.RunScript(ctx, "s.sql", "\nSELECT 1;\nSELECT 2;")
	if failures != 1 || errOut.String() != "s.sql:2: Error: interrupted\n" || out.Len() != 0 || !s.Stopped() {
		t.Errorf("canceled between: failures=%d stopped=%v stdout=%q stderr=%q", failures, s.Stopped(), out.String(), errOut.String())
	}

	// A long query is interrupted, and nothing after it runs.
	errOut.Reset()
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	failures = RunScript(ctx, db, "s.sql", "SELECT count(*) FROM range(1000000000000);\nSELECT 2;", &out, &errOut, nil)
	if failures != 1 || errOut.String() != "s.sql:1: Error: interrupted\n" || out.Len() != 0 {
		t.Errorf("canceled during: failures=%d stdout=%q stderr=%q", failures, out.String(), errOut.String())
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("interrupting took %v", d)
	}
}

func TestSessionCarriesOptionsAcrossScripts(t *testing.T) {
	db := openDB(t)
	var out, errOut strings.Builder
	s, err := NewSession(context.Background(), db, &out, &errOut, &Options{Mode: "json"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.RunScript(context.Background(), "a.sql", "CREATE TEMP TABLE t AS SELECT 1 AS x;\n.mode csv")
	if n := s.RunScript(context.Background(), "b.sql", "SELECT * FROM t;\nSELECT nope;"); n != 1 {
		t.Errorf("second script: %d failures, want 1", n)
	}
	if out.String() != "x\r\n1\r\n" || s.Options().Mode != "csv" || s.Failures() != 1 {
		t.Errorf("stdout=%q mode=%q failures=%d", out.String(), s.Options().Mode, s.Failures())
	}
}

// An unknown dot command names the nearest one when one is close.
func TestUnknownDotSuggests(t *testing.T) {
	_, errOut, failures := run(t, "s.sql", ".tabels\n.modl csv\n.frobnicate\n", nil)
	want := `s.sql:1: Error: unknown dot command ".tabels" (did you mean .tables? see .help)
s.sql:2: Error: unknown dot command ".modl" (did you mean .mode? see .help)
s.sql:3: Error: unknown dot command ".frobnicate" (see .help)
`
	if failures != 3 || errOut != want {
		t.Errorf("failures=%d stderr\n%s\nwant\n%s", failures, errOut, want)
	}
}

// DuckDB rejects a named argument a function does not declare before the
// function sees the call; for ducksight's functions (the Env's Functions)
// the shell and the batch runner say it in the function's terms. Here
// read_csv and range stand for ducksight's functions: the rewrite reads
// only DuckDB's text and the Functions.
func TestUnknownNamedArgument(t *testing.T) {
	funcs := []FunctionInfo{
		{Name: "read_csv", Named: []string{"header", "delim", "columns"}},
		{Name: "range"},
	}
	s, _, stderr := session(t, "", funcs, nil)
	src := `SELECT * FROM read_csv('x.csv', hedaer := true);
SELECT * FROM range(3, foo := 1);
SELECT * FROM read_json('x.json', hedaer := true);
`
	if n := s.RunScript(context.Background(), "s.sql", src); n != 3 {
		t.Errorf("failures = %d, want 3", n)
	}
	got := stderr.String()
	for _, want := range []string{
		`s.sql:1: Error: Binder Error: read_csv: unknown argument "hedaer" (did you mean header?); its named arguments: header, delim, columns

LINE 1: SELECT * FROM read_csv('x.csv', hedaer := true)`,
		`s.sql:2: Error: Binder Error: range: unknown argument "foo"; it takes no named arguments`,
		// Not one of the Functions: DuckDB's own text.
		`s.sql:3: Error: Binder Error: Invalid named parameter "hedaer" for function read_json
Candidates:`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks\n%s\nstderr:\n%s", want, got)
		}
	}
	if rewritten, _, _ := strings.Cut(got, "s.sql:3:"); strings.Contains(rewritten, "Candidates:") {
		t.Errorf("a rewritten error still lists DuckDB's candidates:\n%s", got)
	}

	// The interactive shell runs what was typed as a script without a name.
	stderr.Reset()
	s.RunScript(context.Background(), "", "SELECT * FROM read_csv('x.csv', delimm := ',');")
	if want := `Error: Binder Error: read_csv: unknown argument "delimm" (did you mean delim?); its named arguments: header, delim, columns`; !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("interactive: stderr = %q, want it to start with %q", stderr.String(), want)
	}

	// Execute returns the rewritten error, which still wraps DuckDB's.
	err := s.Execute(context.Background(), "", Statement{Text: "SELECT * FROM range(3, foo := 1)"})
	if err == nil || !strings.HasPrefix(err.Error(), `Binder Error: range: unknown argument "foo"`) || !errors.Is(err, dserr.InvalidArgument) {
		t.Errorf("Execute: %v", err)
	}
}
