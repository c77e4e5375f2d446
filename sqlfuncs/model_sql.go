//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// model_sql(model, dialect := 'duckdb', version := N, source := ...): a
// stored model compiled to one SQL SELECT that scores a table as predict
// does.

var modelSQLColumns = []ColumnDoc{
	{"sql", "VARCHAR", "a SELECT statement that returns every column of source, then predict's columns: prediction and probability, probability_<class> for each class of a multiclass model; segment and distance for a kmeans model"},
}

const modelSQLName = "model_sql"

var modelSQLFn = &Function{
	Name:    modelSQLName,
	Summary: "a stored model compiled to one SQL SELECT (DuckDB, ClickHouse or PostgreSQL) that scores a table as predict does",
	Example: "SELECT sql FROM model_sql('churn', dialect := 'postgres', source := 'customers');",
	Columns: modelSQLColumns,
	Table: &udf.TableFunc{
		Name: modelSQLName,
		Bind: bindModelSQL,
		Args: []udf.Param{modelParam},
		Named: []udf.Param{
			{Name: "dialect", Type: udf.Varchar, Doc: "the SQL dialect of the statement (see below)", Default: service.DefaultDialect, Choices: []string{"duckdb", "clickhouse", "postgres"}},
			versionParam,
			{Name: "source", Type: udf.Varchar, Doc: "the table the statement reads, quoted as an identifier in the dialect (each part of a dotted name on its own)", DefaultDoc: "the placeholder ducksight_source"},
		},
	},
}

func bindModelSQL(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, version, err := a.modelVersion()
	if err != nil {
		return nil, err
	}
	dialect, err := a.string("dialect")
	if err != nil {
		return nil, err
	}
	source, err := a.namedText("source")
	if err != nil {
		return nil, err
	}
	o := service.ModelSQLOptions{Dialect: dialect, Version: version}
	if source != nil {
		// The Go API's empty Source is the placeholder; in SQL the
		// placeholder is the argument left out.
		if strings.TrimSpace(*source) == "" {
			return nil, dserr.Arg(modelSQLName, "source", "must not be empty (leave it out for the placeholder %s)", service.SourcePlaceholder)
		}
		o.Source = *source
	}
	text, err := service.ModelSQL(b.Ctx, envOf(b), name, o)
	if err != nil {
		return nil, err
	}
	return &rowsBound{cols: resultColumns(modelSQLColumns), compute: func(context.Context) ([][]any, error) {
		return [][]any{{text}}, nil
	}}, nil
}
