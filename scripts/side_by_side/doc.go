// Command side_by_side is the ducksight half of
// scripts/sklearn_side_by_side.py, which compares ducksight with
// scikit-learn (see the section "scikit-learn side by side" of
// docs/performance.md). It prints JSON on standard output.
//
//	side_by_side quality -seed 42 -train 100000 -test 50000
//
// trains train_perceptron with its defaults (hidden := [] and [16]) on rows
// 1..train of demo_customers(train+test, seed := seed) for the labels
// churned and purchased_next_30d, scores rows train+1..train+test with
// predict, and reports the test AUCs next to the Bayes-optimal AUC (of the
// generator's true probabilities, engine/demo).
//
//	side_by_side serve -dir /tmp/sbs -write
//
// builds the 1M x 16 DOUBLE table of sqlfuncs/train_bench_test.go (and a
// 200k-row test table drawn the same way from other hashes), optionally
// writes both as .npy files for scikit-learn, then answers commands on
// standard input, one JSON line each: "scan" times DuckDB's
// SELECT sum(c1)+...+sum(c16) over the training table; "train N" times the
// whole train_perceptron statement with Adam (solver := 'adam' and its
// defaults when N is 0, else epochs := N, early_stopping := false) and
// reports the model's test AUC; "trainargs ARGS" times
// train_perceptron('m', 'wide', label := 'y', ARGS) (ARGS: named
// arguments as SQL text, none for every default) and also reports the
// model's weights and standardisation and each epoch's (L-BFGS
// iteration's) seconds from training_info. The Python driver alternates
// these with scikit-learn's fits.
//
// It needs -tags duckdb_arrow, like everything that uses package engine:
//
//	go run -tags duckdb_arrow ./scripts/side_by_side quality
package main
