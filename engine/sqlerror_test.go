package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
)

// An unknown named argument of a ducksight function, which DuckDB rejects
// before ducksight sees the call, reaches a Go caller of QueryContext and
// ExecContext in the function's terms, from the registry; DuckDB's error
// is still in it.
func TestUnknownNamedArgument(t *testing.T) {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()

	_, err = e.QueryContext(ctx, `SELECT * FROM predict('m', 'c', thresold := 0.3)`)
	want := `Binder Error: predict: unknown argument "thresold" (did you mean threshold?); its named arguments: threshold, version`
	if err == nil || !strings.HasPrefix(err.Error(), want+"\n\nLINE 1: SELECT * FROM predict(") {
		t.Errorf("QueryContext: %v\nwant it to start with %s", err, want)
	}
	var de *duckdb.Error
	if !errors.Is(err, dserr.InvalidArgument) || !errors.As(err, &de) || de.Type != duckdb.ErrorTypeBinder {
		t.Errorf("QueryContext's error %v: wraps neither dserr.InvalidArgument nor DuckDB's binder error", err)
	}

	_, err = e.ExecContext(ctx, `CREATE TABLE t AS SELECT * FROM models(name := 'x')`)
	if want := `Binder Error: models: unknown argument "name"; it takes no named arguments`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("ExecContext: %v\nwant it to start with %s", err, want)
	}

	// Not ducksight's function, and not that error: as DuckDB says them.
	_, err = e.QueryContext(ctx, `SELECT * FROM read_csv('x.csv', hedaer := true)`)
	if err == nil || !strings.HasPrefix(err.Error(), `Binder Error: Invalid named parameter "hedaer" for function read_csv`) {
		t.Errorf("read_csv: %v", err)
	}
	_, err = e.QueryContext(ctx, `SELECT * FROM predict('nope', 'c')`)
	if err == nil || !strings.Contains(err.Error(), `predict: model: no model named "nope"`) {
		t.Errorf("unknown model: %v", err)
	}
	if engine.SQLError(nil) != nil {
		t.Error("SQLError(nil) is not nil")
	}
	// SQLError serves a caller of DB() too.
	_, err = e.DB().QueryContext(ctx, `SELECT * FROM split('c', seeed := 1)`)
	if err = engine.SQLError(err); err == nil || !strings.HasPrefix(err.Error(), `Binder Error: split: unknown argument "seeed" (did you mean seed?)`) {
		t.Errorf("SQLError of DB()'s error: %v", err)
	}
}
