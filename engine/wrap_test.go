//go:build duckdb_arrow

package engine_test

import (
	"database/sql"
	"testing"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/engine"
)

// Wrap gives the typed calls on a program's own connector; closing the
// Engine leaves the connector, and the SQL functions on it, working.
func TestWrap(t *testing.T) {
	ctx := testContext(t)
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	e, err := engine.Wrap(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(1000)`)
	res, err := e.TrainPerceptron(ctx, "m", "c", engine.TrainOptions{Label: "churned", Features: []string{"age", "plan"}, Epochs: 2})
	if err != nil || res.Version != 1 {
		t.Fatalf("TrainPerceptron through Wrap: %+v, %v", res, err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// The program's database still runs ducksight's functions, data
	// queries included.
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM predict('m', 'c')`); n != 1000 {
		t.Fatalf("predict after the Engine closed: %d rows", n)
	}
	if _, err := engine.Wrap(ctx, nil); err == nil {
		t.Fatal("Wrap(nil) succeeded")
	}
}
