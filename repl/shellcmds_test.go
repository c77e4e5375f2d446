package repl

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestDotImport(t *testing.T) {
	dir := t.TempDir()
	// A file name with a quote and a table name with quotes and a space:
	// both reach DuckDB intact, neither as SQL.
	csv := filepath.Join(dir, "it's.csv")
	write(t, csv, "id,name,score\n1,ann,0.5\n2,\"bo, b\",1.25\n")
	src := `.import "` + csv + `" 'my "t" x'
.import "` + csv + `" 'MY "T" X'
.mode csv
SELECT typeof(id) AS i, typeof(score) AS s, count(*) AS n, sum(score) AS total FROM "my ""t"" x" GROUP BY ALL;
SELECT name FROM "my ""t"" x" ORDER BY id, name;
`
	out, errOut, failures := run(t, "i.sql", src, nil)
	// Created with read_csv's detected types, then appended to (the second
	// .import names the same table in other case).
	want := "i,s,n,total\nBIGINT,DOUBLE,4,3.5\nname\nann\nann\n\"bo, b\"\n\"bo, b\"\n"
	if failures != 0 || out != want {
		t.Errorf("failures=%d stderr=%q stdout=%q, want %q", failures, errOut, out, want)
	}

	// Errors name .import and the file.
	missing := filepath.Join(dir, "nope.csv")
	_, errOut, failures = run(t, "i.sql", ".import '"+missing+"' t\n.import\n", nil)
	if failures != 2 || !strings.Contains(errOut, "i.sql:1: Error: .import "+missing+": no such file or directory\n") ||
		!strings.Contains(errOut, "i.sql:2: Error: usage: .import FILE TABLE") {
		t.Errorf("failures=%d stderr=%q", failures, errOut)
	}
	// Appending rows that do not fit the table fails, and adds nothing.
	bad := filepath.Join(dir, "bad.csv")
	write(t, bad, "a,b,c,d\nx,y,z,w\n")
	out, errOut, failures = run(t, "i.sql", "CREATE TABLE t(a INTEGER);\n.import '"+bad+"' t\n.mode csv\nSELECT count(*) AS n FROM t;\n", nil)
	if failures != 1 || !strings.HasPrefix(errOut, "i.sql:2: Error: .import "+bad+": ") || out != "n\n0\n" {
		t.Errorf("failures=%d stderr=%q stdout=%q", failures, errOut, out)
	}
}

func TestDotShellAndCd(t *testing.T) {
	dir := t.TempDir()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chdir(wd) })
	out, errOut, failures := run(t, "s.sql", `.shell echo 'a  b' "*"
.system printf '%s\n' x
.cd '`+dir+`'
.shell pwd
.shell exit 3
.cd `+filepath.Join(dir, "none")+`
.print after
`, nil)
	realDir, _ := filepath.EvalSymlinks(dir)
	// A word with spaces goes to the shell as it is, one without in double
	// quotes: the spaces of 'a  b' stay, and * does not glob.
	want := "a b *\nx\n" + realDir + "\nafter\n"
	if out != want && out != "a b *\nx\n"+dir+"\nafter\n" {
		t.Errorf("stdout=%q, want %q", out, want)
	}
	if failures != 1 || !strings.Contains(errOut, "System command returns 3\n") ||
		!strings.Contains(errOut, `s.sql:6: Error: .cd: cannot change to directory "`+filepath.Join(dir, "none")+`": no such file or directory`) {
		t.Errorf("failures=%d stderr=%q", failures, errOut)
	}
	// .shell's output follows .output.
	file := filepath.Join(dir, "o.txt")
	_, errOut, _ = run(t, "s.sql", ".output '"+file+"'\n.shell echo hi\n.output\n", nil)
	if b, _ := os.ReadFile(file); string(b) != "hi\n" || errOut != "" {
		t.Errorf(".shell under .output: file=%q stderr=%q", b, errOut)
	}
}

func TestDotDatabases(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	out, errOut, failures := run(t, "d.sql", ".mode csv\nATTACH '"+other+"' AS o;\n.databases\n", nil)
	want := "name,file\nmemory,\no," + other + "\n" // in memory: NULL
	if failures != 0 || out != want {
		t.Errorf("failures=%d stderr=%q stdout=%q, want %q", failures, errOut, out, want)
	}
}

func TestDotPrompt(t *testing.T) {
	s, _, _ := session(t, "", nil, nil)
	if m, c := s.prompts(); m != "D " || c != "· " {
		t.Errorf("default prompts %q %q", m, c)
	}
	s.RunScript(context.Background(), "p.sql", ".prompt 'sql> '\n")
	if m, c := s.prompts(); m != "sql> " || c != "· " {
		t.Errorf("after .prompt MAIN: %q %q", m, c)
	}
	s.RunScript(context.Background(), "p.sql", ".prompt '> ' '.. '\n")
	if m, c := s.prompts(); m != "> " || c != ".. " {
		t.Errorf("after .prompt MAIN CONTINUE: %q %q", m, c)
	}
}

func TestDotChanges(t *testing.T) {
	src := `CREATE TABLE t(x INTEGER);
INSERT INTO t VALUES (1), (2), (3);
.changes on
INSERT INTO t VALUES (4), (5);
SELECT count(*) AS n FROM t;
UPDATE t SET x = x + 1 WHERE x > 3;
DELETE FROM t;
INSERT INTO t SELECT * FROM range(12);
.changes off
INSERT INTO t VALUES (0);
`
	out, errOut, failures := run(t, "c.sql", src, &Options{Mode: "csv"})
	// The total counts from .changes on, as in the DuckDB shell, which
	// counts every statement's changes: 3 were before.
	want := "changes:   2   total_changes: 5\nn\n5\nchanges:   2   total_changes: 7\nchanges:   5   total_changes: 12\nchanges:  12   total_changes: 24\n"
	if failures != 0 || out != want {
		t.Errorf("failures=%d stderr=%q stdout=%q, want %q", failures, errOut, out, want)
	}
}

// dumpSetup has the values a dump must give back exactly.
const dumpSetup = `CREATE TABLE t(id INTEGER PRIMARY KEY, d DOUBLE, f FLOAT, b BLOB, l VARCHAR[], s STRUCT("a b" VARCHAR, c INTEGER[]),
  m MAP(VARCHAR, DOUBLE), v VARCHAR, h HUGEINT, u UBIGINT, dec DECIMAL(18,3), ts TIMESTAMP, i INTERVAL, e ENUM('x', 'y'), j JSON, ar DOUBLE[3]);
INSERT INTO t VALUES
  (1, 0.1::DOUBLE + 0.2::DOUBLE, 0.1::FLOAT, '\x00\x5C\x27ab\xFF'::BLOB, ['it''s', 'a, b', '[x]', NULL, 'NULL', '', ' sp ', 'back\slash'],
   {'a b': 'x''y, z', 'c': [1, NULL]}, MAP {'k''1': 1e-300, 'k,2': 'nan'::DOUBLE}, 'line1
line2 ''q''' || chr(13) || chr(0), 170141183460469231731687303715884105727, 18446744073709551615, -1.234,
   '2024-01-02 03:04:05.123456', INTERVAL 3 DAY + INTERVAL 5 MICROSECOND, 'y', '{"a": [1, 2.5]}', [1.5, -0.0, 'inf'::DOUBLE]),
  (2, '-0.0'::DOUBLE, '-inf'::FLOAT, '', [], {'a b': NULL, 'c': []}, MAP {}, '', -170141183460469231731687303715884105727, 0, 0,
   NULL, NULL, NULL, NULL, NULL),
  (3, 5e-324, 3.4028235e38::FLOAT, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'x', NULL, [NULL, NULL, 2]);
CREATE SCHEMA other;
CREATE TABLE other."we ird"("a""b" INTEGER);
INSERT INTO other."we ird" VALUES (7);
CREATE VIEW v2 AS SELECT id FROM v1;
`

func TestDotDump(t *testing.T) {
	// A view made after the view it reads: views follow tables, in the
	// order they were made.
	setup := strings.Replace(dumpSetup, "CREATE VIEW v2", "CREATE VIEW v1 AS SELECT * FROM t WHERE id > 1;\nCREATE INDEX t_v ON t(v);\nCREATE VIEW v2", 1)
	s, out, errOut := session(t, "", nil, &Options{Mode: "csv"})
	ctx := context.Background()
	if s.RunScript(ctx, "setup.sql", setup+".dump\n") != 0 {
		t.Fatalf("setup: %s", errOut)
	}
	dump := out.String()
	lines := strings.Split(strings.TrimSuffix(dump, "\n"), "\n")
	if lines[0] != "BEGIN TRANSACTION;" || lines[len(lines)-1] != "COMMIT;" {
		t.Errorf("dump does not begin and end a transaction:\n%s", dump)
	}
	order := []string{"CREATE SCHEMA IF NOT EXISTS \"other\";", "CREATE TABLE t(", `INSERT INTO "t" VALUES(1,'0.30000000000000004',`,
		`CREATE TABLE other."we ird"`, `INSERT INTO "other"."we ird" VALUES(7);`, "CREATE VIEW v1", "CREATE VIEW v2", "CREATE INDEX t_v"}
	at := 0
	for _, w := range order {
		i := strings.Index(dump[at:], w)
		if i < 0 {
			t.Fatalf("dump lacks %q after byte %d:\n%s", w, at, dump)
		}
		at += i
	}
	// One line per statement: the newline, CR and NUL of v are chr() calls.
	if !strings.Contains(dump, `concat('line1', chr(10), 'line2 ''q''', chr(13), '', chr(0), '')`) {
		t.Errorf("text with newlines:\n%s", dump)
	}

	// The dump run on an empty database gives back the same rows, bit for
	// bit: compare them as DuckDB prints them, and the doubles' bits.
	fresh, _, freshErr := session(t, "", nil, &Options{Mode: "csv"})
	if fresh.RunScript(ctx, "dump.sql", dump) != 0 {
		t.Fatalf("running the dump: %s", freshErr)
	}
	const rowsQuery = `SELECT list(t::VARCHAR ORDER BY id)::VARCHAR || list(f::VARCHAR ORDER BY id)::VARCHAR ||
  list(d::VARCHAR || signbit(d)::VARCHAR ORDER BY id)::VARCHAR || (SELECT list(x::VARCHAR) FROM other."we ird" x)::VARCHAR ||
  (SELECT list(id ORDER BY id) FROM v2)::VARCHAR FROM t`
	got, want := scalarString(t, fresh, rowsQuery), scalarString(t, s, rowsQuery)
	if got != want {
		t.Errorf("after the dump:\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(want, "-0.0true") {
		t.Errorf("-0.0 lost its sign in the original?\n%s", want)
	}
	// .dump TABLE... dumps the tables matching the patterns only.
	out.Reset()
	s.RunScript(ctx, "d.sql", ".dump 'we%' nothing\n")
	got = out.String()
	want = "BEGIN TRANSACTION;\nCREATE SCHEMA IF NOT EXISTS \"other\";\nCREATE TABLE other.\"we ird\"(\"a\"\"b\" INTEGER);\nINSERT INTO \"other\".\"we ird\" VALUES(7);\nCOMMIT;\n"
	if got != want {
		t.Errorf(".dump 'we%%':\n%s\nwant\n%s", got, want)
	}
}

// scalarString runs query in s and returns its one value as text.
func scalarString(t *testing.T, s *Session, query string) string {
	t.Helper()
	var v string
	if err := s.conn.QueryRowContext(context.Background(), query).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

func TestCompleteDataArgument(t *testing.T) {
	funcs := []FunctionInfo{
		{Name: "evaluate", TakesModel: true, Args: []ArgInfo{{Name: "model"}, {Name: "data"}, {Name: "threshold"}}},
		{Name: "profile", Args: []ArgInfo{{Name: "data"}}},
	}
	s, _, errOut := session(t, "", funcs, nil)
	if s.RunScript(context.Background(), "setup.sql", `CREATE TABLE telco(x INTEGER);
CREATE VIEW tele_view AS SELECT 1 AS y;
CREATE TABLE "it's"(z INTEGER);
CREATE TABLE other(o INTEGER);
`) != 0 {
		t.Fatal(errOut)
	}
	c := &completer{s: s, funcs: funcs}
	for _, tc := range []struct {
		line, head string
		cands      []string
	}{
		{"SELECT * FROM evaluate('churn', 'tel", "SELECT * FROM evaluate('churn', '", []string{"telco'", "tele_view'"}},
		{"SELECT * FROM evaluate('churn', 'TELC", "SELECT * FROM evaluate('churn', '", []string{"telco'"}},
		{"FROM profile('it", "FROM profile('", []string{"it''s'"}},
		{"FROM profile('", "FROM profile('", []string{"it''s'", "other'", "telco'", "tele_view'"}},
		// Not in other string literals: the model argument, a named
		// argument's string, a string outside ducksight calls.
		{"FROM evaluate('tel", "FROM evaluate('tel", nil},
		{"FROM evaluate('m', 'telco', threshold := 'tel", "FROM evaluate('m', 'telco', threshold := 'tel", nil},
		{"SELECT 'tel", "SELECT 'tel", nil},
		{"SELECT lower('tel", "SELECT lower('tel", nil},
	} {
		head, cands, tail := c.complete(tc.line, len(tc.line))
		if head != tc.head || !slices.Equal(cands, tc.cands) || tail != "" {
			t.Errorf("complete(%q) = %q, %q, %q; want %q, %q", tc.line, head, cands, tail, tc.head, tc.cands)
		}
	}
	// A string begun on an earlier line of the statement is not completed.
	c.pending = func() string { return "SELECT * FROM evaluate('churn', 'te\n" }
	if _, cands, _ := c.complete("l", 1); cands != nil {
		t.Errorf("across lines: %q", cands)
	}
}

var versionRE = regexp.MustCompile(`^v1\.2\.3-test \(ducksight\)( [0-9a-f]{12})?\n$`)

func TestMainShellFlags(t *testing.T) {
	code, out, _ := runMain(t, "", "-version")
	if code != 0 || !versionRE.MatchString(out) {
		t.Errorf("-version: code=%d stdout=%q", code, out)
	}
	// -s is -c.
	code, out, errOut := runMain(t, "SELECT 'stdin' AS s;", "-csv", "-s", "SELECT 1 AS a", "-c", "SELECT 2 AS b")
	if code != 0 || out != "a\n1\nb\n2\n" || errOut != "" {
		t.Errorf("-s: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// -no-stdin: -cmd runs, the script on stdin does not.
	code, out, _ = runMain(t, "SELECT 'stdin' AS s;", "-csv", "-no-stdin", "-cmd", "SELECT 1 AS a")
	if code != 0 || out != "a\n1\n" {
		t.Errorf("-no-stdin: code=%d stdout=%q", code, out)
	}
	// -batch reads stdin as a script (here it is no terminal anyway).
	code, out, _ = runMain(t, "SELECT 'stdin' AS s;", "-csv", "-batch")
	if code != 0 || out != "s\nstdin\n" {
		t.Errorf("-batch: code=%d stdout=%q", code, out)
	}
}

func TestMainInit(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	write(t, filepath.Join(home, ".ducksightrc"), ".mode csv\nCREATE TABLE from_rc AS SELECT 1 AS x;\n")
	// Scripts (-c, -s, stdin, -batch) do not run ~/.ducksightrc.
	for _, args := range [][]string{{"-c", "SELECT 1 AS a"}, {"-s", "SELECT 1 AS a"}, {"-batch"}, {":memory:", "SELECT 1 AS a"}} {
		code, out, errOut := runMain(t, "SELECT 1 AS a;", args...)
		if code != 0 || strings.Contains(out, "a\n1\n") || errOut != "" {
			t.Errorf("%q ran the rc file: code=%d stdout=%q stderr=%q", args, code, out, errOut)
		}
	}
	// -init FILE runs FILE before -cmd and the scripts.
	init := filepath.Join(dir, "init.sql")
	write(t, init, ".mode csv\nCREATE TABLE t AS SELECT 42 AS x;\n")
	code, out, errOut := runMain(t, "", "-init", init, "-cmd", "INSERT INTO t VALUES (43);", "-c", "SELECT sum(x) AS s FROM t")
	if code != 0 || out != "s\n85\n" || errOut != "" {
		t.Errorf("-init: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// Command-line options come after the file: -json beats its .mode csv.
	code, out, _ = runMain(t, "", "-init", init, "-json", "-c", "SELECT x FROM t")
	if code != 0 || out != "[{\"x\":42}]\n" {
		t.Errorf("-init then -json: code=%d stdout=%q", code, out)
	}
	// A flag whose value is its zero value wins too: the file's .headers
	// off gives way to -header, its .bail on to -bail=false.
	hdr := filepath.Join(dir, "headers.sql")
	write(t, hdr, ".headers off\n.bail on\n")
	code, out, _ = runMain(t, "", "-init", hdr, "-header", "-bail=false", "-csv", "-c", "SELECT nope", "-c", "SELECT 1 AS a")
	if code != 1 || out != "a\n1\n" {
		t.Errorf("-init then -header -bail=false: code=%d stdout=%q, want the header and the second statement", code, out)
	}
	// An error in it is reported with its name and line, and stops it; the
	// run goes on (and fails).
	write(t, init, "CREATE TABLE before_error(x INTEGER);\n\nSELECT nope;\nCREATE TABLE after_error(x INTEGER);\n")
	code, out, errOut = runMain(t, "", "-init", init, "-csv", "-c", "SELECT string_agg(table_name, ' ') AS t FROM duckdb_tables()")
	if code != 1 || out != "t\nbefore_error\n" || !strings.HasPrefix(errOut, init+":3: Error: Binder Error: ") {
		t.Errorf("error in -init: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// With -bail, it ends the run.
	code, out, errOut = runMain(t, "", "-bail", "-init", init, "-csv", "-c", "SELECT 1 AS a")
	if code != 1 || out != "" || !strings.Contains(errOut, "ducksight: Error: errors in the start-up file "+init+"; exiting\n") {
		t.Errorf("error in -init with -bail: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// A missing -init file is an error; -no-init skips it.
	code, _, errOut = runMain(t, "", "-init", filepath.Join(dir, "none.sql"), "-c", "SELECT 1")
	if code != 1 || !strings.Contains(errOut, "none.sql: Error: cannot read start-up file: no such file or directory") {
		t.Errorf("missing -init: code=%d stderr=%q", code, errOut)
	}
	code, _, errOut = runMain(t, "", "-no-init", "-init", filepath.Join(dir, "none.sql"), "-c", "SELECT 1")
	if code != 0 || errOut != "" {
		t.Errorf("-no-init: code=%d stderr=%q", code, errOut)
	}
}

func TestStartupFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if got := startupFile("", false, true); got != "" {
		t.Errorf("no rc file: %q", got)
	}
	rc := filepath.Join(home, ".ducksightrc")
	write(t, rc, "")
	for _, tc := range []struct {
		init                string
		noInit, interactive bool
		want                string
	}{
		{"", false, true, rc},
		{"", false, false, ""},
		{"x.sql", false, false, "x.sql"},
		{"x.sql", false, true, "x.sql"},
		{"x.sql", true, true, ""},
		{"", true, true, ""},
	} {
		if got := startupFile(tc.init, tc.noInit, tc.interactive); got != tc.want {
			t.Errorf("startupFile(%q, %v, %v) = %q, want %q", tc.init, tc.noInit, tc.interactive, got, tc.want)
		}
	}
}
