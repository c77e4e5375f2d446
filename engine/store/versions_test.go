package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestVersionsNeverReused: a dropped version's number, even the latest's,
// and the numbers of a name dropped altogether are never given again; nor
// is a number reserved and never saved under.
func TestVersionsNeverReused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.duckdb")
	db := open(t, path)
	save := func(want int) {
		t.Helper()
		v, err := Save(ctx, db, rec("m"))
		if err != nil || v != want {
			t.Fatalf("save: version %d (%v), want %d", v, err, want)
		}
	}
	save(1)
	save(2)
	if _, err := Drop(ctx, db, "m", 2); err != nil {
		t.Fatal(err)
	}
	save(3) // not 2 again
	if _, err := Drop(ctx, db, "m", 0); err != nil {
		t.Fatal(err)
	}
	save(4) // not 1 again
	v, err := Reserve(ctx, db, "m")
	if err != nil || v != 5 {
		t.Fatalf("reserve: %d %v", v, err)
	}
	save(6) // 5 was reserved, never saved, and stays unused
	if _, err := Load(ctx, db, "m", 5); err == nil {
		t.Fatal("version 5 exists")
	}
	// Other names count on their own.
	if v, err := Save(ctx, db, rec("other")); err != nil || v != 1 {
		t.Fatalf("other: %d %v", v, err)
	}
	// The high-water mark survives a reopen.
	db.Close()
	db = open(t, path)
	if _, err := Drop(ctx, db, "m", 0); err != nil {
		t.Fatal(err)
	}
	save(7)

	// Concurrent saves after dropping everything: distinct numbers, all
	// above the high-water mark.
	if _, err := Drop(ctx, db, "m", 0); err != nil {
		t.Fatal(err)
	}
	const k = 6
	var wg sync.WaitGroup
	versions := make([]int, k)
	errs := make([]error, k)
	for i := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := db.Conn(ctx)
			if err != nil {
				errs[i] = err
				return
			}
			defer c.Close()
			versions[i], errs[i] = Save(ctx, c, rec("m"))
		}()
	}
	wg.Wait()
	seen := map[int]bool{}
	for i := range k {
		if errs[i] != nil {
			t.Fatalf("save %d: %v", i, errs[i])
		}
		if seen[versions[i]] || versions[i] < 8 || versions[i] > 7+k {
			t.Fatalf("concurrent versions %v, want 8..%d each once", versions, 7+k)
		}
		seen[versions[i]] = true
	}
}

// oldSchema is ducksight.models as the first stores created it: none of
// the added columns and no high-water table. Version 1's document names
// its positive class (label.positive 1), version 3's omits it (0).
const oldSchema = `CREATE SCHEMA ducksight;
CREATE TABLE ducksight.models (
	name VARCHAR NOT NULL, version INTEGER NOT NULL, kind VARCHAR NOT NULL, task VARCHAR, label VARCHAR,
	features VARCHAR[], options JSON, metrics JSON, created_at TIMESTAMP NOT NULL, data VARCHAR,
	format_version INTEGER NOT NULL, document JSON NOT NULL, PRIMARY KEY (name, version));
INSERT INTO ducksight.models VALUES
	('m', 1, 'perceptron', 'binary', 'y', ['a'], '{}', '{"metric": "auc", "valid_metric": 0.75}', TIMESTAMP '2026-01-01', 't', 1,
		'{"label": {"levels": ["good", "bad"], "positive": 1}}'),
	('m', 3, 'perceptron', 'binary', 'y', ['a'], '{}', '{"metric": "auc", "valid_metric": null}', TIMESTAMP '2026-01-02', 't', 1,
		'{"label": {"levels": ["no", "yes"]}}'),
	('r', 1, 'perceptron', 'regression', 'y', ['a'], '{}', '{"metric": "rmse", "valid_metric": 2}', TIMESTAMP '2026-01-03', 't', 1,
		'{"label": {"mean": 1}}')`

// midSchema is ducksight.models as stores made before the positive and
// source columns: metric and valid_metric already there.
const midSchema = `CREATE SCHEMA ducksight;
CREATE TABLE ducksight.models (
	name VARCHAR NOT NULL, version INTEGER NOT NULL, kind VARCHAR NOT NULL, task VARCHAR, label VARCHAR,
	features VARCHAR[], options JSON, metrics JSON, created_at TIMESTAMP NOT NULL, data VARCHAR,
	format_version INTEGER NOT NULL, document JSON NOT NULL, metric VARCHAR, valid_metric DOUBLE, PRIMARY KEY (name, version));
CREATE TABLE ducksight.model_versions (name VARCHAR PRIMARY KEY, last_version INTEGER NOT NULL);
INSERT INTO ducksight.models VALUES
	('m', 1, 'perceptron', 'binary', 'y', ['a'], '{}', '{"metric": "auc", "valid_metric": 0.75}', TIMESTAMP '2026-01-01', 't', 1,
		'{"label": {"levels": ["good", "bad"], "positive": 1}}', 'auc', 0.75),
	('m', 3, 'perceptron', 'binary', 'y', ['a'], '{}', '{"metric": "auc", "valid_metric": null}', TIMESTAMP '2026-01-02', 't', 1,
		'{"label": {"levels": ["no", "yes"]}}', 'auc', NULL),
	('r', 1, 'perceptron', 'regression', 'y', ['a'], '{}', '{"metric": "rmse", "valid_metric": 2}', TIMESTAMP '2026-01-03', 't', 1,
		'{"label": {"mean": 1}}', 'rmse', 2)`

// TestOldStoreOpens: a store written before the added columns (and the
// high-water table) lists as before read-only, the positive class read
// from the documents; Load reads it too, with no source. Opened
// writable, its first listing migrates it (its rows keep their listing),
// and a save numbers after its largest version.
func TestOldStoreOpens(t *testing.T) {
	for _, schema := range []struct{ name, sql string }{{"first", oldSchema}, {"metric columns", midSchema}} {
		t.Run(schema.name, func(t *testing.T) { testOldStore(t, schema.sql) })
	}
}

func testOldStore(t *testing.T, schema string) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db := open(t, path)
	for _, s := range strings.Split(schema, ";\n") {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	want := "m 1 auc 0.75 bad; m 3 auc NaN no; r 1 rmse 2 "
	listed := func(db Querier) string {
		t.Helper()
		list, err := List(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, x := range list {
			s = append(s, fmt.Sprint(x.Name, " ", x.Version, " ", x.Metric, " ", x.ValidMetric, " ", x.Positive))
		}
		return strings.Join(s, "; ")
	}
	ro := open(t, path+"?access_mode=read_only")
	if got := listed(ro); got != want {
		t.Fatalf("read-only old store lists %q, want %q", got, want)
	}
	if r, err := Load(ctx, ro, "m", 1); err != nil || r.Positive != "bad" || r.Source != nil {
		t.Fatalf("read-only old store loads %+v, %v; want positive bad, no source", r, err)
	}
	ro.Close()
	db = open(t, path)
	if has, err := hasAddedColumns(ctx, db); err != nil || has {
		t.Fatalf("added columns before any write: %v %v", has, err)
	}
	// Listing a writable old store migrates it (once).
	if got := listed(db); got != want {
		t.Fatalf("old store lists %q, want %q", got, want)
	}
	if has, err := hasAddedColumns(ctx, db); err != nil || !has {
		t.Fatalf("List did not migrate: %v %v", has, err)
	}
	if r, err := Load(ctx, db, "m", 3); err != nil || r.Positive != "no" || r.Source != nil {
		t.Fatalf("migrated store loads %+v, %v; want positive no, no source", r, err)
	}
	r := rec("m")
	r.Metrics = json.RawMessage(`{"metric": "rmse", "valid_metric": 2.5}`)
	if v, err := Save(ctx, db, r); err != nil || v != 4 {
		t.Fatalf("save into an old store: %d %v", v, err)
	}
	if got := listed(db); got != "m 1 auc 0.75 bad; m 3 auc NaN no; m 4 rmse 2.5 ; r 1 rmse 2 " {
		t.Fatalf("migrated store lists %q", got)
	}
	if has, err := hasAddedColumns(ctx, db); err != nil || !has {
		t.Fatalf("not migrated: %v %v", has, err)
	}
}

// TestListReadsNoDocument: List's cost does not follow the size of the
// documents or of the metrics JSON (models() after importing a 300 MB
// model used to take 1.28 GB): listing models of 2 x 16 MB allocates less
// than 1 MB in Go.
func TestListReadsNoDocument(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "m.duckdb"))
	big := strings.Repeat("1.2345678,", 16<<20/10)
	r := rec("big")
	r.Document = json.RawMessage(`{"w":[` + big + `0]}`)
	r.Metrics = json.RawMessage(`{"metric":"auc","valid_metric":0.5,"epoch_seconds":[` + big + `0]}`)
	if _, err := Save(ctx, db, r); err != nil {
		t.Fatal(err)
	}
	if _, err := List(ctx, db); err != nil { // warm up
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	list, err := List(ctx, db)
	runtime.ReadMemStats(&after)
	if err != nil || len(list) != 1 || list[0].Metric != "auc" || list[0].ValidMetric != 0.5 || math.IsNaN(list[0].ValidMetric) {
		t.Fatalf("list: %+v %v", list, err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Fatalf("List allocated %d bytes for models of 2 x 16 MB", n)
	}
}
