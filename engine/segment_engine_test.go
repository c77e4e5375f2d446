//go:build duckdb_arrow

package engine_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/pushdown"
	"github.com/ducksight/ducksight/engine/sqlgen"
)

// Segmenting where the data lives (segment's engine :=) with engine :=
// 'duckdb': the pushed-down segmentation run on this database, the
// reference the ClickHouse tests (scaleout tag) compare with. The SQL
// surface and its errors are in testdata/sql/segment_engine.test.

// blobsData creates table b: three well-separated groups of 2000, 1200
// and 800 rows in two numeric columns (one with NULLs), with a text
// column (NULLs too) and a boolean that follow the groups loosely, so
// that k-means has one answer whatever its initialisation.
const blobsData = `CREATE TABLE b AS
	WITH r AS (SELECT i, (hash(i) % 100000)::BIGINT / 100000.0 AS u1, (hash(i * 7 + 1) % 100000)::BIGINT / 100000.0 AS u2,
	                  (hash(i * 13 + 5) % 100000)::BIGINT AS h3,
	                  CASE WHEN i < 2000 THEN 0 WHEN i < 3200 THEN 1 ELSE 2 END AS g FROM range(4000) s(i))
	SELECT i AS id,
	       CASE WHEN h3 % 23 = 0 THEN NULL ELSE [0, 40, 0][g + 1] + u1 * 2 END::DOUBLE AS a,
	       ([0, 0, 40][g + 1] + u2 * 2)::DOUBLE AS b,
	       CASE WHEN h3 % 19 = 0 THEN NULL ELSE [['x', 'y'], ['y', 'z'], ['z', 'w']][g + 1][(h3 % 2)::INTEGER + 1] END AS c,
	       (h3 % 3 = 0) <> (g = 1) AS d,
	       g
	FROM r`

// kmeansDocument is the latest stored document of kmeans model name.
func kmeansDocument(t *testing.T, ctx context.Context, e *engine.Engine, name string) (*clustering.Document, []byte) {
	return latestDocument[clustering.Document](t, ctx, e, name)
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(a)) }

// engine := 'duckdb' gives local segmentation's model on data with one
// answer: the same encoding (means and standard deviations to 1e-12,
// levels, the 1/√2 one-hot scale), the same statistics, the same
// centroids to 1e-9 (tol := 0: both iterate to the fixed point; the
// initialisations differ, the engine's being drawn from its sample), the
// same sizes, profile and quality.
func TestSegmentEngineMatchesLocal(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), blobsData)
	local, err := e.Segment(ctx, "local", "SELECT a, b, c, d FROM b", engine.SegmentOptions{K: 3, Tol: new(0.0)})
	if err != nil {
		t.Fatal(err)
	}
	pushed, err := e.Segment(ctx, "pushed", "b", engine.SegmentOptions{K: 3, Tol: new(0.0), Features: []string{"a", "b", "c", "d"}, Engine: "duckdb"})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := kmeansDocument(t, ctx, e, "local")
	push, _ := kmeansDocument(t, ctx, e, "pushed")
	if push.Options.Engine != "duckdb" || !push.Encoder.Distance || push.K != 3 || !push.Model.Converged {
		t.Errorf("options %+v, encoder distance %v, k %d, converged %v", push.Options, push.Encoder.Distance, push.K, push.Model.Converged)
	}
	if loc.Encoder.Width != push.Encoder.Width || len(loc.Encoder.Columns) != len(push.Encoder.Columns) {
		t.Fatalf("encoders differ: local %+v, engine %+v", loc.Encoder, push.Encoder)
	}
	for i, lc := range loc.Encoder.Columns {
		pc := push.Encoder.Columns[i]
		if lc.Name != pc.Name || lc.Kind != pc.Kind || lc.Indicator != pc.Indicator || lc.NullLevel != pc.NullLevel || lc.Other != pc.Other ||
			lc.Scale != pc.Scale || strings.Join(lc.Levels, ",") != strings.Join(pc.Levels, ",") || !near(lc.Mean, pc.Mean, 1e-12) || !near(lc.Std, pc.Std, 1e-12) {
			t.Errorf("column %d: local %+v, engine %+v", i, lc, pc)
		}
	}
	if len(loc.Statistics) != len(push.Statistics) {
		t.Fatalf("statistics: local %d columns, engine %d", len(loc.Statistics), len(push.Statistics))
	}
	for i, ls := range loc.Statistics {
		ps := push.Statistics[i]
		if ls.Column != ps.Column || ls.NullShare != ps.NullShare || len(ls.Levels) != len(ps.Levels) || (ls.Mean == nil) != (ps.Mean == nil) ||
			ls.Mean != nil && !near(*ls.Mean, *ps.Mean, 1e-12) {
			t.Errorf("statistics %d: local %+v, engine %+v", i, ls, ps)
		}
	}
	worst := 0.0
	for i, v := range loc.Model.Centroids {
		worst = math.Max(worst, math.Abs(v-push.Model.Centroids[i]))
	}
	t.Logf("largest centroid difference %.3g; local %d iterations, engine %d", worst, loc.Model.Iter, push.Model.Iter)
	if worst > 1e-9 {
		t.Errorf("centroids differ by %.3g:\nlocal  %v\nengine %v", worst, loc.Model.Centroids, push.Model.Centroids)
	}
	for s := range 3 {
		lp, pp := local.Profile[s], pushed.Profile[s]
		if lp.Size != pp.Size || lp.Share != pp.Share || lp.Description != pp.Description || len(lp.Columns) != len(pp.Columns) {
			t.Errorf("segment %d: local %+v, engine %+v", s+1, lp, pp)
			continue
		}
		for c := range lp.Columns {
			lc, pc := lp.Columns[c], pp.Columns[c]
			if lc.Column != pc.Column || (lc.Top == nil) != (pc.Top == nil) || lc.Top != nil && *lc.Top != *pc.Top ||
				!near(float64(lc.TopShare), float64(pc.TopShare), 1e-12) && !(math.IsNaN(float64(lc.TopShare)) && math.IsNaN(float64(pc.TopShare))) ||
				!near(float64(lc.Mean), float64(pc.Mean), 1e-12) && !(math.IsNaN(float64(lc.Mean)) && math.IsNaN(float64(pc.Mean))) {
				t.Errorf("segment %d column %s: local %+v, engine %+v", s+1, lc.Column, lc, pc)
			}
		}
	}
	// The groups, but for the rows of the second whose a is NULL: imputed
	// at the mean, they are nearer the first group.
	want := []int64{queryInt(t, ctx, e.DB(), "SELECT count(*) FROM b WHERE g = 0 OR g = 1 AND a IS NULL"),
		queryInt(t, ctx, e.DB(), "SELECT count(*) FROM b WHERE g = 1 AND a IS NOT NULL"), queryInt(t, ctx, e.DB(), "SELECT count(*) FROM b WHERE g = 2")}
	if sizes := []int64{pushed.Profile[0].Size, pushed.Profile[1].Size, pushed.Profile[2].Size}; fmt.Sprint(sizes) != fmt.Sprint(want) {
		t.Errorf("sizes %v, want %v", sizes, want)
	}
	lq, pq := local.Quality, pushed.Quality
	if !near(lq.Inertia, pq.Inertia, 1e-9) || !near(float64(lq.Silhouette), float64(pq.Silhouette), 1e-9) || !near(float64(lq.DaviesBouldin), float64(pq.DaviesBouldin), 1e-9) {
		t.Errorf("quality: local %+v, engine %+v", lq, pq)
	}
	// Each segment's inertia sums to the model's (the last assignment is
	// the profile pass's: nothing moved).
	total := 0.0
	for _, v := range pushed.Inertia {
		total += v
	}
	if len(pushed.Inertia) != 3 || !near(total, pq.Inertia, 1e-9) {
		t.Errorf("segment inertias %v (sum %v), model inertia %v", pushed.Inertia, total, pq.Inertia)
	}
}

// planRunner runs the pushed-down plan's queries on a database/sql
// database, as the service's runner does, and records them.
type planRunner struct {
	db      *sql.DB
	queries []string
	// cancel, when set, is called before query number cancelAt (1-based).
	cancel   func()
	cancelAt int
}

func (r *planRunner) Query(ctx context.Context, q string) ([][]*string, error) {
	r.queries = append(r.queries, q)
	if r.cancel != nil && len(r.queries) == r.cancelAt {
		r.cancel()
	}
	rows, err := r.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]*string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]*string, len(vals))
		for i, v := range vals {
			var s string
			switch v := v.(type) {
			case nil:
				continue
			case float64:
				s = strconv.FormatFloat(v, 'g', -1, 64)
			default:
				s = fmt.Sprint(v)
			}
			row[i] = &s
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// readsTable: a query of the pushed-down plan over table "t" reads it
// once, filtered where it is read (the ClickHouse queries read it
// directly, no subquery at all: the scaleout tests; DuckDB's may compute
// the assignment's stages in projections of its rows).
var readsTable = regexp.MustCompile(`FROM "t" WHERE `)

func checkFlat(t *testing.T, queries []string) {
	t.Helper()
	for _, q := range queries {
		if strings.Contains(q, "information_schema") {
			continue
		}
		if !strings.HasPrefix(q, "SELECT ") || len(readsTable.FindAllString(q, -1)) != 1 || strings.Count(q, `"t"`) != 1 || strings.Contains(q, "WITH ") {
			t.Errorf("a query does not read the table once: %.300s", q)
		}
	}
}

// encodedRows reads the rows of table t encoded by enc, in table order,
// with the expressions the engine plan writes (sqlgen.EncodedRows).
func encodedRows(t *testing.T, ctx context.Context, db *sql.DB, f *pushdown.Fit) ([]float64, int) {
	t.Helper()
	e, err := sqlgen.EncodedRows(sqlgen.DuckDB, f.Encoder)
	if err != nil {
		t.Fatal(err)
	}
	ins := e.Inputs
	rows, err := db.QueryContext(ctx, "SELECT "+strings.Join(ins, ", ")+" FROM "+e.From(`"t"`, "1 = 1")+" ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	w := len(ins)
	var x []float64
	for rows.Next() {
		v := make([]float64, w)
		ptrs := make([]any, w)
		for i := range v {
			ptrs[i] = &v[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		x = append(x, v...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return x, len(x) / w
}

// The engine's Lloyd iterations are local k-means' (kmeans.FitFrom) from
// the same initial centroids, to 1e-9, on overlapping data where the
// iterations matter: the same number of iterations, the same centroids.
// One initial centroid lies far from every row, so its segment is empty
// after the first assignment and both take the farthest row for it. The
// sample is the same whatever the order of the table's rows, and every
// query reads the table directly.
func TestSegmentEngineLloyd(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), engineData)
	r := &planRunner{db: e.DB()}
	plan, err := pushdown.NewPlan(ctx, r, pushdown.Spec{Fn: "segment", Dialect: pushdown.DuckDB, Table: "t", Features: []string{"a", "b", "c", "d"},
		Exact: true, Distance: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := plan.FitPass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	x, n := encodedRows(t, ctx, e.DB(), f)
	w := f.Encoder.Width
	if n != 4000 || w != 8 { // a, b, c's 4 levels and NULL, d
		t.Fatalf("%d rows of %d inputs", n, w)
	}
	const k = 5
	init := make([]float64, 0, k*w)
	for _, i := range []int{3, 1001, 2002, 3003} {
		init = append(init, x[i*w:(i+1)*w]...)
	}
	for range w {
		init = append(init, 50)
	}
	const maxIter, tol = 300, 1e-4
	got, err := plan.Lloyd(ctx, f, init, maxIter, tol)
	if err != nil {
		t.Fatal(err)
	}
	want, err := kmeans.FitFrom(ctx, x, n, w, nil, init, maxIter, tol)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, v := range want.Centroids {
		worst = math.Max(worst, math.Abs(v-got.Centroids[i]))
	}
	t.Logf("%d iterations; largest centroid difference %.3g", got.Iter, worst)
	if got.Iter != want.Iter || got.Converged != want.Converged || got.Iter < 3 || worst > 1e-9 {
		t.Errorf("engine: %d iterations (converged %v), local: %d (%v); centroids differ by %.3g", got.Iter, got.Converged, want.Iter, want.Converged, worst)
	}
	if !strings.Contains(strings.Join(r.queries, "\n"), "ORDER BY ds__dist DESC") {
		t.Error("no segment was re-seeded with the farthest row")
	}
	checkFlat(t, r.queries)

	// The sample depends on the rows alone: the table in another order
	// gives the same sample, in the same order, of every row (size 5000)
	// or of about 1000 chosen by their hash.
	var samples [2][2]string
	for i, reorder := range []bool{false, true} {
		if reorder {
			mustExec(t, ctx, e.DB(), `CREATE OR REPLACE TABLE t AS SELECT * FROM t ORDER BY hash(id * 3 + 1)`)
		}
		for j, size := range []int{5000, 1000} {
			sample, sn, err := plan.Sample(ctx, f, 7, size)
			if err != nil {
				t.Fatal(err)
			}
			if size == 5000 && sn != 4000 || size == 1000 && (sn < 850 || sn > 1150) || len(sample) != sn*w {
				t.Errorf("a sample of %d of %d rows, %d values", sn, size, len(sample))
			}
			samples[i][j] = fmt.Sprint(sample)
		}
	}
	if samples[0] != samples[1] {
		t.Error("the samples differ with the table's order")
	}
	checkFlat(t, r.queries)
}

// Exact sums make the model independent of DuckDB's threads: 1 and 2
// give the same document bit for bit (with where :=, k chosen
// automatically, standardize := false).
func TestSegmentEngineThreads(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), engineData)
	want := queryInt(t, ctx, e.DB(), "SELECT count(*) FROM t WHERE b > -900")
	var docs [][]byte
	for _, th := range []string{"1", "2"} {
		mustExec(t, ctx, e.DB(), "SET threads = "+th)
		name := "m" + th
		s, err := e.Segment(ctx, name, "t", engine.SegmentOptions{Exclude: []string{"id", "y", "holdout"}, Engine: "duckdb", Where: "b > -900",
			Standardize: new(false), KMax: 4})
		if err != nil {
			t.Fatal(err)
		}
		rows := int64(0)
		for _, p := range s.Profile {
			rows += p.Size
		}
		if rows != want || s.K < 2 || s.K > 4 || len(s.KScores) != 3 || len(s.Inertia) != s.K {
			t.Errorf("%d rows in %d segments, k scores %v, inertia %v", rows, s.K, s.KScores, s.Inertia)
		}
		_, text := kmeansDocument(t, ctx, e, name)
		docs = append(docs, text)
	}
	if string(docs[0]) != string(docs[1]) {
		t.Errorf("threads 1 and 2 give different documents:\n%s\n%s", docs[0], docs[1])
	}
	d, _ := kmeansDocument(t, ctx, e, "m1")
	if d.Options.Where != "b > -900" || d.Options.Engine != "duckdb" || d.Encoder.Columns[0].Std != 1 {
		t.Errorf("options %+v, first column %+v", d.Options, d.Encoder.Columns[0])
	}
}

// Refused calls name the argument and save nothing; so does a
// segmentation cancelled after its first Lloyd iteration.
func TestSegmentEngineErrors(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	mustExec(t, ctx, e.DB(), engineData)
	o := func(edit func(*engine.SegmentOptions)) engine.SegmentOptions {
		x := engine.SegmentOptions{K: 3, Features: []string{"a", "c"}, Engine: "duckdb"}
		edit(&x)
		return x
	}
	for _, c := range []struct {
		o     engine.SegmentOptions
		table string
		want  string
	}{
		{o(func(o *engine.SegmentOptions) {}), "missing", `segment: data: table "missing" does not exist in the engine (duckdb)`},
		{o(func(o *engine.SegmentOptions) {}), "SELECT * FROM t", "does not exist in the engine"},
		{o(func(o *engine.SegmentOptions) { o.Where = "a > 1; DROP TABLE t" }), "t", "segment: where: may not contain ';'"},
		{o(func(o *engine.SegmentOptions) { o.Where = "no_such_column > 1" }), "t", "segment: where: the engine refused the query counting the rows"},
		{o(func(o *engine.SegmentOptions) { o.Features = []string{"a", "holdot"} }), "t", `segment: features: column "holdot" not found in data (did you mean "holdout"?`},
		{o(func(o *engine.SegmentOptions) { o.Features = nil }), "t", "segment: features: required with engine (or exclude)"},
		{o(func(o *engine.SegmentOptions) { o.Features = []string{"holdout"}; o.Where = "holdout" }), "t", "segment: features: no usable feature column"},
		{o(func(o *engine.SegmentOptions) { o.Engine = "postgres://x" }), "t", "segment: engine: unknown engine"},
		{o(func(o *engine.SegmentOptions) { o.Engine = "clickhouse://u:secret@h:9000/db" }), "t", "segment: engine: holds a password"},
		{o(func(o *engine.SegmentOptions) { o.Engine = "clickhouse://127.0.0.1:1/db" }), "t", "segment: engine: cannot connect to clickhouse://127.0.0.1:1/db"},
		{o(func(o *engine.SegmentOptions) { o.K = 5000 }), "t", "segment: k: must be between 2 and 1000"},
		{engine.SegmentOptions{K: 3, Where: "a > 1"}, "t", "segment: where: applies only with engine :="},
	} {
		_, err := e.Segment(ctx, "bad", c.table, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, dserr.InvalidArgument) {
			t.Errorf("%+v on %q: error %v, want %q", c.o, c.table, err, c.want)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	iterations := 0
	_, err := e.Segment(engine.WithProgress(cctx, func(ep engine.Epoch) {
		iterations++
		if ep.Unit != "Lloyd iteration" || !(ep.TrainLoss > 0) {
			t.Errorf("progress %+v", ep)
		}
		cancel()
	}), "cancelled", "t", o(func(o *engine.SegmentOptions) {}))
	if !errors.Is(err, context.Canceled) || !errors.Is(err, dserr.Cancelled) || iterations != 1 {
		t.Errorf("cancelled after %d iterations: %v", iterations, err)
	}
	if models, err := e.Models(ctx); err != nil || len(models) != 0 {
		t.Errorf("models saved by refused or cancelled calls: %v (%v)", models, err)
	}
}
