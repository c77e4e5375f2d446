package repl

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// duckOpener opens plain DuckDB, without ducksight's functions.
func duckOpener(_ context.Context, path string, opts ...OpenOptions) (*sql.DB, func() error, error) {
	if len(opts) > 0 && opts[0].ReadOnly {
		path += "?access_mode=read_only"
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return nil, nil, err
	}
	return db, db.Close, nil
}

// runMain runs Main in-process and returns exit code, stdout and stderr.
func runMain(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := Main(context.Background(), args, Env{
		Stdin:   strings.NewReader(stdin),
		Stdout:  &out,
		Stderr:  &errOut,
		Open:    duckOpener,
		Version: "1.2.3-test",
	})
	return code, lf(out.String()), errOut.String()
}

func TestMainCommand(t *testing.T) {
	code, out, errOut := runMain(t, "", "-csv", "-c", "SELECT 1 AS a, 'x' AS b")
	if code != 0 || out != "a,b\n1,x\n" || errOut != "" {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	code, out, errOut = runMain(t, "", "-json", "-c", "SELECT 1 AS a;\nSELECT nope;")
	if code != 1 || out != "[{\"a\":1}]\n" || !strings.HasPrefix(errOut, "<command>:2: Error: Binder Error:") {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// Default mode is box.
	code, out, _ = runMain(t, "", "-c", "SELECT 1 AS a")
	if code != 0 || !strings.HasPrefix(out, "┌───────┐\n│   a   │\n│ int32 │\n") {
		t.Errorf("default mode: code=%d stdout=\n%s", code, out)
	}
}

func TestMainSourcesInOrderOneSession(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.sql")
	b := filepath.Join(dir, "b.sql")
	write(t, a, "CREATE TEMP TABLE t AS SELECT 1 AS x;\n.mode csv\n")
	write(t, b, "INSERT INTO t VALUES (2);\n")
	code, out, errOut := runMain(t, "", "-f", a, "-c", "INSERT INTO t VALUES (3)", "-f", b,
		"-noheader", "", "SELECT sum(x) AS s FROM t")
	if code != 0 || out != "6\n" || errOut != "" {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
}

func TestMainDBFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.duckdb")
	if code, _, errOut := runMain(t, "", db, "CREATE TABLE t AS SELECT 42 AS x"); code != 0 {
		t.Fatalf("create: code=%d stderr=%q", code, errOut)
	}
	// Options may follow DBFILE.
	code, out, errOut := runMain(t, "", db, "-json", "SELECT * FROM t")
	if code != 0 || out != "[{\"x\":42}]\n" {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// After --, an argument that looks like a flag is the SQL.
	code, out, errOut = runMain(t, "", "-csv", "--", db, "-- comment\nSELECT x + 1 AS y FROM t")
	if code != 0 || out != "y\n43\n" {
		t.Errorf("after --: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
}

func TestMainStdin(t *testing.T) {
	code, out, errOut := runMain(t, "SELECT 1 AS a;\n\nSELECT nope;\nSELECT 3 AS c;\n", "-csv", "-noheader")
	if code != 1 || out != "1\n3\n" || !strings.HasPrefix(errOut, "<stdin>:3: Error: ") {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// Stdin is not read when there is something else to run.
	code, out, _ = runMain(t, "SELECT 'stdin' AS s;", "-csv", "-c", "SELECT 'flag' AS s")
	if code != 0 || out != "s\nflag\n" {
		t.Errorf("code=%d stdout=%q", code, out)
	}
}

func TestMainBailAndEcho(t *testing.T) {
	code, out, errOut := runMain(t, "", "-csv", "-bail", "-c", "SELECT nope", "-c", "SELECT 1 AS a")
	if code != 1 || out != "" || !strings.HasPrefix(errOut, "<command>:1: Error: Binder Error:") {
		t.Errorf("bail: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	code, out, _ = runMain(t, "", "-csv", "-echo", "-c", "SELECT 1 AS a;")
	if code != 0 || out != "SELECT 1 AS a;\na\n1\n" {
		t.Errorf("echo: code=%d stdout=%q", code, out)
	}
}

func TestMainMissingFile(t *testing.T) {
	code, out, errOut := runMain(t, "", "-csv", "-f", "does-not-exist.sql", "-c", "SELECT 1 AS a")
	if code != 1 || out != "a\n1\n" || errOut != "does-not-exist.sql: Error: cannot read script: no such file or directory\n" {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	code, out, _ = runMain(t, "", "-csv", "-bail", "-f", "does-not-exist.sql", "-c", "SELECT 1 AS a")
	if code != 1 || out != "" {
		t.Errorf("with -bail: code=%d stdout=%q", code, out)
	}
}

func TestMainFlags(t *testing.T) {
	code, _, errOut := runMain(t, "", "-h")
	if code != 0 || !strings.Contains(errOut, "Usage: ducksight [OPTIONS] [DBFILE [SQL]]") || !strings.Contains(errOut, "-jsonlines") {
		t.Errorf("-h: code=%d stderr=%q", code, errOut)
	}
	// A wrong command line prints the usage and exits 2.
	code, out, errOut := runMain(t, "", "-nosuchflag", "-c", "SELECT 1")
	if code != 2 || out != "" || !strings.HasPrefix(errOut, "flag provided but not defined: -nosuchflag\nUsage: ducksight ") {
		t.Errorf("bad flag: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	code, _, errOut = runMain(t, "", "-maxrows", "many")
	if code != 2 || !strings.Contains(errOut, "Usage: ducksight ") {
		t.Errorf("bad flag value: code=%d stderr=%q", code, errOut)
	}
	code, _, errOut = runMain(t, "", "a.db", "SELECT 1", "extra")
	if code != 2 || !strings.HasPrefix(errOut, "ducksight: too many arguments: extra\nUsage: ducksight ") {
		t.Errorf("too many arguments: code=%d stderr=%q", code, errOut)
	}
	code, _, errOut = runMain(t, "", "-help")
	if code != 0 || !strings.Contains(errOut, "-readonly") || !strings.Contains(errOut, "-cmd SQL") {
		t.Errorf("-help: code=%d stderr=%q", code, errOut)
	}
	// Every output mode has its flag; the last one wins.
	for _, m := range Modes() {
		code, out, _ := runMain(t, "", "-box", "-"+m.Name, "-c", "SELECT 1 AS a")
		want, _ := renderString(m.Name)
		if code != 0 || out != lf(want) {
			t.Errorf("-%s: code=%d stdout=%q, want %q", m.Name, code, out, want)
		}
	}
}

func renderString(mode string) (string, error) {
	var b strings.Builder
	err := Render(&b, mode, Result{Columns: []Column{{"a", "INTEGER"}}, Rows: [][]any{{int32(1)}}}, RenderOptions{})
	return b.String(), err
}

func TestMainOpenError(t *testing.T) {
	var out, errOut strings.Builder
	code := Main(context.Background(), []string{"-c", "SELECT 1"}, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Open: func(context.Context, string, ...OpenOptions) (*sql.DB, func() error, error) {
			return nil, nil, errors.New("disk on fire")
		},
	})
	if code != 1 || errOut.String() != "ducksight: Error: cannot open \":memory:\": disk on fire\n" {
		t.Errorf("code=%d stderr=%q", code, errOut.String())
	}
}

func TestIsTerminal(t *testing.T) {
	if isTerminal(strings.NewReader("")) {
		t.Error("a strings.Reader is not a terminal")
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if isTerminal(null) {
		t.Errorf("%s is not a terminal", os.DevNull)
	}
	f, err := os.Open(filepath.Join("testdata", "scripts", "main.sql"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a regular file is not a terminal")
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestMainCmd(t *testing.T) {
	// -cmd runs first, in order, whatever its place on the command line;
	// its dot commands set up the session for the rest.
	code, out, errOut := runMain(t, "SELECT 'stdin' AS s;", "-c", "SELECT 'c' AS s", "-cmd", ".mode csv", "-cmd", ".headers off")
	if code != 0 || out != "c\n" || errOut != "" {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	// With nothing else to run, stdin is the script.
	code, out, _ = runMain(t, "SELECT 'stdin' AS s;", "-cmd", ".mode csv")
	if code != 0 || out != "s\nstdin\n" {
		t.Errorf("stdin after -cmd: code=%d stdout=%q", code, out)
	}
	// Its errors count and name it.
	code, out, errOut = runMain(t, "", "-csv", "-cmd", "SELECT nope", "-c", "SELECT 1 AS a")
	if code != 1 || out != "a\n1\n" || !strings.HasPrefix(errOut, "<cmd>:1: Error: Binder Error") {
		t.Errorf("failing -cmd: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
}

func TestMainReadOnly(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ro.duckdb")
	if code, _, errOut := runMain(t, "", db, "CREATE TABLE t AS SELECT 1 AS x"); code != 0 {
		t.Fatalf("create: code=%d stderr=%q", code, errOut)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runMain(t, "", "-readonly", "-csv", db, "SELECT x FROM t; CREATE TABLE u(y INTEGER); INSERT INTO t VALUES (2); SELECT count(*) AS n FROM t")
	if code != 1 || out != "x\n1\nn\n1\n" {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	for _, want := range []string{
		`<command>:1: Error: Invalid Input Error: Cannot execute statement of type "CREATE" on database "ro" which is attached in read-only mode!`,
		`<command>:1: Error: Invalid Input Error: Cannot execute statement of type "INSERT" on database "ro" which is attached in read-only mode!`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if after, err := os.ReadFile(db); err != nil || string(after) != string(before) {
		t.Errorf("the read-only database file changed (%v)", err)
	}
	// .open keeps read-only.
	other := filepath.Join(t.TempDir(), "other.duckdb")
	if code, _, errOut := runMain(t, "", other, "CREATE TABLE o(z INTEGER)"); code != 0 {
		t.Fatalf("create: code=%d stderr=%q", code, errOut)
	}
	code, _, errOut = runMain(t, ".open "+other+"\nINSERT INTO o VALUES (1);\n", "-readonly", db)
	if code != 1 || !strings.Contains(errOut, `<stdin>:2: Error: Invalid Input Error: Cannot execute statement of type "INSERT" on database "other" which is attached in read-only mode!`) {
		t.Errorf(".open under -readonly: code=%d stderr=%q", code, errOut)
	}
}

func TestMainQuit(t *testing.T) {
	code, out, errOut := runMain(t, "", "-csv", "-c", "SELECT 1 AS a;\n.quit\nSELECT nope;", "-c", "SELECT nope")
	if code != 0 || out != "a\n1\n" || errOut != "" {
		t.Errorf(".quit: code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	code, _, errOut = runMain(t, "", "-c", "SELECT nope;\n.exit\nSELECT 1;")
	if code != 1 || !strings.HasPrefix(errOut, "<command>:1: Error: ") {
		t.Errorf("failure, then .exit: code=%d stderr=%q", code, errOut)
	}
}

func TestMainFunctions(t *testing.T) {
	var out, errOut strings.Builder
	code := Main(context.Background(), []string{"-c", ".functions"}, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Open: duckOpener,
		Functions: []FunctionInfo{{Name: "f", Kind: "table", Summary: "does f", Signature: "f(x INTEGER)"}},
	})
	if code != 0 || out.String() != "table   f(x INTEGER)\n        does f\n" {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out.String(), errOut.String())
	}
}
