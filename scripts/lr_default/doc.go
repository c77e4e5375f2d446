// Command lr_default measures train_perceptron's learning_rate against the
// hidden layers, to choose the default (see the section "learning_rate
// default" of docs/performance.md). It trains on
// demo_customers(rows) and evaluates on demo_customers(holdout, seed := 7),
// a sample the training never sees, and prints one Markdown table row per
// model as it finishes: label, hidden, learning_rate, seed, epochs run,
// seconds of the training, and the test metric (evaluate's roc_auc for the
// binary labels, rmse for spend_next_90d). Every other option is at its
// default (adam, batch 256, 50 epochs with early stopping).
//
//	go run -tags duckdb_arrow ./scripts/lr_default
//	go run -tags duckdb_arrow ./scripts/lr_default -labels churned -lrs 0.01,0.003,0.001
//
// It needs -tags duckdb_arrow, like everything that uses package engine.
package main
