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
// # Training
//
// Train grows the ensemble as XGBoost's hist method does. Every column is
// binned once into one byte per value: a numeric column into at most
// MaxBins intervals cut midway between two distinct values (so a threshold
// is in the column's units), exactly between all distinct values when they
// fit, else at the quantiles of the sorted values, of a seeded sample of
// about 262144 rows when there are more rows than that; a categorical
// column one bin per code; missing values a bin of their own in both.
// Trees grow depth-wise from per-node histograms of gradient, hessian and
// row count (the smaller child's summed over its rows, the larger's the
// parent's minus the smaller's), with XGBoost's gain
//
//	1/2 (G_L^2/(H_L+l2) + G_R^2/(H_R+l2) - G^2/(H+l2)) - min_split_gain
//
// under min_child_weight and min_rows_in_leaf. A numeric split scans the
// bins left to right with missing values on either side; a categorical
// split orders the codes present by G/(H+l2) (as LightGBM does) and scans
// that order; a node without missing values sends them to its child of
// the larger cover. Histograms are summed per (node, column) in row order
// by one goroutine and every other reduction in fixed blocks, so a model is
// bit-identical whatever GOMAXPROCS is.
//
// Like the rest of ducksight's kernels, this package imports neither udf
// nor duckdb-go.
package trees
