//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/store"
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

// importModelName is the function's SQL name, which its Go entry point reports errors under.
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
	if _, err := filePath(a.fn, path); err != nil {
		return nil, err
	}
	h, sp := b.Host, b.SearchPath
	return &rowsBound{cols: resultColumns(importModelColumns), prepare: func(ctx context.Context) ([][]any, func(context.Context) error, error) {
		r, p, err := prepareImport(ctx, h, sp, name, path)
		if err != nil {
			return nil, nil, err
		}
		return [][]any{{r.Model, r.Version, r.Path}}, p.Commit, nil
	}}, nil
}

// Imported is import_model's result row.
type Imported struct {
	Model   string
	Version int
	Path    string // absolute
}

// ImportModel reads the model file at path, checks it (store.ReadFile),
// and saves it as a new version of model name in the default database of
// searchPath ("" for the default), as import_model does. Nothing is saved
// when the file fails a check. It is refused when enable_external_access
// is false, and on a read-only database.
func ImportModel(ctx context.Context, h *udf.Host, searchPath, name, path string) (*Imported, error) {
	r, p, err := prepareImport(ctx, h, searchPath, name, path)
	if err != nil {
		return nil, err
	}
	if err := p.Commit(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// prepareImport reads and checks the model file at path and reserves the
// version it is to be saved as; the returned pendingSave saves it.
func prepareImport(ctx context.Context, h *udf.Host, searchPath, name, path string) (*Imported, *service.PendingSave, error) {
	fn := importModelName
	if err := service.CheckModelName(fn, name); err != nil {
		return nil, nil, err
	}
	abs, err := filePath(fn, path)
	if err != nil {
		return nil, nil, err
	}
	if err := checkFileAccess(ctx, h, fn); err != nil {
		return nil, nil, err
	}
	conn, err := h.Conn(ctx, searchPath)
	if err != nil {
		return nil, nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	defer conn.Close()
	writable, err := store.Writable(ctx, conn)
	if err != nil {
		return nil, nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	if !writable {
		return nil, nil, dserr.New(dserr.Refused, fn, "model", "cannot save: the database is read-only")
	}
	rec, err := store.ReadFileContext(ctx, abs)
	if err != nil {
		return nil, nil, dserr.Wrap(dserr.Internal, fn, "path", err)
	}
	rec.Name = name
	p, err := service.Reserve(ctx, service.Env{Host: h, SearchPath: searchPath}, fn, rec)
	if err != nil {
		return nil, nil, err
	}
	return &Imported{Model: name, Version: p.Version(), Path: abs}, p, nil
}
