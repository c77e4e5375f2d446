//go:build duckdb_arrow && scaleout

package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/pushdown"
	"github.com/ducksight/ducksight/internal/servertest"
)

// Segmenting where the data lives, on the two ClickHouse 18.16 servers of
// internal/servertest: the 100k rows of the training tests (table s, see
// scaleData) split over two shards and whole on one, against engine :=
// 'duckdb' on the same rows. Run with the servers started:
//
//	go test -tags 'duckdb_arrow scaleout' -run 'TestScaleOutSegment' ./engine

// scaleSegmentOptions are the segmentations' options: the rows with test
// = 0, the five features, 4 segments.
func scaleSegmentOptions(engineURL string) engine.SegmentOptions {
	return engine.SegmentOptions{K: 4, Features: []string{"a", "b", "c", "d", "e"}, Engine: engineURL, Where: "test = 0"}
}

// Two shards and one give the same model bit for bit (exact sums, a
// sample chosen by the rows' values); ClickHouse and engine := 'duckdb'
// the same centroids to 1e-9, the same sizes and profile.
func TestScaleOutSegmentShards(t *testing.T) {
	ctx, e, s, tab := scaleSetup(t)
	url := s.EngineURL(0, scaleDB)
	var docs []string
	var results []*engine.Segmentation
	for _, table := range []string{tab.Name, tab.OneShard} {
		name := "seg_" + table
		r, err := e.Segment(ctx, name, table, scaleSegmentOptions(url))
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, r)
		_, text := kmeansDocument(t, ctx, e, name)
		docs = append(docs, string(text))
	}
	if docs[0] != docs[1] {
		t.Errorf("two shards and one give different models:\n%s\n%s", docs[0], docs[1])
	}
	if fmt.Sprint(results[0].Inertia) != fmt.Sprint(results[1].Inertia) {
		t.Errorf("segment inertias: two shards %v, one %v", results[0].Inertia, results[1].Inertia)
	}
	if _, err := e.Segment(ctx, "seg_duck", "s", scaleSegmentOptions("duckdb")); err != nil {
		t.Fatal(err)
	}
	ch, _ := kmeansDocument(t, ctx, e, "seg_"+tab.Name)
	duck, _ := kmeansDocument(t, ctx, e, "seg_duck")
	if ch.Options.Engine != url || ch.Options.Where != "test = 0" || ch.Data.Rows != scaleRows-scaleRows/10 {
		t.Errorf("options %+v, rows %d", ch.Options, ch.Data.Rows)
	}
	worst := 0.0
	for i, v := range duck.Model.Centroids {
		worst = math.Max(worst, math.Abs(v-ch.Model.Centroids[i]))
	}
	t.Logf("%d Lloyd iterations in ClickHouse, %d in DuckDB; centroids within %.3g", ch.Model.Iter, duck.Model.Iter, worst)
	if worst > 1e-9 || ch.Model.Iter != duck.Model.Iter || fmt.Sprint(ch.Model.Sizes) != fmt.Sprint(duck.Model.Sizes) {
		t.Errorf("ClickHouse %+v\nDuckDB %+v", ch.Model, duck.Model)
	}
	for i := range ch.Profile {
		cp, dp := ch.Profile[i], duck.Profile[i]
		if cp.Size != dp.Size || cp.Description != dp.Description {
			t.Errorf("segment %d: ClickHouse %+v, DuckDB %+v", i+1, cp, dp)
		}
	}
	if !near(ch.Quality.Inertia, duck.Quality.Inertia, 1e-9) || !near(float64(ch.Quality.Silhouette), float64(duck.Quality.Silhouette), 1e-9) {
		t.Errorf("quality: ClickHouse %+v, DuckDB %+v", ch.Quality, duck.Quality)
	}
	// An ordinary model: predict assigns the local rows as ClickHouse did.
	var n int64
	if err := e.DB().QueryRowContext(ctx, `SELECT count(*) FROM predict('seg_`+tab.Name+`', $$SELECT * FROM s WHERE test = 0$$) WHERE segment = 1`).Scan(&n); err != nil || n != ch.Profile[0].Size {
		t.Errorf("predict puts %d rows in segment 1, ClickHouse %d (%v)", n, ch.Profile[0].Size, err)
	}
}

// chRunner runs the plan's queries on ClickHouse server 1 of the test
// servers (one connection, closed when the test ends) and records them.
type chRunner struct {
	query   func(ctx context.Context, q string) ([][]*string, error)
	queries []string
}

func newCHRunner(tb testing.TB, s *servertest.Servers) *chRunner {
	conn := s.Open(tb, 0)
	r := &chRunner{}
	r.query = func(ctx context.Context, q string) ([][]*string, error) {
		rows, err := conn.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		vals, err := servertest.ScanRows(rows)
		out := make([][]*string, len(vals))
		for i, row := range vals {
			out[i] = make([]*string, len(row))
			for j, v := range row {
				if v == nil {
					continue
				}
				text := fmt.Sprint(v)
				if f, ok := v.(float64); ok {
					text = strconv.FormatFloat(f, 'g', -1, 64)
				}
				out[i][j] = &text
			}
		}
		return out, err
	}
	return r
}

func (r *chRunner) Query(ctx context.Context, q string) ([][]*string, error) {
	r.queries = append(r.queries, q)
	return r.query(ctx, q)
}

// The sample is the same rows in the same order in DuckDB and ClickHouse,
// on two shards and on one, when it is chosen by the hash (about 5000 of
// the 90k rows); Lloyd iterations from the same centroids (one of them far
// from every row) give the same model bit for bit on two shards and one,
// and the same centroids in DuckDB to 1e-9; every ClickHouse query reads the
// Distributed table directly (its only SELECT, the table after its only
// FROM, an ARRAY JOIN at most between them).
func TestScaleOutSegmentSample(t *testing.T) {
	ctx, e, s, tab := scaleSetup(t)
	spec := func(d pushdown.Dialect, table string) pushdown.Spec {
		return pushdown.Spec{Fn: "segment", Dialect: d, Table: table, Where: "test = 0", Features: []string{"a", "b", "c", "d", "e"}, Exact: true, Distance: true}
	}
	duck := &planRunner{db: e.DB()}
	ch := newCHRunner(t, s)
	var samples []string
	var models []*kmeans.Model
	for _, c := range []struct {
		r     pushdown.Runner
		spec  pushdown.Spec
		label string
	}{
		{duck, spec(pushdown.DuckDB, "s"), "duckdb"},
		{ch, spec(pushdown.ClickHouse, tab.Database+"."+tab.Name), "two shards"},
		{ch, spec(pushdown.ClickHouse, tab.Database+"."+tab.OneShard), "one shard"},
	} {
		plan, err := pushdown.NewPlan(ctx, c.r, c.spec)
		if err != nil {
			t.Fatal(err)
		}
		f, err := plan.FitPass(ctx)
		if err != nil {
			t.Fatal(err)
		}
		x, n, err := plan.Sample(ctx, f, 42, 5000)
		if err != nil {
			t.Fatal(err)
		}
		if n < 4500 || n > 5500 || len(x) != n*f.Encoder.Width {
			t.Errorf("%s: a sample of %d rows", c.label, n)
		}
		samples = append(samples, fmt.Sprint(x))
		// Lloyd iterations from 4 sampled rows and a centroid far from
		// every row (its segment empty after the first assignment).
		w := f.Encoder.Width
		var init []float64
		for _, i := range []int{0, n / 4, n / 2, 3 * n / 4} {
			init = append(init, x[i*w:(i+1)*w]...)
		}
		for range w {
			init = append(init, 50)
		}
		m, err := plan.Lloyd(ctx, f, init, 300, 1e-4)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, m)
	}
	if samples[0] != samples[1] || samples[1] != samples[2] {
		t.Error("the samples of DuckDB, two shards and one differ")
	}
	worst := 0.0
	for i, v := range models[0].Centroids {
		worst = math.Max(worst, math.Abs(v-models[1].Centroids[i]))
	}
	t.Logf("%d Lloyd iterations; DuckDB and ClickHouse centroids within %.3g", models[1].Iter, worst)
	if fmt.Sprint(models[1]) != fmt.Sprint(models[2]) || worst > 1e-9 || models[0].Iter != models[1].Iter || models[1].Iter < 3 ||
		fmt.Sprint(models[0].Sizes) != fmt.Sprint(models[1].Sizes) {
		t.Errorf("Lloyd iterations:\nDuckDB     %+v\ntwo shards %+v\none shard  %+v", models[0], models[1], models[2])
	}

	// A whole segmentation's queries.
	ch.queries = nil
	plan, err := pushdown.NewPlan(ctx, ch, spec(pushdown.ClickHouse, tab.Database+"."+tab.Name))
	if err != nil {
		t.Fatal(err)
	}
	o := clustering.Options{K: 3}
	if _, err := pushdown.Segment(ctx, plan, o); err != nil {
		t.Fatal(err)
	}
	if len(ch.queries) < 10 {
		t.Errorf("%d queries", len(ch.queries))
	}
	flat := regexp.MustCompile("(?s)^SELECT .* FROM `" + tab.Database + "`.`" + tab.Name + "` (ARRAY JOIN .* )?WHERE ")
	for _, q := range ch.queries {
		if strings.Contains(q, "system.columns") {
			continue
		}
		if !flat.MatchString(q) || strings.Count(q, "SELECT") != 1 || strings.Count(q, " FROM ") != 1 {
			t.Errorf("a query does not read the table directly: %.400s", q)
		}
	}
}

// A shard dying mid-segmentation is an error and saves nothing; the shard
// restarted, the segmentation runs again.
func TestScaleOutSegmentKillShard(t *testing.T) {
	ctx, e, s, tab := scaleSetup(t)
	t.Cleanup(func() { s.Restart(t, 1) })
	o := scaleSegmentOptions(s.EngineURL(0, scaleDB))
	iterations := 0
	_, err := e.Segment(engine.WithProgress(ctx, func(engine.Epoch) {
		iterations++
		if iterations == 1 {
			s.Kill(t, 1)
		}
	}), "killed", tab.Name, o)
	if err == nil || !errors.Is(err, dserr.InvalidArgument) || !strings.Contains(err.Error(), "segment: data: the engine refused the query") || iterations != 1 {
		t.Errorf("after %d iterations: %v", iterations, err)
	}
	if models, err := e.Models(ctx); err != nil || len(models) != 0 {
		t.Errorf("saved after a shard died: %v (%v)", models, err)
	}
	s.Restart(t, 1)
	if _, err := e.Segment(ctx, "again", tab.Name, o); err != nil {
		t.Errorf("after the restart: %v", err)
	}
}

// Cancelling the context stops the query running on both servers and
// saves nothing. The where condition makes every query slow (a sleep per
// row) and marks it in system.processes.
func TestScaleOutSegmentCancel(t *testing.T) {
	ctx, e, s, tab := scaleSetup(t)
	const marker = "sleepEachRow(0.00004)"
	o := scaleSegmentOptions(s.EngineURL(0, scaleDB))
	o.Where = "test = 0 AND " + marker + " = 0"
	running := func() int {
		n := 0
		for shard := range s.ClickHouse {
			rows, err := s.Open(t, shard).Query(context.Background(), "SELECT query FROM system.processes")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var q string
				if err := rows.Scan(&q); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(q, marker) && !strings.Contains(q, "system.processes") {
					n++
				}
			}
			rows.Close()
		}
		return n
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := e.Segment(cctx, "cancelled", tab.Name, o)
		done <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for running() == 0 {
		select {
		case err := <-done:
			t.Fatalf("segment ended before it was cancelled: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no query of the segmentation seen running")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	start := time.Now()
	if err := <-done; !errors.Is(err, context.Canceled) || !errors.Is(err, dserr.Cancelled) {
		t.Errorf("cancelled: %v", err)
	}
	for n := running(); n > 0; n = running() {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("%d queries of the segmentation still run 5 s after the cancel", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if models, err := e.Models(ctx); err != nil || len(models) != 0 {
		t.Errorf("saved after a cancel: %v (%v)", models, err)
	}
}

// The password comes from DUCKSIGHT_CLICKHOUSE_PASSWORD and is stored
// nowhere; the user is part of the engine text the model records.
func TestScaleOutSegmentPassword(t *testing.T) {
	ctx, e, s, tab := scaleSetup(t)
	passwordFromEnv(t, ctx, e, s, "segment", func(name, url string) error {
		o := scaleSegmentOptions(url)
		o.MaxIter = 2
		_, err := e.Segment(ctx, name, tab.Name, o)
		return err
	})
}
