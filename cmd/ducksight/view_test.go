//go:build duckdb_arrow

package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A view that scores every row, created in one statement of a -c script
// and read in the next, through the real binary 50 times. The first
// statement binds score (for the view's check), the second binds it again
// and scores; this crashed or hung the process 2-5 times in 20 runs while
// score's Arrow options pointed into a connection closed at bind.
func TestViewWithScoreInSecondStatement(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.duckdb")
	code, stdout, stderr := cli(t, dir, "", "-csv", "-noheader", db, "-c", `
		CREATE TABLE te AS SELECT * FROM demo_customers(20000);
		SELECT version FROM train_perceptron('churn', 'te', label := 'churned',
			exclude := ['purchased_next_30d', 'spend_next_90d', 'true_segment'], epochs := 2);
		SELECT round(sum(probability), 9) FROM predict('churn', 'te');`)
	if code != 0 {
		t.Fatalf("set-up: exit %d: %s", code, stderr)
	}
	lines := strings.Fields(stdout)
	if len(lines) != 2 || lines[0] != "1" {
		t.Fatalf("set-up printed %q", stdout)
	}
	want := lines[1]
	script := `CREATE OR REPLACE VIEW s AS SELECT t.*, score('churn', t) AS p FROM te t;
		SELECT count(*), round(sum(p), 9) FROM s;`
	bin := ducksightBinary(t)
	for i := 0; i < 50; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, bin, "-csv", "-noheader", db, "-c", script)
		out, err := cmd.CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			t.Fatalf("run %d hung (killed after 60 s); output: %s", i, out)
		}
		if err != nil {
			t.Fatalf("run %d: %v: %s", i, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != "20000,"+want {
			t.Fatalf("run %d printed %q, want %q", i, got, "20000,"+want)
		}
	}
}
