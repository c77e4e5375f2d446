//go:build duckdb_arrow

package sqlfuncs

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/engine/bigmem"
)

// wideTableSQL returns the statements that build table name of rows rows:
// 16 DOUBLE columns c1..c16 uniform on [-1, 1) and a BOOLEAN label y drawn
// from a logistic model of them. With 1M rows it is the benchmark table of
// BenchmarkTrainLogistic (scripts/internal/widetable builds the same for
// the side-by-side scripts).
func wideTableSQL(name string, rows int) []string {
	var cols, names, logit []string
	for k := 1; k <= 16; k++ {
		cols = append(cols, fmt.Sprintf("((hash(i * 16 + %d) %% 20000) / 10000.0 - 1)::DOUBLE AS c%d", k, k))
		names = append(names, fmt.Sprintf("c%d", k))
		logit = append(logit, fmt.Sprintf("%g * c%d", float64((k%5)-2)*0.7, k))
	}
	return []string{
		fmt.Sprintf(`CREATE TABLE %s0 AS SELECT i, %s FROM range(%d) t(i)`, name, strings.Join(cols, ", "), rows),
		fmt.Sprintf(`CREATE TABLE %s AS SELECT %s, (hash(i) %% 1000000) / 1000000.0 < 1 / (1 + exp(-(%s))) AS y FROM %s0`,
			name, strings.Join(names, ", "), strings.Join(logit, " + "), name),
		fmt.Sprintf(`DROP TABLE %s0`, name),
	}
}

// createWideTable builds wideTableSQL's table in db.
func createWideTable(tb testing.TB, db *sql.DB, name string, rows int) {
	tb.Helper()
	for _, q := range wideTableSQL(name, rows) {
		if _, err := db.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
}

// treesMemory is the memory of one train_boosted_trees statement, in MB
// (1e6 bytes), as measureTreesMemory finds it.
type treesMemory struct {
	// Peak is the largest sampled Go heap (its objects' bytes) plus the
	// mappings bigmem holds, above what they were before the statement:
	// an upper bound of the peak of ducksight's own allocations, by at
	// most the collector's slack (treesMemoryGCPercent).
	Peak float64
	// Live is the largest live heap a collection marked during the
	// statement (plus bigmem's mappings), above the baseline: a lower
	// bound of the same peak.
	Live float64
	// Binned is the binned matrix (training rows x columns bytes), Raw
	// the values the trainer copies (x 8 bytes).
	Binned, Raw float64
	// Rows and Inputs are the statement's rows_used and inputs.
	Rows   int64
	Inputs int
	// Samples is the number of samples taken over Seconds.
	Samples int
	Seconds float64
}

// Ratio is the bar of issue 12: Peak / (Binned + Raw), at most 2.
func (m treesMemory) Ratio() float64 { return m.Peak / (m.Binned + m.Raw) }

func (m treesMemory) String() string {
	return fmt.Sprintf("%d rows x %d columns: peak %.1f MB (live heap at collections %.1f MB), binned %.1f MB + raw %.1f MB: ratio %.3f (%d samples in %.1f s)",
		m.Rows, m.Inputs, m.Peak, m.Live, m.Binned, m.Raw, m.Ratio(), m.Samples, m.Seconds)
}

// treesMemoryGCPercent is the collector's setting while measuring: a
// collection whenever the heap grows by 10% over the live heap the last
// one found, so the sampled heap (live objects and garbage not yet
// collected) stays within about 10% of the live heap.
const treesMemoryGCPercent = 10

// treesMemorySample reads what the sampler watches: the Go heap's object
// bytes, the live heap the last collection marked, and bigmem's mappings
// (the only memory ducksight allocates outside the Go heap; DuckDB's own,
// including the vectors Arrow batches of numeric columns borrow, is not
// counted).
func treesMemorySample(s []metrics.Sample) (objects, live uint64) {
	metrics.Read(s)
	held := uint64(bigmem.Held())
	return s[0].Value.Uint64() + held, s[1].Value.Uint64() + held
}

// measureTreesMemory runs train_boosted_trees on table (every row trained
// on, rounds trees of depth 6, learning rate 0.1, 255 bins, no early
// stopping) while a goroutine samples the memory every millisecond, and
// returns what it found. Nothing else may run in the process meanwhile.
func measureTreesMemory(tb testing.TB, db *sql.DB, table string, rounds int) treesMemory {
	tb.Helper()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	runtime.GC()
	baseObjects, baseLive := treesMemorySample(s)
	defer debug.SetGCPercent(debug.SetGCPercent(treesMemoryGCPercent))
	var peak, live uint64
	samples := 0
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			o, l := treesMemorySample(s)
			peak, live = max(peak, o), max(live, l)
			samples++
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	var m treesMemory
	err := db.QueryRow(fmt.Sprintf(`SELECT rows_used, inputs FROM train_boosted_trees('m', '%s', label := 'y', trees := %d,
		learning_rate := 0.1, max_depth := 6, max_bins := 255, early_stopping := false, validation_fraction := 0)`, table, rounds)).Scan(&m.Rows, &m.Inputs)
	m.Seconds = time.Since(start).Seconds()
	close(stop)
	<-done
	if err != nil {
		tb.Fatal(err)
	}
	mb := func(b uint64) float64 { return float64(b) / 1e6 }
	m.Peak, m.Live, m.Samples = mb(peak)-mb(baseObjects), mb(live)-mb(baseLive), samples
	m.Binned = mb(uint64(m.Rows) * uint64(m.Inputs))
	m.Raw = 8 * m.Binned
	return m
}

// treesMemoryRows is the size of TestTrainBoostedTreesMemory's table.
const treesMemoryRows = 300_000

// TestTrainBoostedTreesMemory holds train_boosted_trees to issue 12's
// memory bar at a size CI affords: its own allocations (the Go heap and
// bigmem's mappings, sampled every millisecond) peak at no more than twice
// the binned matrix and the raw copy of the values together, on 300,000
// rows of 16 DOUBLE columns. Ten rounds suffice: the peak comes before the
// first tree (the raw values and the bins), and a round allocates nothing
// that lasts. The statement runs alone in a child process (GOMAXPROCS 2,
// the bar's threads), whose figures the test reads. The race detector
// keeps its shadow memory outside the Go heap and leaves allocation sizes
// as they are (ratios of 1.30 to 1.41 with it and without it, run to run),
// so the child runs under it too, with two rounds to keep it short.
func TestTrainBoostedTreesMemory(t *testing.T) {
	const child = "DUCKSIGHT_TEST_CHILD"
	if os.Getenv(child) == t.Name() {
		db := openBench(t)
		createWideTable(t, db, "wide", treesMemoryRows)
		rounds := 10
		if raceEnabled {
			rounds = 2
		}
		m := measureTreesMemory(t, db, "wide", rounds)
		js, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("trees memory: %s\n", js)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), child+"="+t.Name(), "GOMAXPROCS=2")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("measuring child: %v\n%s", err, out)
	}
	_, js, ok := strings.Cut(string(out), "trees memory: ")
	js, _, _ = strings.Cut(js, "\n")
	var m treesMemory
	if !ok {
		t.Fatalf("no figures from the measuring child:\n%s", out)
	}
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("figures %q: %v", js, err)
	}
	t.Log(m)
	if m.Rows != treesMemoryRows || m.Inputs != 16 {
		t.Fatalf("trained on %d rows of %d columns, want %d of 16", m.Rows, m.Inputs, treesMemoryRows)
	}
	// The measure must see the rows: the raw copy alone is 38.4 MB.
	if m.Live < m.Raw {
		t.Errorf("live heap %.1f MB at most, less than the %.1f MB of values copied: the sampler missed the training", m.Live, m.Raw)
	}
	if r := m.Ratio(); r > 2 {
		t.Errorf("peak %.1f MB = %.2f x (binned %.1f MB + raw %.1f MB), want at most 2x", m.Peak, r, m.Binned, m.Raw)
	}
}

// BenchmarkTrainBoostedTreesMemory measures issue 12's memory bar on the
// benchmark table (1M x 16 DOUBLE, binary label): the peak of ducksight's
// own allocations during the whole train_boosted_trees statement (100
// trees of depth 6, learning rate 0.1, 255 bins, no early stopping, every
// row trained on), against the binned matrix and the raw copy of the
// values (target: peak <= 2 x (binned + raw)). Times are not the point: the
// collector runs ten times as often as by default while it measures.
//
//	GOMAXPROCS=2 go test -tags duckdb_arrow -run '^$' -bench TrainBoostedTreesMemory -benchtime 1x ./sqlfuncs/
func BenchmarkTrainBoostedTreesMemory(b *testing.B) {
	db := openBench(b)
	createWideTable(b, db, "wide", 1_000_000)
	for n := 0; n < b.N; n++ {
		m := measureTreesMemory(b, db, "wide", 100)
		b.ReportMetric(m.Peak, "peak-MB")
		b.ReportMetric(m.Live, "live-MB")
		b.ReportMetric(m.Binned, "binned-MB")
		b.ReportMetric(m.Raw, "raw-MB")
		b.ReportMetric(m.Ratio(), "x-peak/(binned+raw)")
		b.Log(m)
	}
}
