//go:build duckdb_arrow

package service

import (
	"context"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/sqlgen"
	"github.com/ducksight/ducksight/engine/training"
)

const fnModelSQL = "model_sql"

// ModelSQL is model_sql(model, dialect := ..., version := ..., source :=
// ...): version o.Version (0: the latest) of model compiled by
// engine/sqlgen to one SELECT statement in dialect o.Dialect that reads
// table o.Source and returns its columns and predict's scores
// (prediction and probability, probability_<class> for every class of a
// multiclass model; segment and distance for a kmeans model).
func ModelSQL(ctx context.Context, env Env, model string, o ModelSQLOptions) (string, error) {
	fn := fnModelSQL
	if err := CheckModelName(fn, model); err != nil {
		return "", err
	}
	name := o.Dialect
	if name == "" {
		name = DefaultDialect
	}
	d, err := sqlgen.ParseDialect(name)
	if err != nil {
		return "", dserr.Arg(fn, "dialect", "%v", err)
	}
	if o.Version < 0 {
		return "", dserr.AtLeast(fn, "version", 1, o.Version)
	}
	rec, err := env.Record(ctx, fn, model, o.Version)
	if err != nil {
		return "", Err(ctx, fn, err)
	}
	doc, err := decodeKind(fn, rec, takesAll)
	if err != nil {
		return "", Err(ctx, fn, err)
	}
	var text string
	switch doc := doc.(type) {
	case *training.Document:
		text, err = sqlgen.Perceptron(d, o.Source, doc)
	case *training.TreesDocument:
		text, err = sqlgen.Trees(d, o.Source, doc)
	case *clustering.Document:
		text, err = sqlgen.KMeans(d, o.Source, doc)
	default:
		return "", WrongKind(fn, rec, takesAll.words)
	}
	if err != nil {
		return "", dserr.New(dserr.Internal, fn, "model", "model %q version %d: %v", rec.Name, rec.Version, err)
	}
	return text, nil
}
