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
func duckOpener(_ context.Context, path string) (*sql.DB, func() error, error) {
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
	return code, out.String(), errOut.String()
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
	if code != 1 || out != "a\n1\n" || !strings.HasPrefix(errOut, "does-not-exist.sql: Error: open does-not-exist.sql: ") {
		t.Errorf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
	code, out, _ = runMain(t, "", "-csv", "-bail", "-f", "does-not-exist.sql", "-c", "SELECT 1 AS a")
	if code != 1 || out != "" {
		t.Errorf("with -bail: code=%d stdout=%q", code, out)
	}
}

func TestMainFlags(t *testing.T) {
	code, out, _ := runMain(t, "", "-version")
	if code != 0 || out != "ducksight 1.2.3-test\n" {
		t.Errorf("-version: code=%d stdout=%q", code, out)
	}
	code, _, errOut := runMain(t, "", "-h")
	if code != 0 || !strings.Contains(errOut, "Usage: ducksight [OPTIONS] [DBFILE [SQL]]") || !strings.Contains(errOut, "-jsonlines") {
		t.Errorf("-h: code=%d stderr=%q", code, errOut)
	}
	code, _, errOut = runMain(t, "", "-nosuchflag")
	if code != 1 || !strings.Contains(errOut, "flag provided but not defined: -nosuchflag") {
		t.Errorf("bad flag: code=%d stderr=%q", code, errOut)
	}
	code, _, errOut = runMain(t, "", "a.db", "SELECT 1", "extra")
	if code != 1 || !strings.HasPrefix(errOut, "ducksight: too many arguments: extra\n") {
		t.Errorf("too many arguments: code=%d stderr=%q", code, errOut)
	}
	// Every output mode has its flag; the last one wins.
	for _, m := range Modes() {
		code, out, _ := runMain(t, "", "-box", "-"+m.Name, "-c", "SELECT 1 AS a")
		want, _ := renderString(m.Name)
		if code != 0 || out != want {
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
		Open: func(context.Context, string) (*sql.DB, func() error, error) {
			return nil, nil, errors.New("disk on fire")
		},
	})
	if code != 1 || errOut.String() != "ducksight: Error: opening \"\": disk on fire\n" {
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
