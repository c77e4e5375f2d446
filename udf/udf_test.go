//go:build duckdb_arrow

package udf

import (
	"context"
	"testing"
)

func TestCompatible(t *testing.T) {
	if err := CheckCompatible(); err != nil {
		t.Fatal(err)
	}
}

func TestSmoke(t *testing.T) {
	db := openTest(t, "")
	var s float64
	if err := db.QueryRow(`SELECT sum(a)+sum(b) FROM t_emit(10000)`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for i := 0; i < 10000; i++ {
		want += float64(i) * 1.5
	}
	if s != want {
		t.Fatalf("sum = %v, want %v", s, want)
	}
	var rows, batches int64
	var sum float64
	if err := db.QueryRowContext(context.Background(), `SELECT * FROM t_scan('SELECT range::DOUBLE AS x FROM range(5000)')`).Scan(&rows, &batches, &sum); err != nil {
		t.Fatal(err)
	}
	t.Log(rows, batches, sum)
}
