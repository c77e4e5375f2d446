//go:build duckdb_arrow

package udf

import (
	"context"
	"testing"
)

// GlobalSetting sees a GLOBAL setting changed on another connection, and
// reports a setting that does not exist. It relies on
// enable_external_access being GLOBAL, which the first query checks.
func TestGlobalSetting(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, "")
	var scope string
	if err := db.QueryRow(`SELECT scope FROM duckdb_settings() WHERE name = 'enable_external_access'`).Scan(&scope); err != nil {
		t.Fatal(err)
	}
	if scope != "GLOBAL" {
		t.Fatalf("enable_external_access has scope %s: GlobalSetting cannot read it for a caller", scope)
	}
	get := func(name string) (string, bool) {
		t.Helper()
		v, ok, err := db.host.GlobalSetting(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return v, ok
	}
	if v, ok := get("enable_external_access"); v != "true" || !ok {
		t.Errorf("enable_external_access = %q, %v before SET", v, ok)
	}
	if v, ok := get("threads"); v == "" || !ok {
		t.Errorf("threads = %q, %v", v, ok)
	}
	if _, ok := get("no_such_setting"); ok {
		t.Error("a setting that does not exist was found")
	}
	mustExec(t, db, `SET enable_external_access = false`)
	if v, ok := get("enable_external_access"); v != "false" || !ok {
		t.Errorf("enable_external_access = %q, %v after SET ... = false", v, ok)
	}
	if n := db.host.NestedCount(); n != 0 {
		t.Errorf("%d nested connections left open", n)
	}
}
