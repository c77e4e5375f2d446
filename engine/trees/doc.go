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
// split is found as the next section says; a node without missing values
// sends them to its child of the larger cover. Histograms are summed per
// (node, column) in row order by one goroutine and every other reduction
// in fixed blocks, so a model is bit-identical whatever GOMAXPROCS is.
//
// # Categorical splits
//
// A categorical split sends one end of an order of the node's levels left
// and the rest right, the order by gradient statistics (LightGBM's, after
// Fisher's grouping of ordered means), missing values on either side.
// A column of at most Config.CatExactLevels levels (4: BOOLEAN, small
// enums) is searched exactly: every level present ordered by G/(H+l2),
// every prefix tried, unregularised. Columns of more levels follow
// LightGBM's regularised rule (FindBestThresholdCategoricalInner) with its
// defaults, since the exact search over tens of levels fits their noise:
//
//   - a level of fewer than CatMinRows (10) rows in the node stays out of
//     the order and goes right;
//   - the others are ordered by G/(H+CatSmooth) (CatSmooth 10), which draws
//     small levels towards the middle of the order;
//   - the left side is the first k or the last k levels of the order, k at
//     most CatMaxLevels (32) and half the ordered levels;
//   - the scan tries a split only after adding CatMinGroupRows (100) rows
//     to the left side since the last one it tried, and while the right
//     side keeps that many rows;
//   - the gain is taken with the children's l2 raised by CatL2 (10), the
//     parent's at l2: this penalised gain is compared with the other
//     columns' splits and recorded in Tree.Gain. Leaf values keep l2.
//
// Unlike LightGBM, missing values are tried on both sides rather than
// sent right, as everywhere in this package. XGBoost 1.7 bounds its
// partitions only by max_cat_threshold (64) and by ordering a level of
// hessian sum below min_child_weight as if its gradient were 0.
//
// Like the rest of ducksight's kernels, this package imports neither udf
// nor duckdb-go.
package trees
