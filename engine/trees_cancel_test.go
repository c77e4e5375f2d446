//go:build duckdb_arrow

package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
)

// TestTreesCancel: cancelling a boosted-trees training in the middle of
// its rounds returns a Cancelled error (wrapping the context's) and saves
// nothing. The time from the cancel to the return is logged (the shell's
// Ctrl-C wants it well under a second; the kernel checks the context in
// every parallel task); a hang fails the test.
func TestTreesCancel(t *testing.T) {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE c AS SELECT * EXCLUDE (customer_id, purchased_next_30d, spend_next_90d, true_segment) FROM demo_customers(100000)`); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	// The cancel lands inside a round (a timer after the third round's
	// report), not between two.
	at := make(chan time.Time, 1)
	_, err = e.TrainBoostedTrees(cctx, "m", "c", engine.TreeOptions{Label: "churned", Trees: 100000, EarlyStopping: new(false),
		Progress: func(ep engine.Epoch) {
			if ep.Epoch == 3 {
				time.AfterFunc(7*time.Millisecond, func() { at <- time.Now(); cancel() })
			}
		}})
	took := time.Since(<-at)
	if !errors.Is(err, dserr.Cancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want Cancelled wrapping context.Canceled", err)
	}
	t.Logf("returned %v after the cancel", took)
	if took > 10*time.Second {
		t.Errorf("returned %v after the cancel", took)
	}
	models, err := e.Models(ctx)
	if err != nil || len(models) != 0 {
		t.Errorf("models after a cancelled training: %v, %v", models, err)
	}
}
