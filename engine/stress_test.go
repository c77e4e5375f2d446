//go:build duckdb_arrow

package engine_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sync"
	"testing"
)

// TestConcurrentScorePredictTrain runs score, predict and training from 8
// goroutines on one engine at once, each goroutine many statements. Every
// statement must succeed with the right values: score's sums must equal
// predict's, whoever else is running. The score call sites go through
// DuckDB's Arrow converter (the row has VARCHAR fields); its options once
// pointed into a connection closed at bind, and this workload crashed the
// process in 12 of 14 runs.
func TestConcurrentScorePredictTrain(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE t AS SELECT * FROM demo_customers(30000)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('m', 't', label := 'churned',
		exclude := ['purchased_next_30d', 'spend_next_90d', 'true_segment'], epochs := 2)`)
	var want float64
	if err := db.QueryRowContext(ctx, `SELECT sum(probability) FROM predict('m', $$SELECT * FROM t LIMIT 20000$$)`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	const workers, rounds = 8, 12
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				if err := stressStep(ctx, db, w, r, want); err != nil {
					errs <- fmt.Errorf("worker %d round %d: %w", w, r, err)
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

// stressStep runs one statement of worker w's round r: mostly score, with
// predict and a small training mixed in.
func stressStep(ctx context.Context, db *sql.DB, w, r int, want float64) error {
	near := func(got float64) error {
		if math.Abs(got-want) > 1e-9*math.Abs(want) {
			return fmt.Errorf("sum %v, want %v", got, want)
		}
		return nil
	}
	var got float64
	switch (w + r) % 4 {
	case 0, 1:
		// A fresh call site each time (the text differs), so each binds.
		q := fmt.Sprintf(`SELECT sum(score('m', c)) FROM (SELECT * FROM t LIMIT 20000) c WHERE %d >= 0`, w*100+r)
		if err := db.QueryRowContext(ctx, q).Scan(&got); err != nil {
			return err
		}
		return near(got)
	case 2:
		if err := db.QueryRowContext(ctx, `SELECT sum(probability) FROM predict('m', $$SELECT * FROM t LIMIT 20000$$)`).Scan(&got); err != nil {
			return err
		}
		return near(got)
	default:
		var v int64
		q := fmt.Sprintf(`SELECT version FROM train_perceptron('w%d', $$SELECT * FROM t LIMIT 5000$$, label := 'churned',
			features := ['age', 'plan', 'region', 'tenure_months'], epochs := 1)`, w)
		return db.QueryRowContext(ctx, q).Scan(&v)
	}
}
