//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/store"
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

// exportModelName is the function's SQL name, which its Go entry point reports errors under.
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
	if _, err := filePath(a.fn, path); err != nil {
		return nil, err
	}
	version, err := versionArg(a)
	if err != nil {
		return nil, err
	}
	h, sp := b.Host, b.SearchPath
	return &rowsBound{cols: resultColumns(exportModelColumns), compute: func(ctx context.Context) ([][]any, error) {
		r, err := ExportModel(ctx, h, sp, name, version, path)
		if err != nil {
			return nil, err
		}
		return [][]any{{r.Model, r.Version, r.Path, r.Bytes}}, nil
	}}, nil
}

// Exported is export_model's result row.
type Exported struct {
	Model   string
	Version int
	Path    string // absolute
	Bytes   int64
}

// ExportModel writes version (0: the latest) of model name, from the
// default database of searchPath ("" for the default), to the file at
// path, replacing it atomically, as export_model does. It is refused when
// enable_external_access is false.
func ExportModel(ctx context.Context, h *udf.Host, searchPath, name string, version int, path string) (*Exported, error) {
	fn := exportModelName
	if version < 0 {
		return nil, dserr.Arg(fn, "version", "must be at least 1 (or 0 for the latest), got %d", version)
	}
	abs, err := filePath(fn, path)
	if err != nil {
		return nil, err
	}
	if err := checkFileAccess(ctx, h, fn); err != nil {
		return nil, err
	}
	conn, err := h.Conn(ctx, searchPath)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	defer conn.Close()
	rec, err := store.Load(ctx, conn, name, version)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "model", err)
	}
	n, err := store.WriteFile(abs, rec)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "path", err)
	}
	return &Exported{Model: rec.Name, Version: rec.Version, Path: abs, Bytes: n}, nil
}
