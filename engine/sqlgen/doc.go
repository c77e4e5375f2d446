// Package sqlgen compiles a stored model to one SQL SELECT statement that
// scores the rows of a table in another database as predict does: the
// model's preprocessing (standardisation, NULL imputation and indicators,
// one-hot encoding with its 'other' and NULL levels, DATE and TIMESTAMP
// encodings), then the model (a perceptron's layers and activations, a
// boosted ensemble's trees as nested CASE expressions, k-means' nearest
// centroid), then the link (sigmoid, softmax) and the decision.
//
// The statement is text that grows linearly with the model: each input,
// hidden unit, tree and centroid is written once and referred to by name
// afterwards. In the duckdb and postgres dialects every stage is a common
// table expression that carries the source row as one composite value; in
// the clickhouse dialect (ClickHouse 18.16 has no CTE subqueries) the
// stages are expression aliases of one SELECT.
//
// Every number is written as a DOUBLE literal that reads back to the same
// bits (strconv's shortest 'e' form), and every exponential has its
// argument clamped to [-700, 700] (PostgreSQL's exp raises an error on
// overflow and underflow). Sums are written in the order the Go kernels
// add, so the SQL reproduces predict to rounding.
package sqlgen
