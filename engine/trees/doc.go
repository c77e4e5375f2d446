// Package trees is the gradient-boosted trees kernel: histogram-based
// training of regression trees on binned features (XGBoost's and
// LightGBM's "hist" method) with log loss, softmax or squared error, and
// scoring of the ensemble on raw column values.
//
// # The model
//
// A Model is an ensemble of Trees over its Columns. Every tree is stored
// in flat arrays (one entry per node, node 0 the root), as XGBoost's JSON
// model does: an internal node splits on one column, a leaf holds a value
// (the learning rate already applied). The raw score of output k of a row
// is Base[k] plus the leaf values reached in the trees of output k: for
// binary and regression models every tree (one output), for multiclass the
// trees Trees[r*K+k] of every round r.
//
// # Inputs
//
// Scoring and training read columns as float64 values, column-major (x[j]
// holds column j of every row): a numeric column (numbers, DATE and
// TIMESTAMP as numbers) as is, NaN for a missing value (NULL or NaN); a
// categorical column (VARCHAR, ENUM, BOOLEAN) as its level's code, 0 ..
// len(Levels)-1 for the kept training levels, len(Levels) for any other
// level ("other", unseen levels at scoring too), NaN for NULL. +Inf and
// -Inf are ordinary values of a numeric column (they fall in the end bins).
//
// # Splits
//
// A numeric split sends x < Threshold left and x >= Threshold right; a
// categorical split sends the codes listed in Categories left and every
// other code right. A missing value (NaN) goes left when DefaultLeft,
// right otherwise: the direction training found best, never an imputed
// value.
//
// Like the rest of ducksight's kernels, this package imports neither udf
// nor duckdb-go.
package trees
