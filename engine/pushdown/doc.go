// Package pushdown trains a perceptron without hidden layers where the
// data lives: every pass over the rows is one aggregate query that a SQL
// engine (DuckDB, ClickHouse) runs over the table, and only aggregates
// come back. It writes the SQL text of each dialect (quoting and literals
// from engine/sqlgen), turns the fit pass's aggregates into the same
// preprocessing (features.Encoder) and statistics block
// (features.Statistics) local training builds, and drives the exact
// solver (perceptron.Minimize: the local objective, starting point and
// L-BFGS settings) with one loss+gradient query per evaluation.
//
// The sums are exact by default: every per-row term is cut to a scaled
// 64-bit integer, summed as a 128-bit one (DuckDB HUGEINT, ClickHouse
// Decimal128), the scale chosen from the fit pass so that neither
// overflows, so the result does
// not depend on how the engine splits the rows among threads or shards,
// and both engines sum the same integers. In ClickHouse every query is
// one aggregate over the table itself (never a subquery around it: on a
// Distributed table that would bring every row to the initiator), its
// per-row terms named once with expression aliases; DuckDB reads them
// from a projection of the rows. The package runs no query itself: a
// Runner does, and it is the only piece that talks to a database.
package pushdown
