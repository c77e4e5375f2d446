//go:build duckdb_arrow

package engine_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ducksight/ducksight/engine"
)

// Training through the Go API: cancellation, concurrent trainings of one
// name, determinism across GOMAXPROCS and DuckDB threads, transactions,
// read-only databases and prepared statements. The SQL behaviour of
// train_perceptron, predict and the model functions is in
// testdata/sql/{train_perceptron,predict,models}.test.

// modelDocument returns the stored document of a model version.
func modelDocument(t *testing.T, ctx context.Context, db queryer, name string, version int) []byte {
	t.Helper()
	rows, err := db.QueryContext(ctx, `SELECT document::VARCHAR FROM ducksight.models WHERE name = ? AND version = ?`, name, version)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no stored document for %s version %d (%v)", name, version, rows.Err())
	}
	var doc string
	if err := rows.Scan(&doc); err != nil {
		t.Fatal(err)
	}
	return []byte(doc)
}

// withoutTimings returns doc with the wall times of the epochs removed
// (history[*].seconds), re-encoded, so two documents can be compared for
// everything a training computes.
func withoutTimings(t *testing.T, doc []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("document is not JSON: %v", err)
	}
	if h, ok := m["history"].([]any); ok {
		for _, e := range h {
			if em, ok := e.(map[string]any); ok {
				delete(em, "seconds")
			}
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// firstDifference describes where two byte strings first differ.
func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	clip := func(s []byte) string {
		lo, hi := max(0, i-60), min(len(s), i+60)
		return string(s[lo:hi])
	}
	return fmt.Sprintf("at byte %d of %d/%d:\n  ...%s...\n  ...%s...", i, len(a), len(b), clip(a), clip(b))
}

// A training whose context is cancelled stops promptly with an error and
// saves nothing, whether it is cancelled while the data is read (200 ms)
// or during the epochs (1.5 s; reading 200000 rows takes about 0.5 s),
// and the engine works afterwards. Run in a child process: a crash in cgo
// fails this test instead of the whole run.
func TestTrainCancel(t *testing.T) {
	if !inChild(t.Name()) {
		runChild(t, t.Name(), "cancelling a training failed or crashed the process")
		return
	}
	e, err := engine.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	const train = `SELECT version FROM train_perceptron('big', 'SELECT * FROM demo_customers(200000)',
		label := 'churned', hidden := [64], epochs := 200, early_stopping := false)`
	for _, after := range []time.Duration{200 * time.Millisecond, 1500 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(after, cancel)
		start := time.Now()
		var version int
		err := db.QueryRowContext(ctx, train).Scan(&version)
		took := time.Since(start)
		timer.Stop()
		cancel()
		if err == nil {
			t.Fatalf("cancelled after %v: the training finished (version %d) in %v", after, version, took)
		}
		if took > after+10*time.Second {
			t.Errorf("cancelled after %v: the error came %v later", after, took-after)
		}
		if took < after {
			t.Errorf("cancelled after %v: failed before the cancellation, after %v: %v", after, took, err)
		}
		msg := strings.ToLower(err.Error())
		if !strings.Contains(msg, "cancel") && !strings.Contains(msg, "interrupt") {
			t.Errorf("cancelled after %v: error %q does not say it was cancelled", after, err)
		}
		t.Logf("cancelled after %v: error after %v: %v", after, took, err)
	}
	ctx := context.Background()
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM models()`); n != 0 {
		t.Errorf("after two cancelled trainings models() lists %d versions, want 0", n)
	}
	// The engine still trains, and the cancelled trainings took no version.
	var version int
	if err := db.QueryRowContext(ctx, `SELECT version FROM train_perceptron('big', 'SELECT * FROM demo_customers(2000)', label := 'churned', epochs := 1)`).Scan(&version); err != nil {
		t.Fatalf("training after the cancellations: %v", err)
	}
	if version != 1 {
		t.Errorf("the first saved training got version %d, want 1", version)
	}
}

// Concurrent trainings of one name on separate connections all succeed
// and get distinct versions (docs/sql.md, Models: "concurrent trainings of
// one name get distinct versions"). ducksight.models exists beforehand
// here; the race to create it is TestTrainWhileStoreIsCreated.
func TestTrainConcurrentSameName(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(500)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('other', 'c', label := 'churned', features := ['age'], epochs := 1)`)
	const workers, each = 2, 4
	conns := make([]*sql.Conn, workers)
	for i := range conns {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	versions := make([][]int, workers)
	errs := make([]error, workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range conns {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			<-start
			for i := 0; i < each; i++ {
				var v int
				err := conns[w].QueryRowContext(ctx, `SELECT version FROM train_perceptron('same', 'c', label := 'churned', features := ['age', 'plan'], epochs := 1, seed := ?)`, w).Scan(&v)
				if err != nil {
					errs[w] = err
					return
				}
				versions[w] = append(versions[w], v)
			}
		}(w)
	}
	close(start)
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("connection %d: %v", w, err)
		}
	}
	var all []string
	for _, vs := range versions {
		for _, v := range vs {
			all = append(all, fmt.Sprint(v))
		}
	}
	slices.Sort(all)
	if want := []string{"1", "2", "3", "4", "5", "6", "7", "8"}; !slices.Equal(all, want) {
		t.Errorf("the trainings returned versions %v, want %v", all, want)
	}
	// models() lists exactly the versions the trainings returned.
	stored := mustQueryStrings(t, ctx, db, `SELECT version::VARCHAR FROM models() WHERE name = 'same' ORDER BY version::VARCHAR`)
	if !slices.Equal(stored, all) {
		t.Errorf("models() lists versions %v, the trainings returned %v", stored, all)
	}
	// Each version is the training that returned it (its seed is the
	// connection's), and each connection's versions increase.
	for w, vs := range versions {
		if !slices.IsSorted(vs) {
			t.Errorf("connection %d got versions %v, not increasing", w, vs)
		}
		for _, v := range vs {
			var seed int
			if err := db.QueryRowContext(ctx, `SELECT (options->>'seed')::INTEGER FROM ducksight.models WHERE name = 'same' AND version = ?`, v).Scan(&seed); err != nil {
				t.Fatal(err)
			}
			if seed != w {
				t.Errorf("version %d has seed %d, but connection %d saved it", v, seed, w)
			}
		}
	}
}

// The first save into a database creates ducksight.models. Two first
// saves at once (two trainings, or two processes on one file) race to
// create it; DuckDB fails the loser with "Catalog write-write conflict on
// create" (a few percent of the time with two concurrent first trainings). The
// race is made deterministic here: another connection holds the creation
// of schema ducksight uncommitted -- the state a concurrent first save is
// in -- and commits 300 ms later, while this training (a few milliseconds)
// saves. The save must survive the lost race like a lost race for a
// version number (store.Save retries), instead of failing the training.
func TestTrainWhileStoreIsCreated(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(200)`)
	other, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	mustExec(t, ctx, other, `BEGIN`)
	mustExec(t, ctx, other, `CREATE SCHEMA IF NOT EXISTS ducksight`)
	committed := make(chan error, 1)
	time.AfterFunc(300*time.Millisecond, func() {
		_, err := other.ExecContext(ctx, `COMMIT`)
		committed <- err
	})
	var version int
	err = db.QueryRowContext(ctx, `SELECT version FROM train_perceptron('first', 'c', label := 'churned', features := ['age'], epochs := 1)`).Scan(&version)
	if err := <-committed; err != nil {
		t.Fatalf("the other connection's COMMIT: %v", err)
	}
	if err != nil {
		t.Fatalf("a training whose save met a concurrent creation of ducksight.models failed: %v", err)
	}
	if version != 1 {
		t.Errorf("version %d, want 1", version)
	}
	if got := mustQueryStrings(t, ctx, db, `SELECT name, version FROM models()`); strings.Join(got, ";") != "first\t1" {
		t.Errorf("models() = %q, want [first 1]", got)
	}
}

// The same data, options and seed give a bit-identical document whatever
// GOMAXPROCS and DuckDB's thread count (docs/sql.md: "Reproducible ...
// whatever the number of threads"). batch_size 4096 cuts each step into
// four 1024-row shards whose gradients run in parallel with GOMAXPROCS 2;
// both the cached and the streamed mode are checked.
func TestTrainDeterministicAcrossThreads(t *testing.T) {
	ctx := testContext(t)
	const train = `SELECT version FROM train_perceptron('det', 'c', label := 'churned', hidden := [16], batch_size := 4096,
		epochs := 3, early_stopping := false, validation_fraction := 0.2, memory_limit := ?, seed := 11)`
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	docs := map[string]map[int][]byte{} // memory_limit -> procs -> document
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		e, err := engine.Open(ctx, "", engine.WithThreads(procs))
		if err != nil {
			t.Fatal(err)
		}
		db := e.DB()
		mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(20000)`)
		for _, limit := range []string{"2GB", "1MB"} {
			var version int
			if err := db.QueryRowContext(ctx, train, limit).Scan(&version); err != nil {
				e.Close()
				t.Fatalf("GOMAXPROCS %d, memory_limit %s: %v", procs, limit, err)
			}
			if docs[limit] == nil {
				docs[limit] = map[int][]byte{}
			}
			docs[limit][procs] = modelDocument(t, ctx, db, "det", version)
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, limit := range []string{"2GB", "1MB"} {
		one, two := docs[limit][1], docs[limit][2]
		// Everything the training computes (weights, preprocessing,
		// losses and metrics per epoch) first ...
		if a, b := withoutTimings(t, one), withoutTimings(t, two); !bytes.Equal(a, b) {
			t.Errorf("memory_limit %s: the documents trained with 1 and 2 threads differ beyond the epoch timings, %s", limit, firstDifference(a, b))
		}
		// ... then the document as stored, byte for byte.
		if !bytes.Equal(one, two) {
			t.Errorf("memory_limit %s: the stored documents trained with 1 and 2 threads are not bit-identical, %s", limit, firstDifference(one, two))
		}
	}
}

// A training inside a transaction that is rolled back leaves its model:
// docs/sql.md (Models) says the model is written through ducksight's own
// connection and committed even when the calling transaction is rolled
// back. Inside the transaction the model can already be used.
func TestTrainInRolledBackTransaction(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(2000)`)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, ctx, tx, `CREATE TABLE scratch AS SELECT 1 AS x`)
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT version FROM train_perceptron('tx', 'c', label := 'churned', features := ['age', 'plan'], epochs := 1)`).Scan(&version); err != nil {
		tx.Rollback()
		t.Fatalf("training in a transaction: %v", err)
	}
	if version != 1 {
		t.Errorf("version %d, want 1", version)
	}
	if n := queryInt(t, ctx, tx, `SELECT count(*) FROM predict('tx', 'c')`); n != 2000 {
		t.Errorf("predict inside the transaction: %d rows, want 2000", n)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	// The caller's own work is gone; the model is not.
	if _, err := queryStrings(ctx, db, `SELECT * FROM scratch`); err == nil {
		t.Errorf("table scratch survived the rollback")
	}
	if got := mustQueryStrings(t, ctx, db, `SELECT name, version FROM models()`); strings.Join(got, ";") != "tx\t1" {
		t.Errorf("after the rollback models() = %q, want [tx 1]", got)
	}
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM predict('tx', 'c')`); n != 2000 {
		t.Errorf("predict after the rollback: %d rows, want 2000", n)
	}
	// A rolled-back transaction's training also counts for the numbering.
	if n := queryInt(t, ctx, db, `SELECT version FROM train_perceptron('tx', 'c', label := 'churned', features := ['age'], epochs := 1)`); n != 2 {
		t.Errorf("the next training got version %d, want 2", n)
	}
}

// On a database opened read-only, training (and dropping) fails with an
// error that says so, before any work, and the stored models still list,
// describe and predict.
func TestTrainReadOnly(t *testing.T) {
	ctx := testContext(t)
	path := filepath.Join(t.TempDir(), "models.duckdb")
	e, err := engine.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, ctx, e.DB(), `CREATE TABLE c AS SELECT * FROM demo_customers(2000)`)
	mustExec(t, ctx, e.DB(), `SELECT * FROM train_perceptron('churn', 'c', label := 'churned', features := ['age', 'plan', 'support_calls'], epochs := 2)`)
	want := mustQueryStrings(t, ctx, e.DB(), `SELECT customer_id, prediction, probability FROM predict('churn', 'c')`)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e, err = engine.Open(ctx, path, engine.ReadOnly())
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer e.Close()
	db := e.DB()
	for _, q := range []string{
		`SELECT * FROM train_perceptron('churn', 'c', label := 'churned', epochs := 1)`,
		`SELECT * FROM train_perceptron('other', 'c', label := 'churned', epochs := 1)`,
	} {
		_, err := queryStrings(ctx, db, q)
		if err == nil {
			t.Errorf("%s: succeeded on a read-only database", q)
		} else if !strings.Contains(err.Error(), "train_perceptron: model: cannot save: the database is read-only") {
			t.Errorf("%s: error %q does not say the database is read-only", q, err)
		}
	}
	_, err = queryStrings(ctx, db, `SELECT * FROM drop_model('churn')`)
	if err == nil || !strings.Contains(err.Error(), "drop_model: model: cannot drop: the database is read-only") {
		t.Errorf("drop_model on a read-only database: error %v", err)
	}
	if got := mustQueryStrings(t, ctx, db, `SELECT name, version FROM models()`); strings.Join(got, ";") != "churn\t1" {
		t.Errorf("models() = %q, want [churn 1]", got)
	}
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM training_info('churn')`); n != 2 {
		t.Errorf("training_info('churn') has %d rows, want 2", n)
	}
	got := mustQueryStrings(t, ctx, db, `SELECT customer_id, prediction, probability FROM predict('churn', 'c')`)
	if len(got) != 2000 {
		t.Fatalf("predict on the read-only database: %d rows, want 2000", len(got))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("predict on the read-only database differs from before (first rows %q, before %q)", got[:3], want[:3])
	}
	// score gives predict's probabilities on the read-only database too.
	scored := mustQueryStrings(t, ctx, db, `SELECT customer_id, score_label('churn', c), score('churn', c) FROM c ORDER BY customer_id`)
	if strings.Join(scored, "\n") != strings.Join(want, "\n") {
		t.Errorf("score on the read-only database differs from predict (first rows %q, predict %q)", scored[:3], want[:3])
	}
}

// A prepared train_perceptron statement trains when it is executed, every
// time it is executed, and never when it is only prepared.
func TestTrainPrepared(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(2000)`)
	const train = `SELECT version FROM train_perceptron('prep', 'c', label := 'churned', features := ['age', 'plan'], epochs := 1)`
	stmt, err := db.PrepareContext(ctx, train)
	if err != nil {
		t.Fatal(err)
	}
	if err := stmt.Close(); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM models()`); n != 0 {
		t.Errorf("a statement prepared and never run saved %d models", n)
	}
	stmt, err = db.PrepareContext(ctx, train)
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	for want := 1; want <= 2; want++ {
		var v int
		if err := stmt.QueryRowContext(ctx).Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != want {
			t.Errorf("execution %d saved version %d", want, v)
		}
	}
	if got := mustQueryStrings(t, ctx, db, `SELECT version FROM models() WHERE name = 'prep'`); strings.Join(got, ",") != "1,2" {
		t.Errorf("models() lists versions %q, want 1,2", got)
	}
	// A parameter for the data argument.
	var v int
	if err := db.QueryRowContext(ctx, `SELECT version FROM train_perceptron('prep', ?, label := 'churned', features := ['age'], epochs := 1)`, "c").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != 3 {
		t.Errorf("training with a parameter saved version %d, want 3", v)
	}
}
