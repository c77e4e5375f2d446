//go:build duckdb_arrow && scaleout

package engine_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/internal/servertest"
)

// modelSQLServerData makes, from modelSQLData's tables, the ones the
// servers can hold: ClickHouse 18.16's DateTime has whole seconds and
// PostgreSQL's timestamp microseconds, so d2 and s2 keep one TIMESTAMP
// column, truncated to the second, and drop the others; ClickHouse's Date
// starts in 1970, so the edge rows' far date is 1970-01-02.
func modelSQLServerData(t *testing.T, ctx context.Context, e *engine.Engine) {
	t.Helper()
	db := e.DB()
	modelSQLData(t, ctx, db)
	for _, tab := range []string{"d", "s"} {
		mustExec(t, ctx, db, `CREATE TABLE `+tab+`2 AS SELECT * EXCLUDE (ts_s, ts_ms, ts_ns, tstz)
			REPLACE (date_trunc('second', ts) AS ts, CASE WHEN day < DATE '1970-01-02' THEN DATE '1970-01-02' ELSE day END AS day) FROM `+tab)
	}
}

// modelSQLServerFeatures are modelSQLFeatures without the timestamps the
// servers cannot hold.
const modelSQLServerFeatures = `['num', 'cnt', 'amt', 'flt', 'flag', 'cat', 'plan', 'day', 'ts']`

// postgresScores reads the text rows of a model_sql statement run in
// PostgreSQL (columns cols; NULL as "") as scoresOf reads typed ones:
// BOOLEAN t and f as true and false.
func postgresScores(t *testing.T, cols []string, text [][]string, regression bool) map[int64]scoredRow {
	t.Helper()
	rows := make([][]any, len(text))
	for r, line := range text {
		if len(line) != len(cols) {
			t.Fatalf("PostgreSQL row %d has %d values, want %d (%v)", r, len(line), len(cols), cols)
		}
		vals := make([]any, len(cols))
		for i, c := range cols {
			v := line[i]
			switch {
			case v == "" && c != "id":
			case c == "id":
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					t.Fatalf("id %q: %v", v, err)
				}
				vals[i] = n
			case c == "probability" || c == "distance" || strings.HasPrefix(c, "probability_") || c == "prediction" && regression:
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("%s %q: %v", c, v, err)
				}
				vals[i] = f
			default:
				vals[i] = v
			}
		}
		rows[r] = vals
	}
	return scoresOf(t, cols, rows, map[string]string{"t": "true", "f": "false"})
}

// Perceptron (logistic, MLPs with every activation, multiclass with
// probability_<class>, regression) and kmeans models compiled by
// model_sql run in ClickHouse 18.16 (on the Distributed table over two
// shards, with the server's default settings) and in PostgreSQL 15, and
// equal predict row by row to 1e-12 * max(1, |predict|): the same tables,
// loaded from DuckDB, with NaN, infinite, NULL and unseen values. Boosted
// trees too, in ClickHouse with max_query_size raised to the statement's
// length for the query (a model large enough to need it fails without),
// and in PostgreSQL.
func TestScaleOutModelSQL(t *testing.T) {
	srv := servertest.Get(t)
	srv.EnsureUp(t)
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	modelSQLServerData(t, ctx, e)
	names := modelSQLModels(t, ctx, db, "d2", modelSQLServerFeatures)
	// A multiclass ensemble whose statement is past ClickHouse's default
	// max_query_size (256 KiB).
	mustExec(t, ctx, db, `SELECT * FROM train_boosted_trees('t_big', 'd2', label := 'ym', features := `+modelSQLServerFeatures+`,
		trees := 120, max_depth := 6, early_stopping := false)`)
	names = append(names, "t_big")

	const chDB = "model_sql_test"
	tab := servertest.LoadClickHouse(t, db, srv, "s2", chDB, "scored_rows", "id")
	if tab.Rows[0] == 0 || tab.Rows[1] == 0 {
		t.Fatalf("rows per shard %v: both shards should hold rows", tab.Rows)
	}
	servertest.LoadPostgres(t, db, srv, "s2", "model_sql_scored")

	worst, rel := map[string]float64{}, map[string]float64{}
	for _, name := range names {
		want := predictScores(t, ctx, db, name, "s2")
		dropInfiniteRows(name, want)
		kind := modelSQLKind(name)
		predCols := mustQueryStrings(t, ctx, db, `SELECT column_name FROM (DESCRIBE SELECT * FROM predict(?, 's2'))`, name)
		wantCols := wantModelSQLColumns(predCols, want)

		// ClickHouse, on the Distributed table.
		text, err := e.ModelSQL(ctx, name, engine.ModelSQLOptions{Dialect: "clickhouse", Source: chDB + "." + tab.Name})
		if err != nil {
			t.Fatal(err)
		}
		var settings map[string]any
		if kind == "boosted trees" {
			if name == "t_big" {
				if len(text) <= 256<<10 {
					t.Fatalf("t_big's statement is %d bytes, not past ClickHouse's default max_query_size", len(text))
				}
				if _, _, err := srv.QueryClickHouse(ctx, 0, text, nil); err == nil || !strings.Contains(err.Error(), "Syntax error") {
					t.Errorf("t_big (%d bytes) with ClickHouse's default settings: %v, want max_query_size's syntax error", len(text), err)
				}
			}
			settings = map[string]any{"max_query_size": len(text) + 1024}
			t.Logf("%s: %d bytes of ClickHouse SQL", name, len(text))
		}
		cols, rows, err := srv.QueryClickHouse(ctx, 0, text, settings)
		if err != nil {
			t.Fatalf("%s: ClickHouse: %v", name, err)
		}
		if strings.Join(cols, ",") != strings.Join(wantCols, ",") {
			t.Errorf("%s: ClickHouse columns %v, want %v", name, cols, wantCols)
		}
		got := scoresOf(t, cols, rows, map[string]string{"1": "true", "0": "false"})
		dropInfiniteRows(name, got)
		d, r := compareScores(t, name+" in ClickHouse", got, want)
		worst["clickhouse "+kind] = math.Max(worst["clickhouse "+kind], d)
		rel["clickhouse "+kind] = math.Max(rel["clickhouse "+kind], r)

		// PostgreSQL.
		text, err = e.ModelSQL(ctx, name, engine.ModelSQLOptions{Dialect: "postgres", Source: "model_sql_scored"})
		if err != nil {
			t.Fatal(err)
		}
		got = postgresScores(t, wantCols, srv.PostgresQuery(t, text), strings.Contains(name, "_reg"))
		dropInfiniteRows(name, got)
		d, r = compareScores(t, name+" in PostgreSQL", got, want)
		worst["postgres "+kind] = math.Max(worst["postgres "+kind], d)
		rel["postgres "+kind] = math.Max(rel["postgres "+kind], r)
	}
	for k, d := range worst {
		t.Logf("%s: max |SQL - predict| %.3g, relative to max(1, |predict|) %.3g", k, d, rel[k])
	}
}
