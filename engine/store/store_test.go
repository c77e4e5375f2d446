package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
)

func open(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func rec(name string) *Record {
	return &Record{Name: name, Kind: "perceptron", Task: task.Binary, Label: "churned",
		Features: []string{"age", "plan"}, Options: json.RawMessage(`{"epochs":3}`),
		Metrics: json.RawMessage(`{"auc":0.8}`), Data: "customers", Document: json.RawMessage(`{"w":[1,2]}`)}
}

func TestSaveLoadListDrop(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	if _, err := Load(ctx, db, "churn", 0); !errors.Is(err, dserr.NotFound) {
		t.Fatalf("load before any save: %v", err)
	}
	names := []string{"churn", `it's "quoted"; DROP TABLE x; --`, "a@b", "модель-π", "churn"}
	for _, n := range names {
		if _, err := Save(ctx, db, rec(n)); err != nil {
			t.Fatalf("save %q: %v", n, err)
		}
	}
	r, err := Load(ctx, db, "churn", 0)
	if err != nil || r.Version != 2 || string(r.Document) != `{"w":[1,2]}` || r.Features[1] != "plan" || r.Label != "churned" {
		t.Fatalf("latest churn: %+v %v", r, err)
	}
	if r, err := Load(ctx, db, "churn", 1); err != nil || r.Version != 1 {
		t.Fatalf("churn v1: %+v %v", r, err)
	}
	// The positive class (binary models only) and the source round-trip;
	// a regression model's positive column is NULL whatever the record
	// holds.
	pr := rec("pos")
	pr.Positive, pr.Source = "yes", &Source{SearchPath: `"my db".main`}
	rr := rec("reg")
	rr.Task, rr.Positive = task.Regression, "ignored"
	for _, x := range []*Record{pr, rr} {
		if _, err := Save(ctx, db, x); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := Load(ctx, db, "pos", 0); err != nil || r.Positive != "yes" || r.Source == nil || *r.Source != *pr.Source {
		t.Fatalf("positive and source: %+v %v", r, err)
	}
	var nulls int
	if err := db.QueryRow(`SELECT count(*) FROM ducksight.models WHERE name = 'reg' AND positive IS NULL AND source IS NULL`).Scan(&nulls); err != nil || nulls != 1 {
		t.Fatalf("regression positive and unknown source not NULL: %d %v", nulls, err)
	}
	if _, err := Drop(ctx, db, "pos", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Drop(ctx, db, "reg", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, db, "churn", 7); !errors.Is(err, dserr.NotFound) || err.Error() != `version: model "churn" has no version 7` {
		t.Fatalf("churn v7: %v", err)
	}
	for _, n := range names[1:4] {
		r, err := Load(ctx, db, n, 0)
		if err != nil || r.Name != n || r.Version != 1 {
			t.Fatalf("load %q: %+v %v", n, r, err)
		}
	}
	list, err := List(ctx, db)
	if err != nil || len(list) != 5 {
		t.Fatalf("list: %d %v", len(list), err)
	}
	// Plain SQL sees them too.
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM ducksight.models WHERE json_extract(metrics, '$.auc')::DOUBLE = 0.8`).Scan(&n); err != nil || n != 5 {
		t.Fatalf("plain SQL: %d %v", n, err)
	}
	dropped, err := Drop(ctx, db, "churn", 1)
	if err != nil || len(dropped) != 1 || dropped[0] != 1 {
		t.Fatalf("drop v1: %v %v", dropped, err)
	}
	// Versions never reuse a number while a later one exists.
	if v, err := Save(ctx, db, rec("churn")); err != nil || v != 3 {
		t.Fatalf("save after drop: %d %v", v, err)
	}
	dropped, err = Drop(ctx, db, "churn", 0)
	sort.Ints(dropped)
	if err != nil || fmt.Sprint(dropped) != "[2 3]" {
		t.Fatalf("drop all: %v %v", dropped, err)
	}
	if _, err := Drop(ctx, db, "churn", 0); !errors.Is(err, dserr.NotFound) {
		t.Fatalf("drop again: %v", err)
	}
}

func TestConcurrentSavesGetDistinctVersions(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "m.duckdb"))
	if _, err := Save(ctx, db, rec("seed")); err != nil {
		t.Fatal(err)
	}
	const k = 6
	var wg sync.WaitGroup
	versions := make([]int, k)
	errs := make([]error, k)
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := db.Conn(ctx)
			if err != nil {
				errs[i] = err
				return
			}
			defer c.Close()
			versions[i], errs[i] = Save(ctx, c, rec("churn"))
		}(i)
	}
	wg.Wait()
	seen := map[int]bool{}
	for i := 0; i < k; i++ {
		if errs[i] != nil {
			t.Fatalf("save %d: %v", i, errs[i])
		}
		if seen[versions[i]] || versions[i] < 1 || versions[i] > k {
			t.Fatalf("versions %v", versions)
		}
		seen[versions[i]] = true
	}
}

func TestPersistsAndReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Writable(ctx, db); err != nil || !ok {
		t.Fatalf("writable: %v %v", ok, err)
	}
	if _, err := Save(ctx, db, rec("churn")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro := open(t, path+"?access_mode=read_only")
	if ok, err := Writable(ctx, ro); err != nil || ok {
		t.Fatalf("read-only database reported writable: %v", err)
	}
	r, err := Load(ctx, ro, "churn", 0)
	if err != nil || r.Version != 1 {
		t.Fatalf("load after reopen: %+v %v", r, err)
	}
	if _, err := Save(ctx, ro, rec("churn")); err == nil {
		t.Fatal("save into a read-only database succeeded")
	}
}

// The default database follows the connection's search path.
func TestDefaultDatabase(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, s := range []string{`ATTACH ':memory:' AS other`, `SET search_path = 'other.main'`} {
		if _, err := c.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Save(ctx, c, rec("m")); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM other.ducksight.models`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("other.ducksight.models: %d %v", n, err)
	}
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'memory' AND schema_name = 'ducksight'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("memory.ducksight has %d tables (%v)", n, err)
	}
}
