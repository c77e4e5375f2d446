package sqlgen

import (
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
)

// The flat assignment reads the table's columns only: no SELECT, no
// common table expression, every stage bound by a lambda once.
func TestNearestCentroidFlat(t *testing.T) {
	enc := &features.Encoder{Distance: true, Width: 4, Columns: []features.ColumnEncoding{
		{Name: "a", Kind: features.KindNumeric, Mean: 1, Std: 2, Offset: 0, Width: 1},
		{Name: "ds__x1", Kind: features.KindCategorical, Levels: []string{"ds__x0", "y"}, NullLevel: true, Scale: 0.7071067811865476, Offset: 1, Width: 3},
	}}
	m := &kmeans.Model{K: 2, Dim: 4, Centroids: []float64{0, 0.7, 0, 0, 1, 0, 0.7, 0}}
	for _, d := range []Dialect{DuckDB, ClickHouse} {
		a, err := NearestCentroid(d, enc, m)
		if err != nil {
			t.Fatal(err)
		}
		all := a.Join + " " + a.Segment + " " + a.Distance2 + " " + strings.Join(a.Inputs, " ")
		if strings.Contains(strings.ToUpper(all), "SELECT") || strings.Contains(all, "WITH ") || len(a.Inputs) != 4 {
			t.Errorf("%s: not flat: %s", d, all)
		}
		// The inputs, the distances and the smallest: three stages, each
		// bound once.
		for k, param := range []string{"ds__s0", "ds__s1", "ds__s2"} {
			binds := strings.Count(all, "lambda "+param+":") + strings.Count(all, param+" ->")
			want := 1
			if d == DuckDB {
				want = 2 // Segment and Distance2
			}
			if binds != want || strings.Contains(all, "ds__s3") {
				t.Errorf("%s: stage %d bound %d times: %s", d, k, binds, all)
			}
		}
		if d == ClickHouse && (!strings.HasPrefix(a.Join, "ARRAY JOIN [arrayElement(arrayMap(ds__s0 -> ") || a.Segment != "tupleElement(ds__a, 1)" || a.Inputs[3] != "tupleElement(ds__a, 6)") {
			t.Errorf("clickhouse: %+v", a)
		}
		if d == DuckDB && (a.Join != "" || !strings.HasPrefix(a.Segment, "list_transform([[CASE WHEN (\"a\") IS NULL")) {
			t.Errorf("duckdb: %+v", a)
		}
	}
	if _, err := NearestCentroid(Postgres, enc, m); err == nil {
		t.Error("postgres: no error")
	}
	ins, err := EncodedInputs(DuckDB, enc)
	if err != nil || len(ins) != 4 || !strings.HasPrefix(ins[0], `CASE WHEN ("a") IS NULL`) {
		t.Errorf("EncodedInputs: %q, %v", ins, err)
	}
}
