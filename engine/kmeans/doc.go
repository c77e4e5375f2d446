// Package kmeans clusters the rows of a dense row-major float64 matrix with
// k-means: k-means++ or random initialisation, Lloyd iterations, several
// initialisations keeping the best, and the quality measures used to judge
// and choose k (inertia, silhouette, Davies-Bouldin, adjusted Rand index).
//
// Fit clusters a matrix held in memory; FitFrom starts from given centroids.
// For data that does not fit in memory, an Accumulator runs one Lloyd
// iteration over a stream of batches: Add assigns each batch to the current
// centroids and sums it, Next turns the sums into the new centroids. Fit is
// built on the Accumulator, so streaming the same rows in batches of any size
// gives the same centroids bit for bit as fitting them in one slice.
//
// The Model holds the centroids and per-cluster sizes; Assign labels new rows
// with their nearest centroid. Model is a plain value with exported fields that
// round-trips through encoding/json.
//
// # Algorithm
//
// The objective is the weighted inertia, sum over rows of w_i*||x_i - c||^2
// to the nearest centroid c. Each of Config.NInit runs starts from its own
// initialisation and does Lloyd iterations until the centroid shift (the sum
// over clusters of the squared distance each centroid moved) is at most
// Config.Tol times the mean column variance of the data, as scikit-learn's
// KMeans(algorithm="lloyd") does, or until Config.MaxIter iterations. The run
// with the lowest inertia wins; ties go to the earlier run.
//
// Initialisation "kmeans++" is the greedy k-means++ of scikit-learn: the
// first centroid is a row drawn with probability proportional to its weight;
// each further centroid is the best of 2+floor(ln k) candidates drawn with
// probability proportional to w_i*D(x_i)^2 (D is the distance to the nearest
// centroid chosen so far), the one that lowers the potential sum w_i*D(x_i)^2
// the most. "random" picks k distinct rows, with probability proportional to
// their weight.
//
// A cluster left without weight after an assignment step is re-seeded with
// the row farthest from its own centroid (ties: the earlier row), taken out
// of that row's cluster, as scikit-learn does; several empty clusters take
// the farthest rows in order. A row is only moved when it lies at a positive
// distance from its centroid and its cluster keeps other rows; a cluster for
// which no such row is left stays empty (its size is 0), which happens only
// when the data has fewer distinct rows than k.
//
// # Determinism and speed
//
// Every random choice comes from Config.Seed (run r of Fit draws from the PCG
// stream (Seed, r), read with a fixed recipe, so results do not change with
// the Go release). The same data, weights and Config give the same model bit
// for bit, whatever GOMAXPROCS is: rows are cut into fixed 1024-row shards
// (numbered from the first row of the pass, across batches) whose assignment
// and partial sums are computed in parallel, up to GOMAXPROCS goroutines, and
// always added in shard order. A squared distance is always summed over the
// columns in order, so a row's distance to a centroid has the same bits
// wherever it is computed (Fit, Assign, Silhouette); the kernels get their
// speed from computing four distances at once, not from reordering a sum.
//
// Like the rest of ducksight's kernels, this package imports neither udf nor
// duckdb-go.
package kmeans
