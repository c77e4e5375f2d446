//go:build duckdb_arrow

package service

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/ducksight/ducksight/dserr"
)

// Files that export_model writes and import_model reads.

// checkFileAccess refuses file access when DuckDB's enable_external_access
// is false, as DuckDB refuses COPY and read_csv then, before any file is
// touched. enable_external_access is a GLOBAL setting (the whole database
// instance has one value, and once false it cannot be set back), so the
// host's own connection reads the caller's value. allowed_directories and
// allowed_paths are not consulted: with external access disabled,
// ducksight reads and writes no file at all.
func (e Env) checkFileAccess(ctx context.Context, fn string) error {
	v, ok, err := e.Host.GlobalSetting(ctx, "enable_external_access")
	if err != nil {
		return dserr.Wrap(dserr.Internal, fn, "", err)
	}
	if ok && strings.EqualFold(v, "false") {
		return dserr.New(dserr.Refused, fn, "path", "refused: file access is disabled (enable_external_access = false)")
	}
	return nil
}

// CheckPath refuses a path argument of fn that export_model and
// import_model refuse (empty, or ending in a path separator), before the
// call runs.
func CheckPath(fn, path string) error {
	_, err := filePath(fn, path)
	return err
}

// filePath checks a path argument and makes it absolute: a relative path
// is relative to the working directory of the process, as in DuckDB's
// COPY. A path ending in a separator is refused (making it absolute would
// drop the separator and name the file anyway).
func filePath(fn, path string) (string, error) {
	if strings.TrimSpace(path) == "" {
		return "", dserr.Arg(fn, "path", "must not be empty")
	}
	if strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(filepath.Separator)) {
		return "", dserr.Arg(fn, "path", "%q: must name a file: it ends in a path separator", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", dserr.Arg(fn, "path", "%q: %v", path, err)
	}
	return abs, nil
}
