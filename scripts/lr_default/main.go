//go:build duckdb_arrow

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/engine"
)

// targets are demo_customers' three outcome columns; each is trained
// without the other two and without true_segment (the generator's hidden
// segment) and customer_id.
var targets = []string{"churned", "purchased_next_30d", "spend_next_90d"}

func main() {
	rows := flag.Int("rows", 300000, "training rows: demo_customers(rows)")
	holdout := flag.Int("holdout", 40000, "test rows: demo_customers(holdout, seed := 7)")
	labels := flag.String("labels", strings.Join(targets, ","), "labels to train, comma-separated")
	hidden := flag.String("hidden", "[16];[32, 16];[64]", "hidden layer lists, semicolon-separated")
	lrs := flag.String("lrs", "0.01,0.003", "learning rates, comma-separated")
	seeds := flag.String("seeds", "42,7", "training seeds, comma-separated")
	flag.Parse()
	if err := run(*rows, *holdout, split(*labels, ","), split(*hidden, ";"), split(*lrs, ","), split(*seeds, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "lr_default:", err)
		os.Exit(1)
	}
}

func split(s, sep string) []string {
	var out []string
	for _, f := range strings.Split(s, sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func run(rows, holdout int, labels, hidden, lrs, seeds []string) error {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		return err
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.ExecContext(ctx, "CREATE TABLE c AS SELECT * FROM demo_customers(?)", rows); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE h AS SELECT * FROM demo_customers(?, seed := 7)", holdout); err != nil {
		return err
	}
	fmt.Println("| label | hidden | learning_rate | seed | epochs run | seconds | test metric |")
	fmt.Println("|---|---|---|---|---|---|---|")
	n := 0
	for _, label := range labels {
		exclude := []string{"'customer_id'", "'true_segment'"}
		for _, t := range targets {
			if t != label {
				exclude = append(exclude, "'"+t+"'")
			}
		}
		metric := "roc_auc"
		if label == "spend_next_90d" {
			metric = "rmse"
		}
		for _, h := range hidden {
			for _, lr := range lrs {
				if _, err := strconv.ParseFloat(lr, 64); err != nil {
					return fmt.Errorf("-lrs: %q is not a number", lr)
				}
				for _, seed := range seeds {
					if _, err := strconv.Atoi(seed); err != nil {
						return fmt.Errorf("-seeds: %q is not an integer", seed)
					}
					n++
					model := fmt.Sprintf("m%d", n)
					// The values are this program's flags, checked above, not user data.
					q := fmt.Sprintf(`SELECT epochs_run, seconds FROM train_perceptron('%s', 'c', label := '%s',
						exclude := [%s], hidden := %s, learning_rate := %s, seed := %s)`,
						model, label, strings.Join(exclude, ", "), h, lr, seed)
					var epochs int
					var secs float64
					if err := db.QueryRowContext(ctx, q).Scan(&epochs, &secs); err != nil {
						return fmt.Errorf("%s %s lr %s seed %s: %w", label, h, lr, seed, err)
					}
					var m float64
					if err := db.QueryRowContext(ctx, "SELECT "+metric+" FROM evaluate(?, 'h')", model).Scan(&m); err != nil {
						return err
					}
					fmt.Printf("| %s | %s | %s | %s | %d | %.1f | %s %.4f |\n", label, h, lr, seed, epochs, secs, metric, m)
				}
			}
		}
	}
	return nil
}
