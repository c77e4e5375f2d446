//go:build duckdb_arrow

package engine_test

import (
	"errors"
	"math"
	"testing"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
)

// Drift returns what drift() returns, row for row, and its errors as
// *dserr.Error values naming the argument.
func TestDriftAPI(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(3000)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('churn', 'c', label := 'churned', features := ['age', 'plan', 'income', 'email_opt_in'], epochs := 2)`)
	const shifted = `SELECT * REPLACE (age * 3 AS age) FROM c`
	got, err := e.Drift(ctx, "churn", shifted, engine.DriftOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(ctx, `SELECT column_name, psi, coalesce(unseen_share, -1), status FROM drift('churn', $$`+shifted+`$$)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var name, status string
		var psi, unseen float64
		if err := rows.Scan(&name, &psi, &unseen, &status); err != nil {
			t.Fatal(err)
		}
		g := got[i]
		if math.IsNaN(g.UnseenShare) {
			g.UnseenShare = -1
		}
		if g.Column != name || g.PSI != psi || g.UnseenShare != unseen || g.Status != status {
			t.Errorf("row %d: Go %+v, SQL %s %v %v %s", i, got[i], name, psi, unseen, status)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != 5 || len(got) != 5 || got[4].Column != engine.DriftSummary {
		t.Fatalf("%d SQL rows, Go %+v", i, got)
	}
	if got[0].Column != "age" || got[0].Status != "severe" || got[4].Status != "severe" || got[1].Status != "ok" {
		t.Errorf("age tripled: %+v", got)
	}
	for _, tc := range []struct {
		model, data string
		o           engine.DriftOptions
		code        error
		arg         string
	}{
		{"nope", "c", engine.DriftOptions{}, dserr.NotFound, "model"},
		{"churn", "c", engine.DriftOptions{Version: 4}, dserr.NotFound, "version"},
		{"churn", "", engine.DriftOptions{}, dserr.InvalidArgument, "data"},
		{"churn", "SELECT age FROM c", engine.DriftOptions{}, dserr.InvalidArgument, "data"},
	} {
		_, err := e.Drift(ctx, tc.model, tc.data, tc.o)
		var de *dserr.Error
		if !errors.As(err, &de) || !errors.Is(err, tc.code) || de.Func != "drift" || de.Arg != tc.arg {
			t.Errorf("Drift(%q, %q, %+v): %#v, want %v of drift's %s", tc.model, tc.data, tc.o, err, tc.code, tc.arg)
		}
	}
}
