package service

import "github.com/ducksight/ducksight/engine/sqlgen"

// DefaultDialect is model_sql's dialect when ModelSQLOptions.Dialect is
// empty.
const DefaultDialect = string(sqlgen.DuckDB)

// SourcePlaceholder is the table a model_sql statement reads when
// ModelSQLOptions.Source is empty, quoted as an identifier of the
// dialect: replace it with the table to score.
const SourcePlaceholder = sqlgen.Placeholder

// ModelSQLOptions are model_sql's named arguments.
type ModelSQLOptions struct {
	// Dialect is the SQL dialect: "duckdb" (the default, ""),
	// "clickhouse" or "postgres", in any case.
	Dialect string
	// Version is the model version; 0 is the latest.
	Version int
	// Source is the table the statement reads (a dotted name's parts are
	// quoted one by one); empty for SourcePlaceholder.
	Source string
}
