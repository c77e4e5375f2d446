// Package sqlgen compiles a stored model to one SQL SELECT statement that
// scores the rows of a table in another database as predict does: the
// model's preprocessing (standardisation, NULL imputation and indicators,
// one-hot encoding with its 'other' and NULL levels, DATE and TIMESTAMP
// encodings), then the model (a perceptron's layers and activations, a
// boosted ensemble's trees as nested CASE expressions, k-means' nearest
// centroid), then the link (sigmoid, softmax) and the decision.
//
// The statement is a sequence of stages, each a list of named expressions
// over the source row (stage 0) or earlier stages' names: every input,
// hidden unit, tree sum and centroid distance is written once and referred
// to by name afterwards, so the text grows linearly with the model. In the
// duckdb and postgres dialects every stage is a common table expression
// that carries the source row as one composite value (MATERIALIZED in
// PostgreSQL, whose planner would otherwise copy each reference's
// expression into the next stage). ClickHouse 18.16 has no CTE subqueries
// and copies every reference to a SELECT-level alias the same way, so in
// the clickhouse dialect each stage is an array bound once to a lambda
// parameter, and one ARRAY JOIN binds the tuple of outputs for the SELECT
// list (see program.clickhouse).
//
// Every number is written as a DOUBLE literal that reads back to the same
// bits (Dialect.Float), and sums are written in the order the Go kernels
// add, so the SQL reproduces predict to rounding (exp may differ from Go's
// in the last bit). Every exponential's argument is at most 0 by
// construction and clamped below at -700 (PostgreSQL's exp raises an error
// on underflow). NaN and infinite values flow through the arithmetic as in
// Go, and an output is NULL where predict's is: a NaN probability, a
// prediction or distance that is not finite.
//
// The dialect primitives (Ident, Table, Str, Float, Double) are shared
// with other code that writes SQL for these engines.
package sqlgen
