package sqlgen

import (
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
)

func TestRename(t *testing.T) {
	ref := map[string]string{"ds__x0": "ds__l0[1]", "ds__d1": "ds__l1[2]"}
	for _, c := range []struct{ in, want string }{
		{"ds__x0 + ds__x01 - ds__d1", "ds__l0[1] + ds__x01 - ds__l1[2]"},
		// A column or a level spelled like a name stays as it is.
		{`CASE WHEN "ds__x0" = 'ds__x0' THEN ds__x0 END`, `CASE WHEN "ds__x0" = 'ds__x0' THEN ds__l0[1] END`},
		{`'it''s ds__x0' || "a""ds__d1" || ds__d1`, `'it''s ds__x0' || "a""ds__d1" || ds__l1[2]`},
		{"1e-01 * ds__x0", "1e-01 * ds__l0[1]"},
		{"'unterminated ds__x0", "'unterminated ds__x0"},
	} {
		if got := rename(c.in, ref); got != c.want {
			t.Errorf("rename(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// The flat assignment reads the table's columns only: no SELECT, no
// common table expression, and in DuckDB no name left unbound.
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
		all := a.Segment + " " + a.Distance2 + " " + strings.Join(a.Inputs, " ")
		if strings.Contains(strings.ToUpper(all), "SELECT") || strings.Contains(all, "WITH ") || len(a.Inputs) != 4 {
			t.Errorf("%s: not flat: %s", d, all)
		}
		if d == DuckDB {
			// Every name of a stage became a lambda's element.
			bare := rename(all, map[string]string{"ds__x0": "!", "ds__x1": "!", "ds__x2": "!", "ds__x3": "!", "ds__d0": "!", "ds__d1": "!", "ds__dmin": "!"})
			if strings.Contains(bare, "!") || !strings.Contains(a.Segment, "lambda ds__l0:") {
				t.Errorf("duckdb: a name is left unbound: %s", a.Segment)
			}
		} else if !strings.Contains(a.Segment, ") AS ds__x0") || a.Inputs[0] != "ds__x0" || a.Distance2 != "ds__dmin" {
			t.Errorf("clickhouse: %+v", a)
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
