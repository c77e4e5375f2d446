//go:build duckdb_arrow

package udf

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
)

// TestAttachRefusesDuplicateNames: two functions of one name, a function
// named like the internal marker, or two parameters of one name are
// refused before anything is registered, so the database is left as it
// was and a later Attach of a valid set works.
func TestAttachRefusesDuplicateNames(t *testing.T) {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	ctx := context.Background()
	one := func(name string, params ...Param) *TableFunc {
		return &TableFunc{Name: name, Args: params, Bind: emitFunc.Bind}
	}
	cases := []struct {
		fns  []Func
		want string
	}{
		{[]Func{one("t_dup"), emitFunc, one("t_dup")}, `ducksight: functions: two functions are named "t_dup"`},
		{[]Func{one("t_dup"), &ScalarFunc{Name: "t_dup", Args: []Param{{Name: "row", Type: Row}}}}, `ducksight: functions: two functions are named "t_dup"`},
		{[]Func{one(hostFuncName)}, `ducksight: functions: two functions are named "` + hostFuncName + `"`},
		{[]Func{one("t_dup", Param{Name: "n", Type: BigInt}, Param{Name: "n", Type: BigInt})}, `ducksight: functions: t_dup has two parameters named "n"`},
		{[]Func{&TableFunc{Name: "t_dup", Args: []Param{{Name: "n", Type: BigInt}}, Named: []Param{{Name: "n", Type: BigInt}}, Bind: emitFunc.Bind}}, `ducksight: functions: t_dup has two parameters named "n"`},
	}
	for _, tc := range cases {
		_, err := Attach(ctx, c, tc.fns...)
		if err == nil || err.Error() != tc.want || !errors.Is(err, dserr.InvalidArgument) {
			t.Errorf("Attach: %v, want %q", err, tc.want)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM duckdb_functions() WHERE function_name IN ('t_dup', 't_emit', '` + hostFuncName + `')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("a refused Attach registered %d functions", n)
	}
	if _, err := Attach(ctx, c, one("t_dup"), emitFunc); err != nil {
		t.Fatalf("a valid set after the refused ones: %v", err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM t_dup(3)`).Scan(&n); err == nil {
		t.Fatal("t_dup has no parameter, yet t_dup(3) bound")
	}
}

// TestBindSeesItsFunc: Bind reaches the function it binds through
// BindContext.Func, so a declaration can set Bind without referring to
// itself.
func TestBindSeesItsFunc(t *testing.T) {
	var seen *TableFunc
	f := &TableFunc{Name: "t_self", Args: []Param{{Name: "n", Type: BigInt}}}
	f.Bind = func(b *BindContext) (Bound, error) {
		seen = b.Func
		return emitFunc.Bind(b)
	}
	var seenScalar *ScalarFunc
	s := &ScalarFunc{Name: "t_self_scalar", Args: []Param{{Name: "row", Type: Row}}, Returns: Double}
	s.Bind = func(b *ScalarBindContext) (ScalarBound, error) {
		seenScalar = b.Func
		return onesBound{}, nil
	}
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	if _, err := Attach(context.Background(), c, f, s); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t_self(4)`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("t_self(4): %d rows, %v", n, err)
	}
	if seen != f {
		t.Fatalf("BindContext.Func = %p, want the bound function %p", seen, f)
	}
	var x float64
	if err := db.QueryRow(`SELECT sum(t_self_scalar({'a': 1.5}))`).Scan(&x); err != nil {
		t.Fatal(err)
	}
	if seenScalar != s {
		t.Fatalf("ScalarBindContext.Func = %p, want the bound function %p", seenScalar, s)
	}
}

// onesBound scores every row 1.
type onesBound struct{}

func (onesBound) Eval(rows arrow.RecordBatch, out *ScalarOutput) error {
	vals := out.Float64s()
	for i := range vals {
		vals[i] = 1
	}
	return nil
}
func (onesBound) Close() error { return nil }
