package sqlgen

import (
	"slices"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
)

// The assignment reads the table once: in ClickHouse directly, no SELECT
// in the FROM clause, the nearest centroid computed as model_sql's kmeans
// computes it (the same text), the centroids one array literal; in DuckDB
// through one projection per stage.
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
	if !strings.HasPrefix(from, "`db`.`t` ARRAY JOIN [arrayElement(arrayMap(ds__x ->") || !strings.HasSuffix(from, "] AS ds__nearest WHERE x > 1 AND tupleElement(ds__nearest, 2) > 0") ||
		strings.Contains(strings.ToUpper(from), "SELECT") || a.Segment != "tupleElement(ds__nearest, 1)" || len(a.Inputs) != 4 ||
		a.Inputs[3] != "tupleElement(ds__nearest, 6)" || !strings.Contains(from, "tuple(indexOf(ds__d, ds__dmin), ds__dmin, arrayElement(ds__x, 1), ") {
		t.Errorf("clickhouse: %+v\n%s", a, from)
	}
	// The inputs, the distances and the smallest, each bound once; each
	// centroid one array literal.
	for _, param := range []string{"ds__x ->", "ds__d ->", "ds__dmin ->", "ds__x, [0e+00, 7e-01, 0e+00, 0e+00]))", "ds__x, [1e+00, 0e+00, 7e-01, 0e+00]))"} {
		if n := strings.Count(from, param); n != 1 {
			t.Errorf("clickhouse: %q %d times: %s", param, n, from)
		}
	}
	// model_sql's clickhouse kmeans statement computes the same bindings.
	doc := &clustering.Document{Kind: "kmeans", Encoder: *enc, Model: *m, K: 2}
	stmt, err := KMeans(ClickHouse, "t", doc)
	if err != nil {
		t.Fatal(err)
	}
	// The bindings' opening, and their values (the inputs, the
	// distances, the smallest) after the tuple.
	open := from[len("`db`.`t` ARRAY JOIN ["):strings.Index(from, "tuple(indexOf(")]
	values := from[strings.Index(from, ",\n[arrayReduce('min', ds__d)]"):strings.Index(from, "] AS ds__nearest")]
	if !strings.Contains(stmt, open) || !strings.Contains(stmt, values) || !strings.Contains(values, chInputs(enc)) {
		t.Errorf("the assignment's bindings are not model_sql's:\n%s\n%s\n%s", open, values, stmt)
	}
	// The text grows with k plus the inputs: one more centroid adds one
	// sum over its literal.
	m3 := &kmeans.Model{K: 3, Dim: 4, Centroids: append(slices.Clone(m.Centroids), 2, 0, 0, 0.7)}
	a3, err := NearestCentroid(ClickHouse, enc, m3)
	if err != nil {
		t.Fatal(err)
	}
	if d := len(a3.From("`db`.`t`", "x > 1", "")) - len(a.From("`db`.`t`", "x > 1", "")); d != len(",\n  arraySum(arrayMap((ds__a, ds__b) -> (ds__a - ds__b) * (ds__a - ds__b), ds__x, [2e+00, 0e+00, 0e+00, 7e-01]))") {
		t.Errorf("a third centroid adds %d characters", d)
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
	if _, err := NearestCentroid(ClickHouse, enc, &kmeans.Model{K: 2, Dim: 3, Centroids: make([]float64, 6)}); err == nil || !strings.Contains(err.Error(), "preprocessing has 4") {
		t.Errorf("clickhouse, 3 values per centroid: %v", err)
	}
}

// The encoded rows: in DuckDB one expression per input, in ClickHouse
// the elements of model_sql's array of inputs, bound by an ARRAY JOIN.
func TestEncodedRows(t *testing.T) {
	enc := &features.Encoder{Distance: true, Width: 2, Columns: []features.ColumnEncoding{
		{Name: "a", Kind: features.KindNumeric, Mean: 1, Std: 2, Offset: 0, Width: 1},
		{Name: "b", Kind: features.KindBoolean, Mean: 0.5, Std: 1, Offset: 1, Width: 1},
	}}
	e, err := EncodedRows(DuckDB, enc)
	if err != nil || len(e.Inputs) != 2 || !strings.HasPrefix(e.Inputs[0], `CASE WHEN ("a") IS NULL`) || e.From(`"t"`, "1 = 1") != `"t" WHERE 1 = 1` {
		t.Errorf("duckdb: %+v, %v", e, err)
	}
	e, err = EncodedRows(ClickHouse, enc)
	if err != nil || len(e.Inputs) != 2 || e.Inputs[1] != "arrayElement(ds__inputs, 2)" ||
		e.From("`t`", "1 = 1") != "`t` ARRAY JOIN ["+chInputs(enc)+"] AS ds__inputs WHERE 1 = 1" {
		t.Errorf("clickhouse: %+v, %v", e, err)
	}
	if _, err := EncodedRows(Postgres, enc); err == nil {
		t.Error("postgres: no error")
	}
}
