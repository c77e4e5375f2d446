//go:build duckdb_arrow

package udf

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
)

// TestScalarConcurrentStatements runs the scalar over a row with a column
// that goes through DuckDB's Arrow converter (VARCHAR) from several
// goroutines at once, each statement binding its own call site. The
// converter's options must stay valid for every chunk of every statement:
// they were once taken from a connection closed at bind, and this test
// crashed the process (SIGSEGV, NULL shared_ptr aborts) or corrupted the Go
// heap most of the time.
func TestScalarConcurrentStatements(t *testing.T) {
	db := openTest(t, "")
	mustExec(t, db, `CREATE TABLE t AS SELECT i::DOUBLE AS a, repeat('x', (i % 7)::INT) AS s,
		CASE WHEN i % 3 = 0 THEN NULL ELSE 'v' || (i % 11)::VARCHAR END AS c
		FROM range(60000) r(i)`)
	var want float64
	if err := db.QueryRow(`SELECT sum(a + length(s) + coalesce(length(c), 0)) FROM (SELECT * FROM t LIMIT 20000)`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	const workers, rounds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				var got float64
				// Statements differ per round so each binds anew.
				q := fmt.Sprintf(`SELECT sum(weighted_sum(1, x)) FROM (SELECT * FROM t LIMIT 20000) x WHERE %d = %d`, r, r)
				if err := db.QueryRow(q).Scan(&got); err != nil {
					errs <- fmt.Errorf("worker %d round %d: %v", w, r, err)
					return
				}
				if got != want {
					errs <- fmt.Errorf("worker %d round %d: sum %v, want %v", w, r, got, want)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A column Retain-ed from a streamed batch stays valid after the batch is
// released and after the stream has moved on (DuckDB reuses the memory of
// destroyed chunks): its buffers hold the chunk until their own Release.
func TestBatchRetainKeepsChunk(t *testing.T) {
	db := openTest(t, "")
	ctx := context.Background()
	base := liveChunks.Load()
	q, err := db.host.Prepare(ctx, "test", "data", `SELECT i::DOUBLE AS x, CASE WHEN i % 5 = 0 THEN NULL ELSE i::BIGINT END AS y
		FROM range(200000) r(i)`)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	r, err := q.Stream(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var kept []arrow.Array
	var offsets []int64
	var off int64
	for {
		b, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		if len(kept) < 20 {
			for c := 0; c < 2; c++ {
				col := b.Record.Column(c)
				col.Retain()
				kept = append(kept, col)
			}
			offsets = append(offsets, off)
		}
		off += int64(b.Len())
		b.Release()
	}
	if live := liveChunks.Load() - base; live != int64(len(kept)/2) {
		t.Errorf("%d chunks alive while %d batches' columns are retained", live, len(kept)/2)
	}
	for k := 0; k < len(kept); k += 2 {
		xs, ys := kept[k].(*array.Float64), kept[k+1].(*array.Int64)
		for i := 0; i < xs.Len(); i++ {
			v := offsets[k/2] + int64(i)
			if xs.Value(i) != float64(v) {
				t.Fatalf("retained column x, batch %d row %d: %v, want %d", k/2, i, xs.Value(i), v)
			}
			if null := v%5 == 0; ys.IsNull(i) != null || (!null && ys.Value(i) != v) {
				t.Fatalf("retained column y, batch %d row %d: %v (null %v), want %d", k/2, i, ys.Value(i), ys.IsNull(i), v)
			}
		}
	}
	for _, a := range kept {
		a.Release()
	}
	if live := liveChunks.Load() - base; live != 0 {
		t.Errorf("%d chunks alive after every retained column was released", live)
	}
}

// A scalar function's input is copied, never lent: what Eval retains stays
// valid after the callback, when DuckDB has reused the input chunk.
func TestScalarRetainCopies(t *testing.T) {
	db := openTest(t, "")
	mustExec(t, db, `CREATE TABLE t AS SELECT i::DOUBLE AS a FROM range(100000) r(i)`)
	retained.Lock()
	retained.cols = nil
	retained.Unlock()
	var n int64
	if err := db.QueryRow(`SELECT count(keep_first(x)) FROM t x`).Scan(&n); err != nil || n != 100000 {
		t.Fatalf("count %d, %v", n, err)
	}
	retained.Lock()
	defer retained.Unlock()
	seen := 0
	sum := 0.0
	for _, a := range retained.cols {
		f := a.(*array.Float64)
		for i := 0; i < f.Len(); i++ {
			sum += f.Value(i)
		}
		seen += f.Len()
		a.Release()
	}
	retained.cols = nil
	if seen != 100000 || sum != 99999*100000/2 {
		t.Fatalf("retained columns hold %d rows summing to %v, want 100000 rows summing to %v", seen, sum, 99999*100000/2)
	}
}

// The Arrow options a scalar call site converts with point into a
// connection's client context: that connection stays open while any call
// site holds options, and closes when the Host is detached and the last
// call site goes.
func TestScalarOptionsOutliveBind(t *testing.T) {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Attach(context.Background(), c, allTestFuncs...)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	mustExec(t, &testDB{DB: db, host: h}, `CREATE TABLE t AS SELECT i::DOUBLE AS a, 'x' || i::VARCHAR AS s FROM range(5000) r(i)`)
	st, err := db.Prepare(`SELECT sum(weighted_sum(1, x)) FROM t x`)
	if err != nil {
		t.Fatal(err)
	}
	holds, open := h.optionsState()
	if holds < 1 || !open {
		t.Fatalf("a prepared statement's call site holds %d options, connection open %v", holds, open)
	}
	for i := 0; i < 3; i++ {
		var s float64
		if err := st.QueryRow().Scan(&s); err != nil {
			t.Fatal(err)
		}
	}
	// Detached while the statement is alive: the connection stays.
	h.Detach(c)
	if _, open := h.optionsState(); !open {
		t.Fatal("the options connection closed while a call site still uses it")
	}
	var s float64
	if err := st.QueryRow().Scan(&s); err != nil {
		t.Fatal(err)
	}
	st.Close()
	db.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		holds, open := h.optionsState()
		if holds == 0 && !open {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the last call site: %d holds, connection open %v", holds, open)
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.Close()
}

// optionsState reports the options alive and whether their connection is
// open.
func (h *Host) optionsState() (holds int, open bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.optHolds, h.optConn != nil
}

// A data query runs in a read-only transaction: DuckDB refuses what it
// would write (nextval advanced a persistent sequence before), and
// checkpoint()/force_checkpoint(), which DuckDB runs even there, are
// refused from the parse tree. Reading, random() and a column merely named
// checkpoint stay allowed.
func TestDataQueryReadOnly(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, filepath.Join(dir, "ro.duckdb"))
	mustExec(t, db, `CREATE SEQUENCE seq; CREATE TABLE t AS SELECT i AS v FROM range(10) r(i)`)
	ctx := context.Background()
	run := func(data string) error {
		q, err := db.host.Prepare(ctx, "fn", "data", data)
		if err != nil {
			return err
		}
		defer q.Close()
		_, _, _, err = scanAll(ctx, q, nil)
		return err
	}
	for _, c := range []struct{ data, want string }{
		{`SELECT nextval('seq') AS n FROM range(1000)`, "fn: data: "},
		{`SELECT * FROM checkpoint()`, "fn: data: refused: checkpoint() writes the database file"},
		{`SELECT * FROM t, (SELECT * FROM FORCE_CHECKPOINT())`, "fn: data: refused: force_checkpoint() writes the database file"},
		{`WITH c AS (FROM main.checkpoint('memory')) SELECT 1 AS x FROM c`, "fn: data: refused: checkpoint() writes"},
	} {
		err := run(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.data, err, c.want)
		}
	}
	err := run(`SELECT nextval('seq') AS n`)
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("nextval: %v, want an error saying the query is read-only", err)
	}
	var n int64
	if err := db.QueryRow(`SELECT nextval('seq')`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the sequence advanced: nextval is now %d (%v), want 1", n, err)
	}
	for _, data := range []string{
		`SELECT v AS checkpoint FROM t`,
		`SELECT random() AS r, uuid()::VARCHAR AS u FROM t`,
		`SELECT 'checkpoint()' AS s`,
		`t`,
	} {
		if err := run(data); err != nil {
			t.Errorf("%s: %v", data, err)
		}
	}
}

// Closing a Query closes the Readers still open on it before its
// connection, so a context cancelled afterwards interrupts nothing and a
// late Reader.Close is harmless.
func TestQueryCloseClosesReaders(t *testing.T) {
	db := openTest(t, "")
	for i := 0; i < 20; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		q, err := db.host.Prepare(ctx, "fn", "data", `SELECT i::DOUBLE AS x FROM range(10000000) r(i)`)
		if err != nil {
			t.Fatal(err)
		}
		r, err := q.Stream(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.Next()
		if err != nil || b == nil {
			t.Fatalf("first batch: %v", err)
		}
		b.Release()
		q.Close()
		cancel()
		r.Close()
		if b, err := r.Next(); b != nil || err == nil || !strings.Contains(err.Error(), "closed before its end") {
			t.Fatalf("Next after Close: %v, %v; want an error saying the stream was closed", b, err)
		}
	}
	if n := db.host.NestedCount(); n != 0 {
		t.Errorf("%d nested connections left open", n)
	}
}

// A data query stopped by its context returns an error that wraps the
// context's, so a Go caller can test it with errors.Is.
func TestStreamCancelWrapsContext(t *testing.T) {
	db := openTest(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	q, err := db.host.Prepare(ctx, "fn", "data", `SELECT i::DOUBLE AS x FROM range(10000000000) r(i)`)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	_, _, _, err = scanAll(ctx, q, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, dserr.Cancelled) || !strings.HasPrefix(err.Error(), "fn: data: cancelled") {
		t.Fatalf("error %v: want fn: data: cancelled, wrapping context.DeadlineExceeded", err)
	}
}
