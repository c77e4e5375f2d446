//go:build duckdb_arrow

package engine_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/store"
)

// crashSeed fixes where the crash-safety test kills its children; the
// kills land at other points on every machine anyway (they are times), so
// the seed picks the spread, not the exact instruction.
const crashSeed = 20261206

// crashOps are the operations killed, each as the child runs it in a loop:
// the statement and whether it takes the export file's path.
var crashOps = []struct{ name, sql string }{
	{"train", `SELECT version FROM train_perceptron('m', 'c', label := 'churned', hidden := [16], epochs := 40, early_stopping := false)`},
	{"segment", `SELECT count(*) FROM segment('s', 'c', k := 3)`},
	{"export", `SELECT bytes FROM export_model('m', ?)`},
	{"import", `SELECT version FROM import_model('mi', ?)`},
}

// runCrashOp runs one operation to its end.
func runCrashOp(ctx context.Context, db *sql.DB, op int, file string) error {
	var args []any
	if strings.Contains(crashOps[op].sql, "?") {
		args = append(args, file)
	}
	rows, err := db.QueryContext(ctx, crashOps[op].sql, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	return rows.Close()
}

// crashChild is the child's side: open the database, say "ready", and run
// one operation over and over until killed.
func crashChild(t *testing.T) {
	path, file := os.Getenv("DUCKSIGHT_CRASH_DB"), os.Getenv("DUCKSIGHT_CRASH_FILE")
	var op int
	if _, err := fmt.Sscan(os.Getenv("DUCKSIGHT_CRASH_OP"), &op); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	e, err := engine.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	fmt.Println("ready")
	for {
		if err := runCrashOp(ctx, e.DB(), op, file); err != nil {
			t.Fatalf("%s: %v", crashOps[op].name, err)
		}
	}
}

// Kills: a child process (this test binary run again) trains, segments,
// exports or imports in a loop on a database file and is killed with
// SIGKILL at a seeded random point within about two runs of its operation,
// five times per operation. After every kill the database reopens, the
// user's table has the same checksum, every version models() lists was
// there before or is new and predicts every row, no version committed
// before the kill is lost, and the export file is the old file or a whole
// new one.
func TestCrashSafety(t *testing.T) {
	if inChild(t.Name()) {
		crashChild(t)
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "crash.db")
	file := filepath.Join(dir, "m.model.json")
	ctx := context.Background()

	// The database as the user leaves it, and how long each operation
	// takes here (the kills are spread over that).
	e, err := engine.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB().Exec(`CREATE TABLE c AS SELECT * FROM demo_customers(1000)`); err != nil {
		t.Fatal(err)
	}
	took := make([]time.Duration, len(crashOps))
	for op := range crashOps {
		t0 := time.Now()
		if err := runCrashOp(ctx, e.DB(), op, file); err != nil {
			t.Fatalf("%s: %v", crashOps[op].name, err)
		}
		took[op] = time.Since(t0)
	}
	sum := tableChecksum(t, e.DB())
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	versions := checkAfterCrash(t, path, file, sum, nil)

	rng := rand.New(rand.NewPCG(crashSeed, 0))
	const perOp = 5
	for k := range perOp * len(crashOps) {
		op := k % len(crashOps)
		delay := time.Duration(rng.Int64N(int64(2*took[op]) + 1))
		cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1")
		cmd.Env = append(os.Environ(), "DUCKSIGHT_TEST_CHILD="+t.Name(), "DUCKSIGHT_CRASH_DB="+path,
			"DUCKSIGHT_CRASH_FILE="+file, fmt.Sprint("DUCKSIGHT_CRASH_OP=", op))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		ready := false
		for lines.Scan() {
			if lines.Text() == "ready" {
				ready = true
				break
			}
		}
		if !ready {
			_ = cmd.Wait()
			t.Fatalf("kill %d (%s): the child did not start: %s", k, crashOps[op].name, stderr.String())
		}
		go func() {
			for lines.Scan() { // drain, so the child never blocks on output
			}
		}()
		time.Sleep(delay)
		_ = cmd.Process.Kill()
		err = cmd.Wait()
		if st := cmd.ProcessState; st == nil || st.Exited() {
			// It ended by itself: an operation failed.
			t.Fatalf("kill %d (%s): the child ended before the kill (%v): %s", k, crashOps[op].name, err, stderr.String())
		}
		t.Logf("kill %d: %s, after %v", k, crashOps[op].name, delay.Round(time.Millisecond))
		versions = checkAfterCrash(t, path, file, sum, versions)
	}
	t.Logf("%d kills survived; %d model versions at the end", perOp*len(crashOps), len(versions))
}

// tableChecksum is the user's table's row count and content hash.
func tableChecksum(t *testing.T, db *sql.DB) string {
	t.Helper()
	var s string
	if err := db.QueryRow(`SELECT count(*) || ':' || sum(hash(c)) FROM c`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkAfterCrash reopens the database and checks it (see TestCrashSafety);
// it returns the versions models() lists.
func checkAfterCrash(t *testing.T, path, file, sum string, before map[string]bool) map[string]bool {
	t.Helper()
	ctx := context.Background()
	e, err := engine.Open(ctx, path)
	if err != nil {
		t.Fatalf("the database does not reopen: %v", err)
	}
	defer e.Close()
	db := e.DB()
	if got := tableChecksum(t, db); got != sum {
		t.Fatalf("the user's table changed: checksum %s, was %s", got, sum)
	}
	listed, err := queryStrings(ctx, db, `SELECT name || ' ' || version FROM models() ORDER BY ALL`)
	if err != nil {
		t.Fatalf("models(): %v", err)
	}
	now := map[string]bool{}
	for _, nv := range listed {
		now[nv] = true
		var name string
		var version int
		if _, err := fmt.Sscan(nv, &name, &version); err != nil {
			t.Fatal(err)
		}
		var n int64
		q := fmt.Sprintf(`SELECT count(*) FROM predict(?, 'c', version := %d)`, version)
		if err := db.QueryRow(q, name).Scan(&n); err != nil || n != 1000 {
			t.Fatalf("model %s version %d, listed by models(), does not predict: %d rows, %v", name, version, n, err)
		}
	}
	for nv := range before {
		if !now[nv] {
			t.Fatalf("version %q, committed before the kill, is gone", nv)
		}
	}
	if _, err := store.ReadFile(file); err != nil {
		t.Fatalf("the export file is not a whole model file: %v", err)
	}
	return now
}
