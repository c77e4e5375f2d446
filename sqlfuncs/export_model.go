//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// export_model(model, path, version := N): writes a stored model version
// to a file (the format is in engine/store/export.go).

// exportModelColumns are export_model's result columns.
var exportModelColumns = []ColumnDoc{
	{"model", "VARCHAR", "model name"},
	{"version", "INTEGER", "the version written"},
	{"path", "VARCHAR", "the file written (absolute path)"},
	{"bytes", "BIGINT", "size of the file"},
}

// exportModelName is the function's SQL name.
const exportModelName = "export_model"

var exportModelFn = &Function{
	Name:    exportModelName,
	Summary: "write a stored model version to a JSON model file that import_model reads",
	Example: "SELECT * FROM export_model('churn', 'churn.model.json');",
	Columns: exportModelColumns,
	Table: &udf.TableFunc{
		Name: exportModelName,
		Bind: bindExportModel,
		Args: []udf.Param{
			modelParam,
			{Name: "path", Type: udf.Varchar, Doc: "file to write; an existing file is replaced (atomically)"},
		},
		Named: []udf.Param{versionParam},
		// Writing a file is a side effect a data query must not have
		// (DuckDB's COPY is refused there too).
		Mutates: true,
	},
}

func bindExportModel(b *udf.BindContext) (udf.Bound, error) {
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
	version, err := versionArg(a)
	if err != nil {
		return nil, err
	}
	env := envOf(b)
	return &rowsBound{cols: resultColumns(exportModelColumns), compute: func(ctx context.Context) ([][]any, error) {
		r, err := service.ExportModel(ctx, env, name, path, service.ExportOptions{Version: version})
		if err != nil {
			return nil, err
		}
		return [][]any{{r.Model, r.Version, r.Path, r.Bytes}}, nil
	}}, nil
}
