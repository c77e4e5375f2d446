package sqlgen

import (
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
)

// The assignment reads the table once: in ClickHouse directly, no SELECT
// in the FROM clause, every stage bound by one lambda; in DuckDB through
// one projection per stage.
func TestNearestCentroid(t *testing.T) {
	enc := &features.Encoder{Distance: true, Width: 4, Columns: []features.ColumnEncoding{
		{Name: "a", Kind: features.KindNumeric, Mean: 1, Std: 2, Offset: 0, Width: 1},
		{Name: "ds__x1", Kind: features.KindCategorical, Levels: []string{"ds__x0", "y"}, NullLevel: true, Scale: 0.7071067811865476, Offset: 1, Width: 3},
	}}
	m := &kmeans.Model{K: 2, Dim: 4, Centroids: []float64{0, 0.7, 0, 0, 1, 0, 0.7, 0}}

	a, err := NearestCentroid(ClickHouse, enc, m)
	if err != nil {
		t.Fatal(err)
	}
	from := a.From("`db`.`t`", "x > 1", a.Distance2+" > 0")
	if !strings.HasPrefix(from, "`db`.`t` ARRAY JOIN [arrayElement(arrayMap(ds__s0 -> ") || !strings.HasSuffix(from, "] AS ds__a WHERE x > 1 AND tupleElement(ds__a, 2) > 0") ||
		strings.Contains(strings.ToUpper(from), "SELECT") || a.Segment != "tupleElement(ds__a, 1)" || len(a.Inputs) != 4 || a.Inputs[3] != "tupleElement(ds__a, 6)" {
		t.Errorf("clickhouse: %+v\n%s", a, from)
	}
	// The inputs, the distances and the smallest: three stages, each
	// bound once.
	for _, param := range []string{"ds__s0 ->", "ds__s1 ->", "ds__s2 ->"} {
		if n := strings.Count(from, param); n != 1 || strings.Contains(from, "ds__s3") {
			t.Errorf("clickhouse: %q bound %d times: %s", param, n, from)
		}
	}

	a, err = NearestCentroid(DuckDB, enc, m)
	if err != nil {
		t.Fatal(err)
	}
	from = a.From(`"t"`, "x > 1", "ds__dmin > 0")
	if !strings.HasPrefix(from, `(SELECT *, CASE WHEN ds__d0 = ds__dmin THEN 1 WHEN ds__d1 = ds__dmin THEN 2 END AS ds__segment FROM (SELECT *, least(ds__d0, ds__d1) AS ds__dmin FROM `) ||
		!strings.Contains(from, `(SELECT *, CASE WHEN ("a") IS NULL THEN`) || !strings.Contains(from, `FROM "t" WHERE x > 1) AS ds__l0`) ||
		!strings.HasSuffix(from, ") AS ds__rows WHERE ds__dmin > 0") || strings.Count(from, "SELECT") != 4 ||
		a.Segment != "ds__segment" || a.Distance2 != "ds__dmin" || a.Inputs[3] != "ds__x3" {
		t.Errorf("duckdb: %+v\n%s", a, from)
	}
	if _, err := NearestCentroid(Postgres, enc, m); err == nil {
		t.Error("postgres: no error")
	}
	ins, err := EncodedInputs(DuckDB, enc)
	if err != nil || len(ins) != 4 || !strings.HasPrefix(ins[0], `CASE WHEN ("a") IS NULL`) {
		t.Errorf("EncodedInputs: %q, %v", ins, err)
	}
}
