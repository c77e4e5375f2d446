//go:build duckdb_arrow

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests run the real ducksight binary, built once per test run, as a
// user would: arguments, standard input, exit status, and files.

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// ducksightBinary builds cmd/ducksight once per test run and returns its path.
func ducksightBinary(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ducksight-cli")
		if err != nil {
			cliErr = err
			return
		}
		cliPath = filepath.Join(dir, "ducksight")
		if out, err := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", cliPath, ".").CombinedOutput(); err != nil {
			cliErr = errors.New(err.Error() + "\n" + string(out))
		}
	})
	if cliErr != nil {
		t.Fatalf("building ducksight: %v", cliErr)
	}
	return cliPath
}

// cli runs ducksight with args in dir, stdin as its standard input, and
// returns its exit status, stdout and stderr.
//
// csv rows end with CRLF (RFC 4180): cli turns every CRLF of stdout into
// LF, since most tests use csv as a plain format and check statements, not
// line endings; cliRaw keeps stdout as it is (TestCLIOutputModes).
func cli(t *testing.T, dir, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	code, stdout, stderr = cliRaw(t, dir, stdin, args...)
	return code, strings.ReplaceAll(stdout, "\r\n", "\n"), stderr
}

func cliRaw(t *testing.T, dir, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(ducksightBinary(t), args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running ducksight: %v", err)
	}
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// modesQuery has a value of each kind the modes treat differently.
const modesQuery = `SELECT 1 AS i, 'a,b' AS s, NULL AS n, 2.50::DECIMAL(4,2) AS d, [1,2] AS l,
  {'k': 'v "q"'} AS st, DATE '2024-01-02' AS dt, MAP {'x': 1.5} AS m
UNION ALL SELECT 2, '', 'x', -1, [], NULL, NULL, NULL ORDER BY i`

func TestCLIOutputModes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-box"}, `┌───────┬─────────┬─────────┬───────────────┬─────────┬───────────────────┬────────────┬────────────────────────────┐
│   i   │    s    │    n    │       d       │    l    │        st         │     dt     │             m              │
│ int32 │ varchar │ varchar │ decimal(12,2) │ int32[] │ struct(k varchar) │    date    │ map(varchar, decimal(2,1)) │
├───────┼─────────┼─────────┼───────────────┼─────────┼───────────────────┼────────────┼────────────────────────────┤
│     1 │ a,b     │ NULL    │          2.50 │ [1, 2]  │ {'k': 'v "q"'}    │ 2024-01-02 │ {x=1.5}                    │
│     2 │         │ x       │         -1.00 │ []      │ NULL              │ NULL       │ NULL                       │
└───────┴─────────┴─────────┴───────────────┴─────────┴───────────────────┴────────────┴────────────────────────────┘
`},
		{[]string{"-table"}, `+---+-----+------+-------+--------+----------------+------------+---------+
| i |  s  |  n   |   d   |   l    |       st       |     dt     |    m    |
+---+-----+------+-------+--------+----------------+------------+---------+
| 1 | a,b | NULL |  2.50 | [1, 2] | {'k': 'v "q"'} | 2024-01-02 | {x=1.5} |
| 2 |     | x    | -1.00 | []     | NULL           | NULL       | NULL    |
+---+-----+------+-------+--------+----------------+------------+---------+
`},
		{[]string{"-markdown"}, `| i   | s   | n    | d     | l      | st             | dt         | m       |
|----:|-----|------|------:|--------|----------------|------------|---------|
|   1 | a,b | NULL |  2.50 | [1, 2] | {'k': 'v "q"'} | 2024-01-02 | {x=1.5} |
|   2 |     | x    | -1.00 | []     | NULL           | NULL       | NULL    |
`},
		{[]string{"-line"}, `    i = 1
    s = a,b
    n = NULL
    d = 2.50
    l = [1, 2]
   st = {'k': 'v "q"'}
   dt = 2024-01-02
    m = {x=1.5}

    i = 2
    s = 
    n = x
    d = -1.00
    l = []
   st = NULL
   dt = NULL
    m = NULL
`},
		{[]string{"-list"}, "i|s|n|d|l|st|dt|m\n1|a,b||2.50|[1, 2]|{'k': 'v \"q\"'}|2024-01-02|{x=1.5}\n2||x|-1.00|[]|||\n"},
		{[]string{"-tabs"}, "i\ts\tn\td\tl\tst\tdt\tm\n1\ta,b\t\t2.50\t[1, 2]\t{'k': 'v \"q\"'}\t2024-01-02\t{x=1.5}\n2\t\tx\t-1.00\t[]\t\t\t\n"},
		// RFC 4180: CRLF after every record, quoted when needed, "" inside
		// quotes, "" for an empty string and nothing for NULL.
		{[]string{"-csv"}, "i,s,n,d,l,st,dt,m\r\n1,\"a,b\",,2.50,\"[1, 2]\",\"{'k': 'v \"\"q\"\"'}\",2024-01-02,{x=1.5}\r\n2,\"\",x,-1.00,[],,,\r\n"},
		{[]string{"-csv", "-noheader"}, "1,\"a,b\",,2.50,\"[1, 2]\",\"{'k': 'v \"\"q\"\"'}\",2024-01-02,{x=1.5}\r\n2,\"\",x,-1.00,[],,,\r\n"},
		// Typed JSON: numbers (DECIMAL too), null, nested values, dates as strings.
		{[]string{"-json"}, `[{"i":1,"s":"a,b","n":null,"d":2.50,"l":[1,2],"st":{"k":"v \"q\""},"dt":"2024-01-02","m":{"x":1.5}},
{"i":2,"s":"","n":"x","d":-1.00,"l":[],"st":null,"dt":null,"m":null}]
`},
		{[]string{"-jsonlines"}, `{"i":1,"s":"a,b","n":null,"d":2.50,"l":[1,2],"st":{"k":"v \"q\""},"dt":"2024-01-02","m":{"x":1.5}}
{"i":2,"s":"","n":"x","d":-1.00,"l":[],"st":null,"dt":null,"m":null}
`},
	} {
		code, out, errOut := cliRaw(t, t.TempDir(), "", append(tc.args, "-c", modesQuery)...)
		if code != 0 || out != tc.want || errOut != "" {
			t.Errorf("%v: code=%d stderr=%q\nstdout\n%s\nwant\n%s", tc.args, code, errOut, out, tc.want)
		}
	}
	// -json: one array per statement's result.
	code, out, _ := cli(t, t.TempDir(), "", "-json", "-c", "SELECT 1 AS a; SELECT 2 AS b WHERE false; SELECT 3 AS c")
	if code != 0 || out != "[{\"a\":1}]\n[]\n[{\"c\":3}]\n" {
		t.Errorf("-json, three statements: code=%d stdout=%q", code, out)
	}
}

func TestCLIExitCodes(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := cli(t, dir, "", "-csv", "-c", "SELECT 42 AS x"); code != 0 || out != "x\n42\n" || errOut != "" {
		t.Errorf("success: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// A failing statement: 1, and the rest still runs without -bail.
	code, out, errOut := cli(t, dir, "SELECT nope;\nSELECT 2 AS y;\n", "-csv")
	if code != 1 || out != "y\n2\n" || !strings.HasPrefix(errOut, `<stdin>:1: Error: Binder Error: Referenced column "nope" was not found`) {
		t.Errorf("failure: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// -bail stops at it.
	code, out, errOut = cli(t, dir, "SELECT nope;\nSELECT 2 AS y;\n", "-csv", "-bail")
	if code != 1 || out != "" || strings.Count(errOut, "<stdin>:") != 1 {
		t.Errorf("-bail: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// A wrong command line: usage on stderr, 2, nothing run.
	for _, args := range [][]string{{"-nosuchoption", "-c", "SELECT 1"}, {"-maxrows", "x"}, {"a.db", "SELECT 1", "extra"}} {
		code, out, errOut = cli(t, dir, "", args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "Usage: ducksight [OPTIONS] [DBFILE [SQL]]") {
			t.Errorf("%v: code=%d stdout=%q stderr=%q", args, code, out, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a.db")); !os.IsNotExist(err) {
		t.Errorf("a bad command line created its DBFILE (%v)", err)
	}
	for _, h := range []string{"-h", "-help"} {
		code, _, errOut = cli(t, dir, "", h)
		if code != 0 || !strings.Contains(errOut, "-readonly") || !strings.Contains(errOut, "-cmd SQL") {
			t.Errorf("%s: code=%d stderr=%q", h, code, errOut)
		}
	}
	// A missing -f file.
	code, out, errOut = cli(t, dir, "", "-f", "missing.sql")
	if code != 1 || out != "" || errOut != "missing.sql: Error: cannot read script: no such file or directory\n" {
		t.Errorf("missing -f: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// .quit ends the run without failing it.
	code, out, errOut = cli(t, dir, "SELECT 1 AS a;\n.quit\nSELECT nope;\n", "-csv")
	if code != 0 || out != "a\n1\n" || errOut != "" {
		t.Errorf(".quit: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
}

func TestCLIErrorLines(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "main.sql"), `-- main
SELECT 'one' AS a;

SELECT *
  FROM missing_table;
.read sub/part.sql
.nosuchcommand
SELECT 'end' AS a;
`)
	writeFile(t, filepath.Join(dir, "sub", "part.sql"), "SELECT 'part' AS a;\n/* two\n   lines */ SELECT 1 +;\n")
	code, out, errOut := cli(t, dir, "", "-csv", "-noheader", "-f", "main.sql")
	if code != 1 || out != "one\npart\nend\n" {
		t.Errorf("code=%d stdout=%q", code, out)
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	var errs []string
	for _, l := range lines {
		if strings.Contains(l, ": Error: ") {
			errs = append(errs, l)
		}
	}
	want := []string{
		"main.sql:4: Error: Catalog Error: Table with name missing_table does not exist!",
		filepath.Join("sub", "part.sql") + ":3: Error: Parser Error: syntax error at or near \";\"",
		`main.sql:7: Error: unknown dot command ".nosuchcommand" (see .help)`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors:\n%s\nwant %d", errOut, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(errs[i], want[i]) {
			t.Errorf("error %d = %q, want it to start with %q", i, errs[i], want[i])
		}
	}
}

func TestCLIOutputAndOnce(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, dir, `.mode csv
.output all.csv
SELECT 1 AS a;
SELECT 2 AS b;
.output
SELECT 'stdout' AS s;
.once one.json
.mode json
SELECT 3 AS c;
SELECT 'stdout again' AS s;
`)
	if code != 0 || out != "s\nstdout\n[{\"c\":3}]\n[{\"s\":\"stdout again\"}]\n" || errOut != "" {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	if got := readFile(t, filepath.Join(dir, "all.csv")); got != "a\r\n1\r\nb\r\n2\r\n" {
		t.Errorf("all.csv = %q", got)
	}
	// .once applies to the command after it, which is .mode here: the file
	// is made, and the SELECT after goes to stdout.
	if got := readFile(t, filepath.Join(dir, "one.json")); got != "" {
		t.Errorf("one.json = %q, want empty: .mode took the .once", got)
	}
	code, _, _ = cli(t, dir, ".mode json\n.once one.json\nSELECT 3 AS c;\n")
	if got := readFile(t, filepath.Join(dir, "one.json")); code != 0 || got != "[{\"c\":3}]\n" {
		t.Errorf("code=%d one.json = %q", code, got)
	}
}

func TestCLIOpen(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, dir, `CREATE TABLE first_t AS SELECT 1 AS x;
.open second.duckdb
CREATE TABLE second_t AS SELECT 2 AS y;
.tables
.open first.duckdb
.tables
SELECT x FROM first_t;
.open no/such/dir/third.duckdb
SELECT x FROM first_t;
`, "-csv", "-noheader", "first.duckdb")
	if code != 1 || out != "second_t\nfirst_t\n1\n1\n" {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	if !strings.HasPrefix(errOut, `<stdin>:8: Error: .open: cannot open "no/such/dir/third.duckdb": IO Error: Cannot open file `) || strings.Count(errOut, "<stdin>:") != 1 {
		t.Errorf("stderr = %q", errOut)
	}
	if code, out, _ := cli(t, dir, "", "-csv", "-noheader", "second.duckdb", "SELECT y FROM second_t"); code != 0 || out != "2\n" {
		t.Errorf("second.duckdb: code=%d stdout=%q", code, out)
	}
}

func TestCLITimer(t *testing.T) {
	code, out, errOut := cli(t, t.TempDir(), ".timer on\nSELECT 1 AS a;\n.timer off\nSELECT 2 AS b;\n", "-csv")
	re := regexp.MustCompile(`^a\n1\nRun Time \(s\): real \d+\.\d{3} user \d+\.\d{6} sys \d+\.\d{6}\nb\n2\n$`)
	if code != 0 || !re.MatchString(out) || errOut != "" {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
}

func TestCLIReadOnly(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := cli(t, dir, "", "shop.duckdb", "CREATE TABLE t AS SELECT 1 AS x"); code != 0 {
		t.Fatalf("create: code=%d stderr=%q", code, errOut)
	}
	code, out, errOut := cli(t, dir, "SELECT x FROM t;\nCREATE TABLE u(y INTEGER);\n", "-readonly", "-csv", "shop.duckdb")
	want := `<stdin>:2: Error: Invalid Input Error: Cannot execute statement of type "CREATE" on database "shop" which is attached in read-only mode!`
	if code != 1 || out != "x\n1\n" || !strings.HasPrefix(errOut, want) {
		t.Errorf("code=%d stdout=%q stderr=%q, want it to start with %q", code, out, errOut, want)
	}
	code, _, errOut = cli(t, dir, "", "-readonly", "-c", "SELECT 1")
	if code != 1 || !strings.Contains(errOut, "read-only database needs a file") {
		t.Errorf("-readonly in memory: code=%d stderr=%q", code, errOut)
	}
}

func TestCLINotADatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "notes.txt")
	content := "these are my notes, not a database\n"
	writeFile(t, path, content)
	code, out, errOut := cli(t, dir, "", "notes.txt", "SELECT 1")
	want := `ducksight: Error: cannot open "notes.txt": IO Error: The file "` + path + `" exists, but it is not a valid DuckDB database file!` + "\n"
	if code != 1 || out != "" || errOut != want {
		t.Errorf("code=%d stdout=%q\nstderr %q\nwant   %q", code, out, errOut, want)
	}
	if got := readFile(t, path); got != content {
		t.Errorf("the file changed: %q", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("files next to it: %v (%v)", entries, err)
	}
}

func TestCLICatalogCommands(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, dir, `CREATE TABLE customers AS SELECT * FROM demo_customers(300);
CREATE VIEW premium AS SELECT * FROM customers WHERE plan = 'premium';
SELECT count(*) AS trained FROM train_perceptron('churn', 'customers', label := 'churned',
    exclude := ['purchased_next_30d', 'spend_next_90d', 'true_segment'], epochs := 2, seed := 1);
.print -- tables
.tables
.print -- schema
.schema prem%
.print -- models
.models
.print -- functions
.functions predict
`, "-csv", "shop.duckdb")
	if code != 0 {
		t.Fatalf("code=%d stderr=%q", code, errOut)
	}
	re := regexp.MustCompile(`^trained
1
-- tables
customers  premium
-- schema
CREATE VIEW premium AS SELECT \* FROM customers WHERE \(plan = 'premium'\);
-- models
name,version,task,positive,label,metric,valid_metric,created_at
churn,1,binary,true,churned,auc,[0-9.]+,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.0-9]*
-- functions
table   predict\(model VARCHAR, data VARCHAR, threshold := DOUBLE, version := INTEGER\)
        score data with a stored model: [^\n]+
        argument +type +default +range +meaning
        model +VARCHAR +required +model name
        data +VARCHAR +required +a table, [^\n]+
        threshold +DOUBLE +0\.5 +\[0, 1\] +binary: [^\n]+
        version +INTEGER +the latest +>= 1 +model version
$`)
	if !re.MatchString(out) {
		t.Errorf("stdout\n%s\ndoes not match\n%s", out, re)
	}
	// The model store lives in schema ducksight, which .tables leaves out.
	code, out, _ = cli(t, dir, "", "-csv", "-noheader", "shop.duckdb", "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'ducksight'")
	if code != 0 || out == "0\n" {
		t.Errorf("no table in schema ducksight: code=%d stdout=%q", code, out)
	}
}

// queries/tour.sql (README's run command) and queries/quickstart.sql
// through the built binary give their reviewed output, as TestQueries
// checks in-process. The run time is logged, not asserted (README states
// it as measured).
func TestScriptsThroughBinary(t *testing.T) {
	for _, name := range []string{"tour", "quickstart"} {
		t.Run(name, func(t *testing.T) {
			abs, err := filepath.Abs("../../queries/" + name + ".sql")
			if err != nil {
				t.Fatal(err)
			}
			ducksightBinary(t) // built before the clock starts
			start := time.Now()
			code, stdout, stderr := cli(t, t.TempDir(), "", "-f", abs)
			t.Logf("%s.sql: %.1fs", name, time.Since(start).Seconds())
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if want := readFile(t, strings.TrimSuffix(abs, ".sql")+".out"); stdout != want {
				t.Errorf("%s through the binary differs from queries/%s.out\n--- got ---\n%s\n--- want ---\n%s", name, name, stdout, want)
			}
		})
	}
}

// An unknown named argument of a ducksight function, which DuckDB rejects
// before ducksight sees the call, is said in the function's terms, from
// the registry main passes to the shell.
func TestCLIUnknownNamedArgument(t *testing.T) {
	code, _, errOut := cli(t, t.TempDir(), "", "-c", "SELECT * FROM train_perceptron('m', 'c', label := 'y', hiden := [8])")
	want := `<command>:1: Error: Binder Error: train_perceptron: unknown argument "hiden" (did you mean hidden?); its named arguments: label, `
	if code != 1 || !strings.HasPrefix(errOut, want) || !strings.Contains(errOut, ", hidden, ") || strings.Contains(errOut, "Candidates") {
		t.Errorf("code=%d stderr=%q, want it to start with %q", code, errOut, want)
	}
}

// TestCLIDumpModels checks that .dump carries the stored models: the dump
// of a database with a trained model, run on an empty database, gives a
// model that predicts the same numbers.
func TestCLIDumpModels(t *testing.T) {
	dir := t.TempDir()
	const train = `CREATE TABLE customers AS SELECT * FROM demo_customers(400, seed := 3);
SELECT count(*) FROM train_boosted_trees('churn', 'customers', label := 'churned', trees := 5,
       exclude := ['purchased_next_30d', 'spend_next_90d', 'true_segment']);
`
	const scores = `.mode csv
SELECT customer_id, probability, prediction FROM predict('churn', 'customers') ORDER BY customer_id;
SELECT name, version, task, label FROM models();
`
	writeFile(t, filepath.Join(dir, "train.sql"), train)
	if code, _, errOut := cli(t, dir, "", "-f", "train.sql", "a.db"); code != 0 {
		t.Fatalf("training: %d %s", code, errOut)
	}
	code, want, errOut := cli(t, dir, scores, "a.db")
	if code != 0 || strings.Count(want, "\n") != 403 {
		t.Fatalf("predict: %d %s\n%s", code, errOut, want)
	}
	code, dump, errOut := cli(t, dir, "", "a.db", ".dump")
	if code != 0 || !strings.Contains(dump, "CREATE SCHEMA IF NOT EXISTS \"ducksight\";\n") ||
		!strings.Contains(dump, `INSERT INTO "ducksight"."models" VALUES('churn',1,`) {
		t.Fatalf(".dump: %d %s\n%.2000s", code, errOut, dump)
	}
	writeFile(t, filepath.Join(dir, "dump.sql"), dump)
	if code, _, errOut := cli(t, dir, "", "-f", "dump.sql", "b.db"); code != 0 {
		t.Fatalf("running the dump: %d %s", code, errOut)
	}
	code, got, errOut := cli(t, dir, scores, "b.db")
	if code != 0 || got != want {
		t.Errorf("predict after the dump: %d %s\n%.500s\nwant\n%.500s", code, errOut, got, want)
	}
}

// TestCLIShellFlags checks -version's form, -s, and that scripts do not run
// ~/.ducksightrc.
func TestCLIShellFlags(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := cli(t, dir, "", "-version")
	if code != 0 || !regexp.MustCompile(`^v\d+\.\d+\.\d+\S* \(ducksight\)( [0-9a-f]{12})?\n$`).MatchString(out) {
		t.Errorf("-version: %d %q, want the DuckDB shell's form v1.2.3 (NAME) SOURCE_ID", code, out)
	}
	writeFile(t, filepath.Join(dir, ".ducksightrc"), ".mode json\n")
	cmd := exec.Command(ducksightBinary(t), "-s", "SELECT 1 AS a")
	cmd.Env = append(os.Environ(), "HOME="+dir)
	b, err := cmd.Output()
	if err != nil || !strings.HasPrefix(string(b), "┌") {
		t.Errorf("-s with a ~/.ducksightrc: %v %q", err, b)
	}
}
