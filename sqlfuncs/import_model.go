//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// import_model(model, path): reads a model file written by export_model
// and saves it as a new version of model.

// importModelColumns are import_model's result columns.
var importModelColumns = []ColumnDoc{
	{"model", "VARCHAR", "model name (the one given, not the one in the file)"},
	{"version", "INTEGER", "the version the import saved"},
	{"path", "VARCHAR", "the file read (absolute path)"},
}

// importModelName is the function's SQL name.
const importModelName = "import_model"

var importModelFn = &Function{
	Name:    importModelName,
	Summary: "read a model file written by export_model and save it as a new version of a model",
	Example: "SELECT * FROM import_model('churn', 'churn.model.json');",
	Columns: importModelColumns,
	Table: &udf.TableFunc{
		Name: importModelName,
		Bind: bindImportModel,
		Args: []udf.Param{
			withDoc(modelParam, "model name to save under; an existing name gets a new version"),
			{Name: "path", Type: udf.Varchar, Doc: "model file to read"},
		},
		Mutates: true,
	},
}

func bindImportModel(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, err := a.str(0)
	if err != nil {
		return nil, err
	}
	if err := service.CheckModelName(a.fn, name); err != nil {
		return nil, err
	}
	path, err := a.str(1)
	if err != nil {
		return nil, err
	}
	if err := service.CheckPath(a.fn, path); err != nil {
		return nil, err
	}
	env := envOf(b)
	return &rowsBound{cols: resultColumns(importModelColumns), prepare: func(ctx context.Context) ([][]any, func(context.Context) error, error) {
		r, p, err := service.PrepareImport(ctx, env, name, path)
		if err != nil {
			return nil, nil, err
		}
		return [][]any{{r.Model, r.Version, r.Path}}, p.Commit, nil
	}}, nil
}
