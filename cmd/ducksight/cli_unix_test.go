//go:build duckdb_arrow && unix

package main

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLILockedDatabase opens a database file another ducksight process
// holds: DuckDB locks a file per process, so the second one must fail with
// a clear error while the first one goes on.
func TestCLILockedDatabase(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := cli(t, dir, "", "locked.duckdb", "CREATE TABLE t AS SELECT 1 AS x"); code != 0 {
		t.Fatalf("create: code=%d stderr=%q", code, errOut)
	}
	// The holder opens the file, says so, and waits reading its stdin
	// (.read /dev/stdin) until the test closes it.
	holder := exec.Command(ducksightBinary(t), "-csv", "-noheader", "-cmd", ".print ready", "locked.duckdb", ".read /dev/stdin")
	holder.Dir = dir
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	holder.Stderr = &stderr
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		holder.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("holder: %q, %v; stderr %q", lines.Text(), lines.Err(), stderr.String())
	}

	code, out, errOut := cli(t, dir, "", "locked.duckdb", "SELECT * FROM t")
	path := filepath.Join(dir, "locked.duckdb")
	want := `ducksight: Error: cannot open "locked.duckdb": IO Error: Could not set lock on file "` + path + `": Conflicting lock is held in `
	if code != 1 || out != "" || !strings.HasPrefix(errOut, want) {
		t.Errorf("code=%d stdout=%q\nstderr %q\nwant it to start with %q", code, out, errOut, want)
	}

	// The holder still works, and ends cleanly when its input does.
	if _, err := stdin.Write([]byte("SELECT x FROM t;\n")); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	if !lines.Scan() || lines.Text() != "1" {
		t.Errorf("holder after the second open: %q, %v", lines.Text(), lines.Err())
	}
	if err := holder.Wait(); err != nil {
		t.Errorf("holder: %v; stderr %q", err, stderr.String())
	}
}
