//go:build duckdb_arrow && scaleout

package engine_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/pushdown"
	"github.com/ducksight/ducksight/internal/servertest"
)

// The cost of a pushed-down Lloyd iteration (docs/scale-out.md, Segmenting
// where the data lives): one GROUP BY query over 1M rows of five features
// (two numbers, a number with NULLs, a 0/1 column, a text column of five
// levels: 9 encoded inputs), k = 8, in ClickHouse on two shards and on one,
// and in DuckDB. Each op is one Lloyd iteration; "scan-ratio" divides it by
// a plain aggregate scan of the same table (count and one sum) timed in the
// same run. Run with the servers started:
//
//	go test -tags 'duckdb_arrow scaleout' -run '^$' -bench 'BenchmarkScaleOutSegmentLloyd' -benchtime 5x ./engine

// benchRows are the rows of the Lloyd benchmark.
const benchRows = 1_000_000

// benchDB is the ClickHouse database of the Lloyd benchmark.
const benchDB = "ducksight_segbench"

// benchColumns is the generated rows' SELECT list over numbers(): n is the
// row number, h1..h3 hashes of it.
const benchColumns = `n AS id,
	if(h1 % 17 = 0, NULL, toFloat64(h1 % 10000) / 1000) AS a,
	toInt32(h2 % 2000) - 1000 AS b,
	['red', 'green', 'blue', 'grey', 'teal'][h3 % 5 + 1] AS c,
	toUInt8(h2 % 3 = 0) AS d,
	toFloat64(h3 % 100000) / 1000 - 50 AS e`

var benchOnce sync.Once

// benchTables creates, once, the Distributed tables seg (two shards) and
// seg_1shard (all rows on server 1) of benchRows generated rows.
func benchTables(b *testing.B, s *servertest.Servers) {
	benchOnce.Do(func() {
		ctx := context.Background()
		schema := "(id UInt64, a Nullable(Float64), b Int32, c String, d UInt8, e Float64) ENGINE = MergeTree ORDER BY id"
		gen := func(cond string) string {
			return "SELECT " + benchColumns + " FROM (SELECT number AS n, cityHash64(number) AS h1, cityHash64(number * 7 + 1) AS h2, cityHash64(number * 13 + 5) AS h3 FROM numbers(" +
				fmt.Sprint(benchRows) + ")) WHERE " + cond
		}
		for shard := range 2 {
			conn := s.Open(b, shard)
			for _, q := range []string{
				"CREATE DATABASE IF NOT EXISTS " + benchDB,
				"DROP TABLE IF EXISTS " + benchDB + ".seg_local", "DROP TABLE IF EXISTS " + benchDB + ".seg_whole",
				"DROP TABLE IF EXISTS " + benchDB + ".seg", "DROP TABLE IF EXISTS " + benchDB + ".seg_1shard",
				"CREATE TABLE " + benchDB + ".seg_local " + schema,
				"CREATE TABLE " + benchDB + ".seg AS " + benchDB + ".seg_local ENGINE = Distributed(ducksight_2shards, " + benchDB + ", seg_local)",
				"INSERT INTO " + benchDB + ".seg_local " + gen(fmt.Sprintf("n %% 2 = %d", shard)),
			} {
				if err := conn.Exec(ctx, q); err != nil {
					b.Fatalf("%s: %v", q, err)
				}
			}
			if shard == 0 {
				for _, q := range []string{
					"CREATE TABLE " + benchDB + ".seg_whole " + schema,
					"CREATE TABLE " + benchDB + ".seg_1shard AS " + benchDB + ".seg_whole ENGINE = Distributed(ducksight_1shard, " + benchDB + ", seg_whole)",
					"INSERT INTO " + benchDB + ".seg_whole " + gen("1"),
				} {
					if err := conn.Exec(ctx, q); err != nil {
						b.Fatalf("%s: %v", q, err)
					}
				}
			}
		}
	})
}

func BenchmarkScaleOutSegmentLloyd(b *testing.B) {
	s := servertest.Get(b)
	s.EnsureUp(b)
	benchTables(b, s)
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	// The same generator in DuckDB (its own hash: other rows, the same
	// shape).
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE seg AS SELECT n AS id,
		CASE WHEN h1 % 17 = 0 THEN NULL ELSE (h1 % 10000) / 1000.0 END::DOUBLE AS a, ((h2 % 2000)::INTEGER - 1000) AS b,
		['red', 'green', 'blue', 'grey', 'teal'][(h3 % 5)::INTEGER + 1] AS c, (h2 % 3 = 0)::UTINYINT AS d, ((h3 % 100000) / 1000.0 - 50)::DOUBLE AS e
		FROM (SELECT range AS n, hash(range) AS h1, hash(range * 7 + 1) AS h2, hash(range * 13 + 5) AS h3 FROM range(`+fmt.Sprint(benchRows)+`))`); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		r     pushdown.Runner
		d     pushdown.Dialect
		table string
	}{
		{"clickhouse_2shards", newCHRunner(b, s), pushdown.ClickHouse, benchDB + ".seg"},
		{"clickhouse_1shard", newCHRunner(b, s), pushdown.ClickHouse, benchDB + ".seg_1shard"},
		{"duckdb", &planRunner{db: e.DB()}, pushdown.DuckDB, "seg"},
	} {
		b.Run(c.name, func(b *testing.B) {
			plan, err := pushdown.NewPlan(ctx, c.r, pushdown.Spec{Fn: "segment", Dialect: c.d, Table: c.table, Features: []string{"a", "b", "c", "d", "e"},
				Exact: true, Distance: true})
			if err != nil {
				b.Fatal(err)
			}
			f, err := plan.FitPass(ctx)
			if err != nil {
				b.Fatal(err)
			}
			x, n, err := plan.Sample(ctx, f, 42, 20000)
			if err != nil {
				b.Fatal(err)
			}
			const k = 8
			w := f.Encoder.Width
			init := make([]float64, 0, k*w)
			for i := range k {
				r := i * (n / k)
				init = append(init, x[r*w:(r+1)*w]...)
			}
			scan := "SELECT count(*), sum(b) FROM " + c.d.Table(c.table)
			var scanTime, iterTime time.Duration
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				if _, err := plan.Lloyd(ctx, f, init, 1, 0); err != nil {
					b.Fatal(err)
				}
				iterTime += time.Since(t0)
				b.StopTimer()
				t0 = time.Now()
				if _, err := c.r.Query(ctx, scan); err != nil {
					b.Fatal(err)
				}
				scanTime += time.Since(t0)
				b.StartTimer()
			}
			b.ReportMetric(iterTime.Seconds()/float64(b.N), "s/iteration")
			b.ReportMetric(scanTime.Seconds()/float64(b.N), "s/scan")
			b.ReportMetric(iterTime.Seconds()/scanTime.Seconds(), "scan-ratio")
		})
	}
}
