//go:build duckdb_arrow && scaleout

package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/internal/servertest"
)

// docsEngineURL is the engine := value the documents' ClickHouse examples
// give; the test runs them with the first test server's address instead
// (the database, analytics, is the documents').
const (
	docsEngineURL  = "clickhouse://127.0.0.1:9000/"
	docsDatabase   = "analytics"
	docsTable      = "customers_dist"
	docsSignupCond = "signup_date < DATE '2026-10-01'"
)

// docsFixture is the DuckDB query of the rows of analytics.customers_dist,
// the table the examples read: the customers of docs/sql.md (20,000
// demo_customers rows without the columns known only after the fact) and
// a DATE signup_date, tenure_months months before 2026-12-01. In the
// servers it is a Distributed table over two shards (servertest's
// LoadClickHouse).
const docsFixture = `SELECT * EXCLUDE (purchased_next_30d, spend_next_90d, true_segment),
	CAST(DATE '2026-12-01' - to_months(tenure_months) AS DATE) AS signup_date
	FROM demo_customers(20000)`

// docsExpectation is what one statement of a marked block returns, as the
// documents state it.
type docsExpectation struct {
	doc, call string // the document and a text of the statement
	check     func(t *testing.T, db *sql.DB, records [][]string)
	seen      int
}

// TestScaleOutDocsExamples runs the documents that have blocks marked
// `-- docs-test: needs clickhouse` (TestDocsExamples) whole, in order, as
// TestDocsExamples does, with the marked blocks run too, against the test
// servers of internal/servertest: their engine := 'clickhouse://127.0.0.1:9000/analytics'
// reaches the first server instead, where analytics.customers_dist holds
// docsFixture's rows over two shards. Every marked block must run and
// name that engine, and the statements below return what the documents
// say they return. Run with the servers started:
//
//	go test -tags 'duckdb_arrow scaleout' -run TestScaleOutDocsExamples ./cmd/ducksight
func TestScaleOutDocsExamples(t *testing.T) {
	srv := servertest.Get(t)
	srv.EnsureUp(t)
	ctx := context.Background()

	// The fixture, and the figures the checks compare with.
	fx, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer fx.Close()
	if _, err := fx.DB().ExecContext(ctx, "CREATE TABLE "+docsTable+" AS "+docsFixture); err != nil {
		t.Fatal(err)
	}
	var rows, signedEarly int64
	if err := fx.DB().QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE "+docsSignupCond+") FROM "+docsTable).Scan(&rows, &signedEarly); err != nil {
		t.Fatal(err)
	}
	tab := servertest.LoadClickHouse(t, fx.DB(), srv, docsTable, docsDatabase, docsTable, "customer_id")
	t.Logf("%s.%s: %d rows on two shards (%d + %d), %d signed up before 2026-10-01", tab.Database, tab.Name, rows, tab.Rows[0], tab.Rows[1], signedEarly)

	// One row per segment, numbered 1..k, their sizes summing to the rows
	// segmented.
	segments := func(k int, want int64) func(t *testing.T, db *sql.DB, records [][]string) {
		return func(t *testing.T, db *sql.DB, records [][]string) {
			var total int64
			for i, r := range records {
				size, err := strconv.ParseInt(r[1], 10, 64)
				if r[0] != strconv.Itoa(i+1) || err != nil {
					t.Errorf("segment row %d: %q", i+1, r)
				}
				total += size
			}
			if len(records) != k || total != want {
				t.Errorf("%d segments of %d rows, want %d of %d", len(records), total, k, want)
			}
		}
	}
	expect := []*docsExpectation{
		{doc: "docs/sql.md", call: "train_perceptron('churn_dist'", check: func(t *testing.T, db *sql.DB, records [][]string) {
			// One row: mode 'engine', rows_used the rows of the where
			// (validation ones included); the model records the engine.
			var engineURL string
			if err := db.QueryRow(`SELECT options->>'engine' FROM ducksight.models WHERE name = 'churn_dist'`).Scan(&engineURL); err != nil {
				t.Fatal(err)
			}
			if len(records) != 1 || !slices.Contains(records[0], "engine") || !slices.Contains(records[0], strconv.FormatInt(signedEarly, 10)) ||
				engineURL != srv.EngineURL(0, docsDatabase) {
				t.Errorf("train_perceptron: %q (want mode engine, %d rows used); the model's engine %q", records, signedEarly, engineURL)
			}
		}},
		{doc: "docs/sql.md", call: "evaluate('churn_dist', NULL)", check: func(t *testing.T, db *sql.DB, records [][]string) {
			// One row over the validation rows the training counted,
			// measured in ClickHouse.
			var valid string
			if err := db.QueryRow(`SELECT metrics->>'valid_rows' FROM ducksight.models WHERE name = 'churn_dist'`).Scan(&valid); err != nil {
				t.Fatal(err)
			}
			if len(records) != 1 || len(records[0]) != 3 || records[0][0] != valid {
				t.Fatalf("evaluate: %q, want %s rows", records, valid)
			}
			if auc, err := strconv.ParseFloat(records[0][2], 64); err != nil || !(auc > 0.5 && auc <= 1) {
				t.Errorf("evaluate: roc_auc %q", records[0][2])
			}
		}},
		{doc: "docs/sql.md", call: "segment('rfm_dist'", check: segments(5, rows)},
		{doc: "docs/scale-out.md", call: "segment('rfm'", check: segments(5, signedEarly)},
		{doc: "docs/scale-out.md", call: "predict('rfm', 'customers')", check: func(t *testing.T, db *sql.DB, records [][]string) {
			// Every local customer in one of the 5 segments.
			var local, total int64
			if err := db.QueryRow(`SELECT count(*) FROM customers`).Scan(&local); err != nil {
				t.Fatal(err)
			}
			for _, r := range records {
				s, err1 := strconv.Atoi(r[0])
				n, err2 := strconv.ParseInt(r[1], 10, 64)
				if err1 != nil || err2 != nil || s < 1 || s > 5 {
					t.Errorf("predict: row %q", r)
				}
				total += n
			}
			if total != local {
				t.Errorf("predict: %d customers in segments, the table has %d", total, local)
			}
		}},
	}

	url := "clickhouse://" + srv.ClickHouse[0] + "/"
	servers := &docsServers{
		rewrite: func(t *testing.T, doc string, line int, text string) string {
			if !strings.Contains(text, docsEngineURL+docsDatabase) {
				t.Errorf("%s:%d: a block marked needs clickhouse without engine := '%s%s'", doc, line, docsEngineURL, docsDatabase)
			}
			return strings.ReplaceAll(text, docsEngineURL, url)
		},
		check: func(t *testing.T, db *sql.DB, doc string, line int, stmt string, records [][]string) {
			for _, x := range expect {
				if x.doc == doc && strings.Contains(stmt, x.call) {
					x.seen++
					t.Logf("%s:%d: %s: %d rows", doc, line, x.call, len(records))
					x.check(t, db, records)
				}
			}
		},
	}
	for _, doc := range docsFiles(t) {
		raw, err := os.ReadFile(filepath.Join("../..", doc))
		if err != nil {
			t.Fatal(err)
		}
		marked := 0
		for _, m := range docsMarker.FindAllStringSubmatch(string(raw), -1) {
			if m[1] == "needs clickhouse" {
				marked++
			}
		}
		if marked == 0 {
			continue
		}
		t.Run(strings.ReplaceAll(doc, "/", "_"), func(t *testing.T) {
			if ran := runDocument(t, doc, servers); ran != marked {
				t.Errorf("%s: %d blocks need ClickHouse, %d ran", doc, marked, ran)
			}
		})
	}
	for _, x := range expect {
		if x.seen != 1 {
			t.Errorf("%s: %s ran %d times, want once", x.doc, x.call, x.seen)
		}
	}
}
