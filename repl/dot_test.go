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

// session opens a session on the database file path ("" in memory) that
// owns its database, with duckOpener and the functions funcs.
func session(t *testing.T, path string, funcs []FunctionInfo, opts *Options) (s *Session, stdout, stderr *strings.Builder) {
	t.Helper()
	stdout, stderr = new(strings.Builder), new(strings.Builder)
	env := Env{Stdout: stdout, Stderr: stderr, Open: duckOpener, Functions: funcs}
	s, err := OpenSession(context.Background(), env, path, OpenOptions{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, stdout, stderr
}

const catalogSetup = `CREATE TABLE zeta(x INTEGER, y VARCHAR);
CREATE TABLE alpha(id INTEGER PRIMARY KEY);
CREATE VIEW beta AS SELECT id FROM alpha;
CREATE INDEX zeta_x ON zeta(x);
CREATE SCHEMA other;
CREATE TABLE other.gamma(g DOUBLE);
CREATE SCHEMA ducksight;
CREATE TABLE ducksight.hidden(h INTEGER);
CREATE TEMP TABLE scratch(s INTEGER);
`

func TestDotTables(t *testing.T) {
	out, errOut, failures := run(t, "t.sql", catalogSetup+`.tables
.print --
.tables %ta
.print --
.tables other.%
.print --
.tables nothing%
`, nil)
	want := `alpha        beta         other.gamma  scratch      zeta
--
beta  zeta
--
other.gamma
--
`
	if failures != 0 || out != want {
		t.Errorf("failures=%d stderr=%q\nstdout\n%s\nwant\n%s", failures, errOut, out, want)
	}
}

func TestColumns(t *testing.T) {
	names := []string{"a", "bb", "ccc", "dddd", "e", "f", "g"}
	// Each name takes 4 columns and 2 between: 3 fit in 16.
	want := "a     dddd  g\nbb    e\nccc   f\n"
	if got := columns(names, 16); got != want {
		t.Errorf("columns(16) = %q, want %q", got, want)
	}
	if got := columns(names, 3); got != "a\nbb\nccc\ndddd\ne\nf\ng\n" {
		t.Errorf("columns(3) = %q: want one per line", got)
	}
	if got := columns(nil, 80); got != "" {
		t.Errorf("columns(nil) = %q", got)
	}
}

func TestDotSchema(t *testing.T) {
	out, errOut, failures := run(t, "s.sql", catalogSetup+`.schema
.print --
.schema ZETA
.print --
.schema nope
.schema "x' OR true OR name LIKE '%"
`, nil)
	want := `CREATE TABLE alpha(id INTEGER PRIMARY KEY);
CREATE TABLE other.gamma(g DOUBLE);
CREATE TEMP TABLE scratch(s INTEGER);
CREATE TABLE zeta(x INTEGER, y VARCHAR);
CREATE VIEW beta AS SELECT id FROM alpha;
CREATE INDEX zeta_x ON zeta(x);
--
CREATE TABLE zeta(x INTEGER, y VARCHAR);
CREATE INDEX zeta_x ON zeta(x);
--
`
	if out != want {
		t.Errorf("stdout\n%s\nwant\n%s", out, want)
	}
	// The pattern is a bound parameter: SQL in it matches nothing.
	wantErr := `s.sql:14: Error: .schema: no table or view matches "nope"
s.sql:15: Error: .schema: no table or view matches "x' OR true OR name LIKE '%"
`
	if failures != 2 || errOut != wantErr {
		t.Errorf("failures=%d stderr\n%s\nwant\n%s", failures, errOut, wantErr)
	}
}

func TestDotModels(t *testing.T) {
	// Plain DuckDB has no models(): a table macro stands in for ducksight's.
	src := `.models
CREATE MACRO models() AS TABLE
  SELECT * FROM (VALUES
    ('churn', 2, 'perceptron', 'binary', 'yes', 'churned', ['a'], 'auc', 0.91::DOUBLE, TIMESTAMP '2024-01-02 03:04:05', 'customers'),
    ('churn', 1, 'perceptron', 'binary', 'yes', 'churned', ['a'], 'auc', 0.875, TIMESTAMP '2024-01-01 00:00:00', 'customers'),
    ('price', 1, 'perceptron', 'regression', NULL, 'price', ['b'], 'rmse', 12.5, TIMESTAMP '2024-02-01 00:00:00', 'houses'))
  t(name, version, kind, task, positive, label, features, metric, valid_metric, created_at, data);
.mode csv
.models
.mode json
.models
`
	out, errOut, failures := run(t, "m.sql", src, nil)
	want := `name,version,task,positive,label,metric,valid_metric,created_at
churn,1,binary,yes,churned,auc,0.875,2024-01-01 00:00:00
churn,2,binary,yes,churned,auc,0.91,2024-01-02 03:04:05
price,1,regression,,price,rmse,12.5,2024-02-01 00:00:00
[{"name":"churn","version":1,"task":"binary","positive":"yes","label":"churned","metric":"auc","valid_metric":0.875,"created_at":"2024-01-01T00:00:00"},
{"name":"churn","version":2,"task":"binary","positive":"yes","label":"churned","metric":"auc","valid_metric":0.91,"created_at":"2024-01-02T03:04:05"},
{"name":"price","version":1,"task":"regression","positive":null,"label":"price","metric":"rmse","valid_metric":12.5,"created_at":"2024-02-01T00:00:00"}]
`
	if out != want {
		t.Errorf("stdout\n%s\nwant\n%s", out, want)
	}
	if failures != 1 || !strings.HasPrefix(errOut, "m.sql:1: Error: .models: Catalog Error: Table Function with name models does not exist") {
		t.Errorf("failures=%d stderr=%q", failures, errOut)
	}
}

func TestDotFunctions(t *testing.T) {
	funcs := []FunctionInfo{
		{Name: "predict", Kind: "table", Summary: "score rows with a model", Signature: "predict(model VARCHAR, data VARCHAR, version := INTEGER)"},
		{Name: "score", Kind: "scalar", Summary: "score one row", Signature: "score(model VARCHAR, [version INTEGER], row ANY)"},
		{Name: "models", Kind: "table", Summary: "list models", Signature: "models()"},
	}
	s, out, errOut := session(t, "", funcs, nil)
	s.RunScript(context.Background(), "f.sql", ".functions\n.functions SCO\n.functions nope\n")
	want := `table   predict(model VARCHAR, data VARCHAR, version := INTEGER)
        score rows with a model
scalar  score(model VARCHAR, [version INTEGER], row ANY)
        score one row
table   models()
        list models
scalar  score(model VARCHAR, [version INTEGER], row ANY)
        score one row
`
	if out.String() != want {
		t.Errorf("stdout\n%s\nwant\n%s", out, want)
	}
	if errOut.String() != "f.sql:3: Error: .functions: no function name contains \"nope\"\n" {
		t.Errorf("stderr = %q", errOut)
	}
	// A session that was not told the functions says so.
	_, errOut2, failures := run(t, "f.sql", ".functions", nil)
	if failures != 1 || !strings.Contains(errOut2, "ducksight's functions are not known") {
		t.Errorf("no functions: failures=%d stderr=%q", failures, errOut2)
	}
}

// TestDotFunctionsArgs: .functions NAME shows each matching function's
// arguments with their types, defaults, ranges and meanings, aligned.
func TestDotFunctionsArgs(t *testing.T) {
	funcs := []FunctionInfo{
		{Name: "predict", Kind: "table", Summary: "score rows with a model", Signature: "predict(model VARCHAR, threshold := DOUBLE)",
			Args: []ArgInfo{
				{Name: "model", Type: "VARCHAR", Default: "required", Doc: "model name"},
				{Name: "threshold", Type: "DOUBLE", Default: "0.5", Range: "[0, 1]", Doc: "binary: the cut"},
			}},
		{Name: "models", Kind: "table", Summary: "list models", Signature: "models()"},
	}
	s, out, errOut := session(t, "", funcs, nil)
	s.RunScript(context.Background(), "f.sql", ".functions pred\n.functions models\n.functions\n")
	want := `table   predict(model VARCHAR, threshold := DOUBLE)
        score rows with a model
        argument   type     default   range   meaning
        model      VARCHAR  required          model name
        threshold  DOUBLE   0.5       [0, 1]  binary: the cut
table   models()
        list models
table   predict(model VARCHAR, threshold := DOUBLE)
        score rows with a model
table   models()
        list models
`
	if out.String() != want {
		t.Errorf("stdout\n%s\nwant\n%s", out, want)
	}
	if errOut.String() != "" {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestDotTimer(t *testing.T) {
	out, errOut, failures := run(t, "t.sql", `.mode csv
.timer on
SELECT 1 AS a;
.print between
SELECT nope;
.timer off
SELECT 2 AS b;
.timer maybe
`, nil)
	re := regexp.MustCompile(`^Run Time \(s\): real \d+\.\d{3} user \d+\.\d{6} sys \d+\.\d{6}$`)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 7 {
		t.Fatalf("stdout has %d lines, want 7:\n%s", len(lines), out)
	}
	// The time follows each SQL statement, failed ones too, and no dot command.
	for i, want := range []string{"a", "1", "", "between", "", "b", "2"} {
		if want == "" {
			if !re.MatchString(lines[i]) {
				t.Errorf("line %d = %q, want a run time", i+1, lines[i])
			}
		} else if lines[i] != want {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], want)
		}
	}
	if failures != 2 || !strings.Contains(errOut, "t.sql:5: Error: Binder Error") || !strings.Contains(errOut, `t.sql:8: Error: bad argument: "maybe" (want on or off)`) {
		t.Errorf("failures=%d stderr=%q", failures, errOut)
	}
}

func TestDotOutputAndOnce(t *testing.T) {
	dir := t.TempDir()
	all := filepath.Join(dir, "all.csv")
	once := filepath.Join(dir, "once.txt")
	read := filepath.Join(dir, "read.txt")
	write(t, filepath.Join(dir, "two.sql"), "SELECT 'r1' AS r;\nSELECT 'r2' AS r;\n")
	// A .once at the end of a .read script takes the command after the .read.
	last := filepath.Join(dir, "last.txt")
	write(t, filepath.Join(dir, "last.sql"), ".once "+last+"\n")
	src := `.mode csv
.output ` + all + `
SELECT 1 AS a;
.print printed
SELECT 2 AS b;
.output
SELECT 'stdout 1' AS s;
.once ` + once + `
SELECT 'once' AS o;
SELECT 'stdout 2' AS s;
.once ` + read + `
.read two.sql
SELECT 'stdout 3' AS s;
.once ` + filepath.Join(dir, "failed.txt") + `
SELECT nope;
SELECT 'stdout 4' AS s;
.output ` + filepath.Join(dir, "no", "such", "dir.txt") + `
SELECT 'stdout 5' AS s;
.read last.sql
SELECT 'last' AS l;
SELECT 'stdout 6' AS s;
`
	out, errOut, failures := run(t, filepath.Join(dir, "main.sql"), src, nil)
	if want := "s\nstdout 1\ns\nstdout 2\ns\nstdout 3\ns\nstdout 4\ns\nstdout 5\ns\nstdout 6\n"; out != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
	for path, want := range map[string]string{
		all:                              "a\r\n1\r\nprinted\nb\r\n2\r\n",
		once:                             "o\r\nonce\r\n",
		read:                             "r\r\nr1\r\nr\r\nr2\r\n",
		filepath.Join(dir, "failed.txt"): "",
		last:                             "l\r\nlast\r\n",
	} {
		b, err := os.ReadFile(path)
		if err != nil || string(b) != want {
			t.Errorf("%s = %q (%v), want %q", filepath.Base(path), b, err, want)
		}
	}
	if failures != 2 || !strings.Contains(errOut, "main.sql:15: Error: Binder Error") || !strings.Contains(errOut, "main.sql:17: Error: .output: open ") {
		t.Errorf("failures=%d stderr=%q", failures, errOut)
	}
}

func TestDotOpen(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.duckdb")
	b := filepath.Join(dir, "b.duckdb")
	s, out, errOut := session(t, a, nil, &Options{Mode: "csv", NoHeader: true})
	ctx := context.Background()
	s.RunScript(ctx, "o.sql", `CREATE TABLE in_a AS SELECT 'a' AS v;
CREATE TEMP TABLE tmp AS SELECT 1;
.open `+b+`
CREATE TABLE in_b AS SELECT 'b' AS v;
.tables
.open `+filepath.Join(dir, "missing", "c.duckdb")+`
.tables
.open `+a+`
.tables
SELECT v FROM in_a;
.open `+a+`
SELECT v FROM in_a;
.open
.tables
.print end
`)
	if want := "in_b\nin_b\nin_a\na\r\na\r\nend\n"; out.String() != want {
		t.Errorf("stdout = %q, want %q", out.String(), want)
	}
	wantErr := `o.sql:6: Error: .open: cannot open "` + filepath.Join(dir, "missing", "c.duckdb") + `": `
	if s.Failures() != 1 || !strings.HasPrefix(errOut.String(), wantErr) {
		t.Errorf("failures=%d stderr=%q, want it to start with %q", s.Failures(), errOut.String(), wantErr)
	}
	// The session still owns the in-memory database it opened last; b was
	// closed when a replaced it and can be opened again.
	db, closeDB, err := duckOpener(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	var v string
	if err := db.QueryRow("SELECT v FROM in_b").Scan(&v); err != nil || v != "b" {
		t.Errorf("in_b: %q, %v", v, err)
	}

	// A session without an opener cannot .open.
	_, errOut2, failures := run(t, "o.sql", ".open "+b, nil)
	if failures != 1 || errOut2 != "o.sql:1: Error: .open: no database opener in this session\n" {
		t.Errorf("no opener: failures=%d stderr=%q", failures, errOut2)
	}
}

func TestDotNullValue(t *testing.T) {
	out, errOut, failures := run(t, "n.sql", `.mode csv
SELECT NULL AS a, [1, NULL] AS b;
.nullvalue (null)
SELECT NULL AS a, [1, NULL] AS b;
.mode line
SELECT NULL AS a;
.nullvalue ''
SELECT NULL AS a;
.nullvalue
`, nil)
	want := "a,b\n,\"[1, NULL]\"\na,b\n(null),\"[1, NULL]\"\n    a = (null)\n    a = \n"
	if out != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
	if failures != 1 || errOut != "n.sql:9: Error: usage: .nullvalue TEXT\n" {
		t.Errorf("failures=%d stderr=%q", failures, errOut)
	}
}

func TestDotQuit(t *testing.T) {
	for _, cmd := range []string{".quit", ".exit"} {
		db := openDB(t)
		var out, errOut strings.Builder
		s, err := NewSession(context.Background(), db, &out, &errOut, &Options{Mode: "csv", NoHeader: true})
		if err != nil {
			t.Fatal(err)
		}
		n := s.RunScript(context.Background(), "q.sql", "SELECT 1;\n"+cmd+"\nSELECT 2;\n")
		if n != 0 || !s.Quit() || s.Stopped() || out.String() != "1\r\n" || errOut.Len() != 0 {
			t.Errorf("%s: failures=%d quit=%v stopped=%v stdout=%q stderr=%q", cmd, n, s.Quit(), s.Stopped(), out.String(), errOut.String())
		}
		// Nothing runs after it, in this script or the next.
		s.RunScript(context.Background(), "next.sql", "SELECT 3;")
		if out.String() != "1\r\n" {
			t.Errorf("%s: the session ran on: %q", cmd, out.String())
		}
		s.Close()
	}
	// .quit in a script that .read runs ends the reading script too.
	dir := t.TempDir()
	write(t, filepath.Join(dir, "inner.sql"), "SELECT 'inner';\n.quit\nSELECT 'after quit';\n")
	out, errOut, failures := run(t, filepath.Join(dir, "outer.sql"), ".read inner.sql\nSELECT 'outer';\n", &Options{Mode: "csv", NoHeader: true})
	if failures != 0 || out != "inner\n" || errOut != "" {
		t.Errorf(".read: failures=%d stdout=%q stderr=%q", failures, out, errOut)
	}
	_, errOut, failures = run(t, "q.sql", ".quit now", nil)
	if failures != 1 || errOut != "q.sql:1: Error: usage: .quit\n" {
		t.Errorf(".quit now: failures=%d stderr=%q", failures, errOut)
	}
}

// With the timer on, a failed statement's run time follows its error, as
// in the DuckDB shell (both streams into one writer here).
func TestDotTimerAfterError(t *testing.T) {
	db := openDB(t)
	var both strings.Builder
	failures := RunScript(context.Background(), db, "t.sql", ".timer on\nSELECT nope;\nSELECT 1 AS a;\n", &both, &both, &Options{Mode: "csv"})
	lines := strings.Split(strings.TrimSuffix(lf(both.String()), "\n"), "\n")
	if failures != 1 || len(lines) < 5 {
		t.Fatalf("failures=%d output:\n%s", failures, both.String())
	}
	timer := regexp.MustCompile(`^Run Time \(s\): real `)
	// The error (several lines: DuckDB's caret), then its time, then the
	// next statement's rows.
	errAt := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "t.sql:2: Error: ") })
	first := slices.IndexFunc(lines, timer.MatchString)
	rowsAt := slices.Index(lines, "a")
	if errAt < 0 || !(errAt < first && first < rowsAt) {
		t.Errorf("want the error, its run time, then the next rows:\n%s", both.String())
	}
	if n := len(lines); lines[n-3] != "a" || lines[n-2] != "1" || !timer.MatchString(lines[n-1]) {
		t.Errorf("the successful statement's rows, then its time:\n%s", both.String())
	}
}
