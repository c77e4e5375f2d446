//go:build duckdb_arrow && scaleout

package engine_test

import (
	"context"
	"fmt"
	"slices"
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
// levels: 9 encoded inputs), k = 8, 16, 32 and 64 (one sub-benchmark each), in
// ClickHouse on two shards and on one, and in DuckDB. Each op is a round of
// one Lloyd iteration and one plain aggregate scan of the table (count and
// one sum) in every configuration, in turn; the metrics are the median
// seconds of an iteration, its ratio to the median scan, and the length of
// the iteration's query text in kB. Run with the servers started:
//
//	go test -tags 'duckdb_arrow scaleout' -run '^$' -bench 'BenchmarkScaleOutSegmentLloyd' -benchtime 5x ./engine
//
// (-bench 'BenchmarkScaleOutSegmentLloyd/k=8$' for one k.)

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

// benchTables creates, once per run, the Distributed tables seg (two
// shards) and seg_1shard (all rows on server 1) of benchRows generated
// rows, unless they hold them already: they stay for the next run (DROP
// DATABASE ducksight_segbench on both servers removes them).
func benchTables(b *testing.B, s *servertest.Servers) {
	benchOnce.Do(func() {
		ctx := context.Background()
		ready := true
		for _, table := range []string{"seg", "seg_1shard"} {
			var n uint64
			if err := s.Open(b, 0).QueryRow(ctx, "SELECT count() FROM "+benchDB+"."+table).Scan(&n); err != nil || n != benchRows {
				ready = false
			}
		}
		if ready {
			return
		}
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
	type config struct {
		name  string
		r     *textRunner
		d     pushdown.Dialect
		table string
		plan  *pushdown.Plan
		fit   *pushdown.Fit
		x     []float64 // the sample, n rows
		n     int
	}
	configs := []*config{
		{name: "2shards", r: &textRunner{r: newCHRunner(b, s)}, d: pushdown.ClickHouse, table: benchDB + ".seg"},
		{name: "1shard", r: &textRunner{r: newCHRunner(b, s)}, d: pushdown.ClickHouse, table: benchDB + ".seg_1shard"},
		{name: "duckdb", r: &textRunner{r: &planRunner{db: e.DB()}}, d: pushdown.DuckDB, table: "seg"},
	}
	for _, c := range configs {
		c.plan, err = pushdown.NewPlan(ctx, c.r, pushdown.Spec{Fn: "segment", Dialect: c.d, Table: c.table, Features: []string{"a", "b", "c", "d", "e"},
			Exact: true, Distance: true})
		if err != nil {
			b.Fatal(err)
		}
		if c.fit, err = c.plan.FitPass(ctx); err != nil {
			b.Fatal(err)
		}
		if c.x, c.n, err = c.plan.Sample(ctx, c.fit, 42, 20000); err != nil {
			b.Fatal(err)
		}
	}
	median := func(v []float64) float64 {
		v = slices.Clone(v)
		slices.Sort(v)
		return v[len(v)/2]
	}
	for _, k := range []int{8, 16, 32, 64} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			inits := make([][]float64, len(configs))
			for ci, c := range configs {
				w := c.fit.Encoder.Width
				for i := range k {
					r := i * (c.n / k)
					inits[ci] = append(inits[ci], c.x[r*w:(r+1)*w]...)
				}
			}
			iters := make([][]float64, len(configs)) // seconds of each round's iteration
			scans := make([][]float64, len(configs)) // seconds of each round's plain scan
			text := make([]int, len(configs))        // bytes of the iteration's query
			// Each round times one iteration and one scan of every
			// configuration, in turn, so that the machine's load falls
			// on all alike.
			b.ResetTimer()
			for range b.N {
				for ci, c := range configs {
					t0 := time.Now()
					if _, err := c.plan.Lloyd(ctx, c.fit, inits[ci], 1, 0); err != nil {
						b.Fatal(err)
					}
					iters[ci] = append(iters[ci], time.Since(t0).Seconds())
					text[ci] = c.r.longest
					t0 = time.Now()
					if _, err := c.r.Query(ctx, "SELECT count(*), sum(b) FROM "+c.d.Table(c.table)); err != nil {
						b.Fatal(err)
					}
					scans[ci] = append(scans[ci], time.Since(t0).Seconds())
					c.r.longest = 0
				}
			}
			b.StopTimer()
			for ci, c := range configs {
				it, sc := median(iters[ci]), median(scans[ci])
				b.ReportMetric(it, "s/iter-"+c.name)
				b.ReportMetric(it/sc, "scans/iter-"+c.name)
				b.ReportMetric(float64(text[ci])/1000, "kB/query-"+c.name)
			}
		})
	}
}

// textRunner runs r's queries and records the length of the longest
// since longest was last reset.
type textRunner struct {
	r       pushdown.Runner
	longest int
}

func (t *textRunner) Query(ctx context.Context, q string) ([][]*string, error) {
	t.longest = max(t.longest, len(q))
	return t.r.Query(ctx, q)
}
