//go:build duckdb_arrow

package engine_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
)

// readAll reads every batch of rr (and releases it): the schema, and
// every row as the text of its values, sorted.
func readAll(t *testing.T, rr array.RecordReader) (*arrow.Schema, []string) {
	t.Helper()
	defer rr.Release()
	var rows []string
	for rr.Next() {
		b := rr.RecordBatch()
		for i := 0; i < int(b.NumRows()); i++ {
			var vals []string
			for _, c := range b.Columns() {
				if c.IsNull(i) {
					vals = append(vals, "NULL")
				} else {
					vals = append(vals, c.ValueStr(i))
				}
			}
			rows = append(rows, strings.Join(vals, "|"))
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(rows)
	return rr.Schema(), rows
}

// Predict and Explain give what SELECT * FROM predict(...) and explain(...)
// give through duckdb-go's Arrow API: the same columns, the same Arrow
// types and the same values bit for bit (floats as their shortest exact
// text), for every kind of model: binary (an MLP, explained by
// integrated gradients), multiclass (probabilities, a
// MAP), regression (a linear model, explained exactly) and kmeans
// (segment and distance).
func TestPredictExplainMatchSQL(t *testing.T) {
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
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT customer_id, age, plan, region, tenure_months, monthly_spend, income, churned FROM demo_customers(3000)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('bin', 'c', label := 'churned', exclude := ['customer_id'], hidden := [4], epochs := 2)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('multi', 'c', label := 'plan', exclude := ['customer_id'], epochs := 2)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('reg', 'c', label := 'monthly_spend', exclude := ['customer_id'], epochs := 2)`)
	mustExec(t, ctx, db, `SELECT count(*) FROM segment('seg', 'SELECT age, tenure_months, income FROM c', k := 3)`)

	conn, err := c.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ar, err := duckdb.NewArrowFromConn(conn)
	if err != nil {
		t.Fatal(err)
	}
	th := 0.3
	// Every seventh row has a NaN feature: no prediction (NULL outputs).
	const nanData = `SELECT * REPLACE (CASE WHEN customer_id % 7 = 0 THEN 'NaN'::DOUBLE ELSE income END AS income) FROM c`
	for _, tc := range []struct {
		name string
		call func() (array.RecordReader, error)
		sql  string
	}{
		{"binary", func() (array.RecordReader, error) {
			return e.Predict(ctx, "bin", "c", engine.PredictOptions{Threshold: &th})
		}, `SELECT * FROM predict('bin', 'c', threshold := 0.3)`},
		{"multiclass", func() (array.RecordReader, error) {
			return e.Predict(ctx, "multi", "c", engine.PredictOptions{Version: 1})
		}, `SELECT * FROM predict('multi', 'c', version := 1)`},
		{"regression", func() (array.RecordReader, error) {
			return e.Predict(ctx, "reg", `SELECT * FROM c WHERE plan <> 'basic'`, engine.PredictOptions{})
		}, `SELECT * FROM predict('reg', $$SELECT * FROM c WHERE plan <> 'basic'$$)`},
		{"kmeans", func() (array.RecordReader, error) {
			return e.Predict(ctx, "seg", "c", engine.PredictOptions{})
		}, `SELECT * FROM predict('seg', 'c')`},
		{"NaN rows", func() (array.RecordReader, error) {
			return e.Predict(ctx, "bin", nanData, engine.PredictOptions{})
		}, `SELECT * FROM predict('bin', $$` + nanData + `$$)`},
		{"kmeans NaN rows", func() (array.RecordReader, error) {
			return e.Predict(ctx, "seg", nanData, engine.PredictOptions{})
		}, `SELECT * FROM predict('seg', $$` + nanData + `$$)`},
		{"explain NaN rows", func() (array.RecordReader, error) {
			return e.Explain(ctx, "multi", nanData, engine.ExplainOptions{})
		}, `SELECT * FROM explain('multi', $$` + nanData + `$$)`},
		{"explain binary", func() (array.RecordReader, error) {
			return e.Explain(ctx, "bin", "c", engine.ExplainOptions{TopK: 2})
		}, `SELECT * FROM explain('bin', 'c', top_k := 2)`},
		{"explain multiclass", func() (array.RecordReader, error) {
			return e.Explain(ctx, "multi", "c", engine.ExplainOptions{})
		}, `SELECT * FROM explain('multi', 'c')`},
		{"explain regression", func() (array.RecordReader, error) {
			return e.Explain(ctx, "reg", "c", engine.ExplainOptions{TopK: 100})
		}, `SELECT * FROM explain('reg', 'c', top_k := 100)`},
		{"what_if binary", func() (array.RecordReader, error) {
			return e.WhatIf(ctx, "bin", "c", engine.WhatIfOptions{Set: []engine.Setting{{Column: "plan", Value: "premium"}, {Column: "Age", Value: 50}}})
		}, `SELECT * FROM what_if('bin', 'c', set := {'plan': 'premium', 'Age': 50})`},
		{"what_if multiclass", func() (array.RecordReader, error) {
			return e.WhatIf(ctx, "multi", "c", engine.WhatIfOptions{Set: []engine.Setting{{Column: "region", Value: "north"}}, Version: 1})
		}, `SELECT * FROM what_if('multi', 'c', set := {'region': 'north'}, version := 1)`},
		{"what_if regression", func() (array.RecordReader, error) {
			return e.WhatIf(ctx, "reg", "c", engine.WhatIfOptions{Set: []engine.Setting{{Column: "income", Value: nil}}})
		}, `SELECT * FROM what_if('reg', 'c', set := {'income': NULL})`},
		{"what_if NaN rows", func() (array.RecordReader, error) {
			return e.WhatIf(ctx, "multi", nanData, engine.WhatIfOptions{Set: []engine.Setting{{Column: "tenure_months", Value: float32(12)}}})
		}, `SELECT * FROM what_if('multi', $$` + nanData + `$$, set := {'tenure_months': 12})`},
		{"what_if NaN set", func() (array.RecordReader, error) {
			return e.WhatIf(ctx, "bin", "c", engine.WhatIfOptions{Set: []engine.Setting{{Column: "income", Value: "NaN"}}})
		}, `SELECT * FROM what_if('bin', 'c', set := {'income': 'NaN'})`},
	} {
		rr, err := tc.call()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		gotSchema, got := readAll(t, rr)
		sr, err := ar.QueryContext(ctx, tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		wantSchema, want := readAll(t, sr)
		if gotSchema.NumFields() != wantSchema.NumFields() {
			t.Errorf("%s: schema\n%v\nwant\n%v", tc.name, gotSchema, wantSchema)
			continue
		}
		for i, f := range gotSchema.Fields() {
			w := wantSchema.Field(i)
			if f.Name != w.Name || !arrow.TypeEqual(f.Type, w.Type) {
				t.Errorf("%s: column %d is %s %s, want %s %s", tc.name, i, f.Name, f.Type, w.Name, w.Type)
			}
		}
		if strings.HasSuffix(tc.name, "NaN rows") && !slices.ContainsFunc(got, func(r string) bool { return strings.HasSuffix(r, "|NULL") }) {
			t.Errorf("%s: no row ends with a NULL output", tc.name)
		}
		// explain's last column, approximation_error: a number for every
		// row with a prediction (integrated gradients for the MLP, exact
		// for the linear models).
		if strings.HasPrefix(tc.name, "explain") && !strings.HasSuffix(tc.name, "NaN rows") {
			if slices.ContainsFunc(got, func(r string) bool { return strings.HasSuffix(r, "|NULL") }) {
				t.Errorf("%s: a row without an approximation_error", tc.name)
			}
		}
		sameOrderedRows(t, tc.name, got, want)
	}
}

// Explain's errors name explain, never predict; a threshold is refused
// for a model that is not a binary classifier, as in SQL.
func TestExplainErrors(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(500)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('m', 'c', label := 'plan', features := ['age'], epochs := 1)`)
	mustExec(t, ctx, db, `SELECT count(*) FROM segment('s', 'SELECT age, income FROM c', k := 2)`)
	explainErr := func(name, data string, o engine.ExplainOptions) error {
		rr, err := e.Explain(ctx, name, data, o)
		if err == nil {
			rr.Release()
		}
		return err
	}
	th := 0.5
	for _, c := range []struct {
		what string
		err  error
		code error
		want string
	}{
		{"unknown model", explainErr("nope", "c", engine.ExplainOptions{}), dserr.NotFound, `explain: model: no model named "nope"`},
		{"top_k", explainErr("m", "c", engine.ExplainOptions{TopK: -1}), dserr.InvalidArgument, "explain: top_k: must be at least 1, got -1"},
		{"version", explainErr("m", "c", engine.ExplainOptions{Version: 3}), dserr.NotFound, `explain: version: model "m" has no version 3`},
		{"kmeans", explainErr("s", "c", engine.ExplainOptions{}), dserr.Incompatible, `explain: model: model "s" is of kind kmeans; explain takes perceptron or boosted_trees models`},
		{"column missing", explainErr("m", "SELECT customer_id FROM c", engine.ExplainOptions{}), dserr.InvalidArgument, `explain: data: column "age"`},
		{"output clash", explainErr("m", "SELECT age, 1 AS reasons FROM c", engine.ExplainOptions{}), dserr.InvalidArgument, `explain: data: has a column named "reasons"`},
		{"data refused", explainErr("m", "DELETE FROM c", engine.ExplainOptions{}), dserr.Refused, "explain: data: refused"},
		{"threshold multiclass", predictErr(e, ctx, "m", "c", engine.PredictOptions{Threshold: &th}), dserr.InvalidArgument, `predict: threshold: applies to binary classifiers only; model "m" is a multiclass model`},
		{"threshold kmeans", predictErr(e, ctx, "s", "c", engine.PredictOptions{Threshold: &th}), dserr.InvalidArgument, `predict: threshold: applies to binary classifiers only; model "s" is a kmeans model`},
		{"predict output clash", predictErr(e, ctx, "s", "SELECT age, income, 1 AS Segment FROM c", engine.PredictOptions{}), dserr.InvalidArgument, `predict: data: has a column named "Segment"`},
	} {
		wantError(t, c.what, c.err, c.code, c.want)
	}
	// The same texts as the SQL functions'.
	for q, goErr := range map[string]error{
		`SELECT * FROM explain('m', 'c', top_k := -1)`:      explainErr("m", "c", engine.ExplainOptions{TopK: -1}),
		`SELECT * FROM explain('s', 'c')`:                   explainErr("s", "c", engine.ExplainOptions{}),
		`SELECT * FROM predict('m', 'c', threshold := 0.5)`: predictErr(e, ctx, "m", "c", engine.PredictOptions{Threshold: &th}),
	} {
		rows, err := db.QueryContext(ctx, q)
		if err == nil {
			rows.Close()
		}
		if err == nil || goErr == nil || !strings.Contains(err.Error(), goErr.Error()) {
			t.Errorf("%s: SQL error %v, want one with the Go error's text %q", q, err, goErr)
		}
	}
	// Cancelled mid-way: Err is a dserr.Cancelled error of explain.
	cctx, cancel := context.WithCancel(ctx)
	rr, err := e.Explain(cctx, "m", "c", engine.ExplainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	for rr.Next() {
	}
	wantError(t, "cancelled explain", rr.Err(), dserr.Cancelled, "explain: cancelled: context canceled")
	if !errors.Is(rr.Err(), context.Canceled) {
		t.Errorf("cancelled explain: %v is not context.Canceled", rr.Err())
	}
	rr.Release()
}

// sameOrderedRows checks that got has want's rows, in order (and some):
// the first difference is reported.
func sameOrderedRows(t *testing.T, name string, got, want []string) {
	t.Helper()
	if len(got) != len(want) || len(got) == 0 {
		t.Errorf("%s: %d rows, want %d", name, len(got), len(want))
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: row\n%s\nwant\n%s", name, got[i], want[i])
			return
		}
	}
}
