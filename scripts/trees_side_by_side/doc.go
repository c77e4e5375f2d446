// Command trees_side_by_side is the ducksight half of
// scripts/trees_side_by_side/xgb_side_by_side.py, which compares
// ducksight's boosted trees (and, for the bars of the issue, the
// perceptron) with XGBoost and scikit-learn on the same rows. It prints
// JSON on standard output. See README.md beside it for the datasets, the
// protocol and how to run the whole comparison.
//
//	trees_side_by_side quality -out DIR [-data DIR] [-seeds 42,7] [-splits 5] [-models ...] [-predictions] [-tune-budget 120] [-tune-args SQL] [-tune-trials-test]
//
// builds, in one DuckDB database, the train and test tables of every task:
// demo_customers churn for each seed of -seeds (rows 1..100,000 train, the
// next 50,000 test), and, when -data names the output directory of
// extract_modeldata.R, five public customer datasets with -splits seeded
// splits each (a row is a test row when hash(split * 2^32 + rid) % 4 = 0). It writes
// every table to DIR as CSV (COPY ... (HEADER)) for the Python side, trains
// the ducksight models of -models on each task, scores the test table with
// predict and reports the test AUCs; with -predictions it also writes each
// model's test probabilities, keyed by the task's key column (rid, or
// customer_id for demo_customers), for the logistic part's comparison. The
// model tune runs tune(kind := 'auto', time_budget := -tune-budget), with
// the named arguments of -tune-args after them when given, and
// reports, besides the test AUC of the version it saved, that version's
// trial_info rows and winning kind; a tune that fails is reported with its
// error and the run goes on; with -tune-trials-test every trial's
// configuration is also trained alone and its test AUC reported (which trial
// would have won on the test rows, and what halving stopped). Models whose
// SQL function is not
// registered in this build (train_boosted_trees before it lands) are
// reported with "available": false, so the same command measures them once
// they exist.
//
//	trees_side_by_side serve -dir DIR -write
//
// builds the 1M x 16 DOUBLE table of sqlfuncs/train_bench_test.go and a
// 200k-row test table drawn the same way from other hashes
// (scripts/internal/widetable), optionally writes them as .npy files, then
// answers commands on standard input, one JSON line each: "scan" times
// DuckDB's SELECT sum(c1)+...+sum(c16); "trees N" times the whole
// train_boosted_trees statement with N trees, depth 6, learning rate 0.1,
// 255 bins, no early stopping and no validation rows, and reports the test
// AUC; "predict" times SELECT sum(probability) FROM predict(...) over the
// training table with the last model trained.
//
// It needs -tags duckdb_arrow, like everything that uses package engine.
package main
