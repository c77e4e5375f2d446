//go:build duckdb_arrow

package engine_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
)

// WhatIf's own checks of what SQL cannot spell (an empty set, a column
// set twice under two spellings) and Go values of the column's type: a
// time.Time for a DATE column scores as the DATE does, and a change of a
// row whose feature is NaN, as it is or with the columns replaced, is
// NULL.
func TestWhatIfGo(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE t AS SELECT i AS id, DATE '2024-01-01' + CAST(i % 90 AS INTEGER) AS signup, (i % 7) * 1.5 AS amount,
		(i % 7 + i % 90 / 30 > 4) AS churned FROM range(1, 301) r(i)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('m', 't', label := 'churned', exclude := ['id'], epochs := 3)`)
	for _, c := range []struct {
		set  []engine.Setting
		want string
	}{
		{nil, "what_if: set: must name at least one model input column"},
		{[]engine.Setting{{Column: "amount", Value: 1}, {Column: "AMOUNT", Value: 2}}, `what_if: set: column "amount" is set twice`},
		{[]engine.Setting{{Column: "signup", Value: struct{}{}}}, "what_if: set: signup: {} does not cast to DATE"},
	} {
		_, err := e.WhatIf(ctx, "m", "t", engine.WhatIfOptions{Set: c.set})
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, dserr.InvalidArgument) {
			t.Errorf("%v: error %v, want %q", c.set, err, c.want)
		}
	}
	// A time.Time on 2024-02-15 (in any zone) scores as the text
	// '2024-02-15' does, and as predict on the data with the DATE replaced.
	const data = `SELECT * REPLACE (CASE WHEN id % 10 = 0 THEN 'NaN'::DOUBLE ELSE amount END AS amount) FROM t`
	read := func(v any) []string {
		rr, err := e.WhatIf(ctx, "m", data, engine.WhatIfOptions{Set: []engine.Setting{{Column: "signup", Value: v}}})
		if err != nil {
			t.Fatal(err)
		}
		_, rows := readAll(t, rr)
		return rows
	}
	got := read(time.Date(2024, 2, 15, 23, 0, 0, 0, time.FixedZone("UTC-5", -5*3600)))
	if text := read("2024-02-15"); strings.Join(got, "\n") != strings.Join(text, "\n") || len(got) != 300 {
		t.Errorf("a time.Time gives %d rows, not the %d of the text", len(got), len(text))
	}
	want := mustQueryStrings(t, ctx, db, `SELECT count(*) FILTER (w.change IS NULL),
		count(*) FILTER (w.change IS DISTINCT FROM p.probability - w.probability AND w.change IS NOT NULL)
		FROM what_if('m', $$`+data+`$$, set := {'signup': '2024-02-15'}) w
		JOIN predict('m', $$SELECT * REPLACE (DATE '2024-02-15' AS signup) FROM (`+data+`)$$) p USING (id)`)
	// The 30 rows with a NaN amount have no change; the others predict's.
	if strings.Join(want, "") != "30\t0" {
		t.Errorf("NULL changes and changes unlike predict's: %v, want 30 and 0", want)
	}
}
