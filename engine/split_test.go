//go:build duckdb_arrow

package engine_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
)

// Split gives what SELECT * FROM split(...) gives through duckdb-go's
// Arrow API: the same columns, the same Arrow types (split as int32) and
// the same rows, for the default options, by columns, another seed and
// three parts, on data of several types with NULLs.
func TestSplitMatchesSQL(t *testing.T) {
	ctx := testContext(t)
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	e, err := engine.Wrap(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT customer_id, age, plan, income, email_opt_in, churned FROM demo_customers(5000)`)

	conn, err := c.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ar, err := duckdb.NewArrowFromConn(conn)
	if err != nil {
		t.Fatal(err)
	}
	seed := int64(-7)
	for _, tc := range []struct {
		name string
		data string
		o    engine.SplitOptions
		sql  string
	}{
		{"defaults", "c", engine.SplitOptions{}, `SELECT * FROM split('c')`},
		{"by", "c", engine.SplitOptions{By: []string{"plan", "AGE"}}, `SELECT * FROM split('c', by := ['plan', 'AGE'])`},
		{"seed and parts", `SELECT * FROM c WHERE plan <> 'basic'`,
			engine.SplitOptions{Fractions: []float64{0.6, 0.3, 0.1}, Seed: &seed, By: []string{"customer_id"}},
			`SELECT * FROM split($$SELECT * FROM c WHERE plan <> 'basic'$$, fractions := [0.6, 0.3, 0.1], seed := -7, by := ['customer_id'])`},
	} {
		rr, err := e.Split(ctx, tc.data, tc.o)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		gotSchema, got := readAll(t, rr)
		sr, err := ar.QueryContext(ctx, tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		wantSchema, want := readAll(t, sr)
		if !gotSchema.Equal(wantSchema) {
			t.Errorf("%s: schema\n%v\nwant\n%v", tc.name, gotSchema, wantSchema)
		}
		if f := gotSchema.Field(gotSchema.NumFields() - 1); f.Name != "split" || !arrow.TypeEqual(f.Type, arrow.PrimitiveTypes.Int32) {
			t.Errorf("%s: last column %s %s, want split int32", tc.name, f.Name, f.Type)
		}
		sameOrderedRows(t, tc.name, got, want)
	}
}

// Split's errors are split's *dserr.Error values, naming the argument, as
// in SQL; an empty non-nil Fractions is SQL's fractions := [], and a
// failed call leaves nothing open (the engine closes cleanly).
func TestSplitErrors(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), `CREATE TABLE t AS SELECT range AS id, range % 3 AS g FROM range(10)`)
	for _, c := range []struct {
		data string
		o    engine.SplitOptions
		code error
		want string
	}{
		{"t", engine.SplitOptions{Fractions: []float64{}}, dserr.InvalidArgument, "split: fractions: must list at least one share"},
		{"t", engine.SplitOptions{Fractions: []float64{0.5, 0.6}}, dserr.InvalidArgument, "split: fractions: must sum to 1, got [0.5, 0.6] summing to 1.1"},
		{"t", engine.SplitOptions{By: []string{"x"}}, dserr.InvalidArgument, `split: by: column "x" not found in data (columns: "id", "g")`},
		{"t", engine.SplitOptions{By: []string{"idd"}}, dserr.InvalidArgument, `split: by: column "idd" not found in data (did you mean "id"?)`},
		{"t", engine.SplitOptions{By: []string{"g", "G"}}, dserr.InvalidArgument, `split: by: names column "g" twice`},
		{"SELECT 1 AS split", engine.SplitOptions{}, dserr.InvalidArgument, `split: data: has a column named "split"`},
		{"DROP TABLE t", engine.SplitOptions{}, dserr.Refused, "split: data: refused: only a read-only query"},
	} {
		rr, err := e.Split(ctx, c.data, c.o)
		if err == nil {
			rr.Release()
			t.Errorf("%s %+v: no error", c.data, c.o)
			continue
		}
		var de *dserr.Error
		if !errors.As(err, &de) || !errors.Is(err, c.code) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s %+v: error %v (%T), want %v %q", c.data, c.o, err, err, c.code, c.want)
		}
	}
}

// Reading stops early without leaking: a reader released after its first
// batch ends the data query, and the parts it gave agree with a full read.
func TestSplitReleaseEarly(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	rr, err := e.Split(ctx, "SELECT range AS id FROM range(100000)", engine.SplitOptions{By: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	if !rr.Next() {
		t.Fatalf("no batch: %v", rr.Err())
	}
	b := rr.RecordBatch()
	ids, parts := b.Column(0).(*array.Int64), b.Column(1).(*array.Int32)
	first := map[int64]int32{}
	for i := 0; i < int(b.NumRows()); i++ {
		first[ids.Value(i)] = parts.Value(i)
	}
	rr.Release()
	var agree, n int
	rows, err := e.DB().QueryContext(ctx, `SELECT id, split FROM split('SELECT range AS id FROM range(100000) ORDER BY id DESC', by := ['id'])`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p int32
		if err := rows.Scan(&id, &p); err != nil {
			t.Fatal(err)
		}
		if q, ok := first[id]; ok {
			n++
			if p == q {
				agree++
			}
		}
	}
	if n != len(first) || agree != n {
		t.Errorf("%d of %d first-batch rows found, %d agree", n, len(first), agree)
	}
}

func ExampleEngine_Split() {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE orders AS SELECT range AS order_id, range % 2000 AS customer_id FROM range(20000)`); err != nil {
		log.Fatal(err)
	}
	// Every customer's orders in one part: 80% of the customers in part 1.
	rr, err := e.Split(ctx, "orders", engine.SplitOptions{Fractions: []float64{0.8, 0.2}, By: []string{"customer_id"}})
	if err != nil {
		log.Fatal(err)
	}
	defer rr.Release()
	partOf := map[int64]int32{}
	mixed := 0
	for rr.Next() {
		b := rr.RecordBatch()
		customers, parts := b.Column(1).(*array.Int64), b.Column(2).(*array.Int32)
		for i := 0; i < int(b.NumRows()); i++ {
			c, p := customers.Value(i), parts.Value(i)
			if q, seen := partOf[c]; seen && q != p {
				mixed++
			}
			partOf[c] = p
		}
	}
	if err := rr.Err(); err != nil {
		log.Fatal(err)
	}
	inFirst := 0
	for _, p := range partOf {
		if p == 1 {
			inFirst++
		}
	}
	// Each customer is a draw: 1600 expected in part 1, give or take 18.
	fmt.Printf("%d customers, %d split across parts, %d in part 1\n", len(partOf), mixed, inFirst)
	// Output: 2000 customers, 0 split across parts, 1570 in part 1
}
