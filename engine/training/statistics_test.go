package training

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/engine/features"
)

// The document holds one statistics block per feature, over the rows with
// a usable label, checked against counts made here; it survives JSON and
// validates; a document without the block (saved before ducksight stored
// it) still validates; a block that does not describe the features does
// not.
func TestDocumentStatistics(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	cols := mixedColumns()
	const rows = 9000
	src := makeSource(t, mem, rows, 1000, cols)
	defer src.Release()
	b, res := trainDoc(t, src, Options{Label: "y", Exclude: exclude("grade", "amount"), Epochs: 1}, true)
	doc := res.Doc
	if !slices.Equal(doc.Features, []string{"x1", "x2", "x3", "plan"}) {
		t.Fatalf("features %q", doc.Features)
	}
	if len(doc.Statistics) != len(doc.Features) {
		t.Fatalf("%d statistics blocks for %d features", len(doc.Statistics), len(doc.Features))
	}

	// Counts by hand over the rows with a label (row 4000 has none).
	value := func(name string, i int) any {
		for _, c := range cols {
			if c.name == name {
				return c.val(i)
			}
		}
		panic(name)
	}
	var x1Missing, planNull int
	planCount := map[string]int{}
	var x2 []float64
	for i := range rows {
		if i == 4000 {
			continue
		}
		if v := value("x1", i); v == nil || math.IsNaN(v.(float64)) {
			x1Missing++
		}
		x2 = append(x2, float64(value("x2", i).(int64)))
		if v := value("plan", i); v == nil {
			planNull++
		} else {
			planCount[v.(string)]++
		}
	}
	n := float64(rows - 1)
	for _, s := range doc.Statistics {
		if s.Rows != rows-1 {
			t.Errorf("%s: %d rows, want %d", s.Column, s.Rows, rows-1)
		}
	}
	x1, x2s, plan := doc.Statistics[0], doc.Statistics[1], doc.Statistics[3]
	if x1.NullShare != float64(x1Missing)/n || x1.InfShare != 0 {
		t.Errorf("x1: NULL share %v, want %v", x1.NullShare, float64(x1Missing)/n)
	}
	if *x1.Mean != doc.Encoder.Columns[0].Mean || *x1.Std != doc.Encoder.Columns[0].Std {
		t.Errorf("x1: mean %v and std %v, the encoder's %v and %v", *x1.Mean, *x1.Std, doc.Encoder.Columns[0].Mean, doc.Encoder.Columns[0].Std)
	}
	// x2 is i*7 % 100: 8999 values, so its edges are exact.
	slices.Sort(x2)
	for k, e := range x2s.Edges {
		pos := float64(len(x2)-1) * float64(k) / 10
		lo := int(pos)
		want := x2[lo]
		if lo+1 < len(x2) {
			want += (x2[lo+1] - x2[lo]) * (pos - float64(lo))
		}
		if math.Abs(e-want) > 1e-9 || x2s.Sample != 0 {
			t.Errorf("x2: edge %d is %v, want %v (sample %d)", k, e, want, x2s.Sample)
		}
	}
	wantPlan := []features.LevelShare{}
	for _, l := range doc.Encoder.Columns[3].Levels {
		wantPlan = append(wantPlan, features.LevelShare{Level: l, Share: float64(planCount[l]) / n})
	}
	wantPlan = append(wantPlan, features.LevelShare{Other: true}, features.LevelShare{Null: true, Share: float64(planNull) / n})
	if !reflect.DeepEqual(plan.Levels, wantPlan) || plan.NullShare != float64(planNull)/n {
		t.Errorf("plan: levels %+v, want %+v", plan.Levels, wantPlan)
	}

	// Through JSON, as stored.
	var back Document
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Statistics, doc.Statistics) {
		t.Fatalf("statistics after JSON:\n%+v\nwant\n%+v", back.Statistics, doc.Statistics)
	}

	// A document saved before statistics were stored: no "statistics" key.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	delete(raw, "statistics")
	old, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	var od Document
	if err := json.Unmarshal(old, &od); err != nil {
		t.Fatal(err)
	}
	if od.Statistics != nil {
		t.Fatalf("statistics %v in a document without them", od.Statistics)
	}
	if err := od.Validate(); err != nil {
		t.Fatalf("a document without statistics: %v", err)
	}
	if again, _ := MarshalDocument(&od); strings.Contains(string(again), `"statistics"`) {
		t.Error("a document without statistics is written with a statistics key")
	}

	// Damaged blocks.
	back.Statistics[1], back.Statistics[2] = back.Statistics[2], back.Statistics[1]
	if err := back.Validate(); err == nil || !strings.Contains(err.Error(), "the statistics describe") {
		t.Errorf("statistics in another order: %v", err)
	}
	back.Statistics[1], back.Statistics[2] = back.Statistics[2], back.Statistics[1]
	back.Statistics[0].Edges[3] = math.Inf(1)
	if err := back.Validate(); err == nil || !strings.Contains(err.Error(), `statistics: column "x1": quantile edge 3 is +Inf`) {
		t.Errorf("an infinite edge: %v", err)
	}
	back.Statistics = features.Statistics{}
	if err := back.Validate(); err == nil {
		t.Error("an empty statistics block validates")
	}
}
