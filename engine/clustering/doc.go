// Package clustering is the segment job: it segments the rows of any
// source of Arrow batches with k-means (package kmeans) over the distance
// preprocessing of package features, chooses k by silhouette when asked,
// numbers the segments by size and profiles them, and returns the model
// document predict and the segment_* functions read. It is pure Go: the
// SQL function (sqlfuncs/segment.go) hands it a data query as a Source.
package clustering
