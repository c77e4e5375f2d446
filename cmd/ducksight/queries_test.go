//go:build duckdb_arrow

package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/repl"
)

var rewrite = flag.Bool("rewrite", false, "rewrite queries/*.out with the current output (review the diff!)")

// TestQueries runs every queries/*.sql through the real CLI code path on a
// fresh in-memory engine and compares stdout and stderr with the reviewed
// queries/NAME.out. Scripts may also assert with DuckDB's error(): any
// failing statement fails the test through the exit code.
func TestQueries(t *testing.T) {
	files, err := filepath.Glob("../../queries/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no queries/*.sql found")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := repl.Main(context.Background(), []string{"-f", f}, repl.Env{
				Stdin:   strings.NewReader(""),
				Stdout:  &stdout,
				Stderr:  &stderr,
				Open:    open,
				Version: engine.Version,
			})
			if code != 0 {
				t.Fatalf("exit code %d\nstderr:\n%s", code, stderr.String())
			}
			got := stdout.String()
			if stderr.Len() > 0 {
				got += "-- stderr --\n" + stderr.String()
			}
			want := strings.TrimSuffix(f, ".sql") + ".out"
			if *rewrite {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			exp, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run with -rewrite once, then review the file)", err)
			}
			if got != string(exp) {
				t.Errorf("output of %s differs from %s\n--- got ---\n%s\n--- want ---\n%s", f, want, got, exp)
			}
		})
	}
}
