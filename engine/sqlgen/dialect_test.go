package sqlgen

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestIdent(t *testing.T) {
	for _, c := range []struct {
		d          Dialect
		name, want string
	}{
		{DuckDB, `a"b`, `"a""b"`},
		{Postgres, `a"b`, `"a""b"`},
		{ClickHouse, "a`b\\c", "`a\\`b\\\\c`"},
		{ClickHouse, `a"b`, "`a\"b`"},
	} {
		if got := c.d.Ident(c.name); got != c.want {
			t.Errorf("%s.Ident(%q) = %s, want %s", c.d, c.name, got, c.want)
		}
	}
}

func TestTable(t *testing.T) {
	for _, c := range []struct {
		d          Dialect
		name, want string
	}{
		{DuckDB, "main.t", `"main"."t"`},
		{Postgres, "c.s.t", `"c"."s"."t"`},
		{ClickHouse, "db.t`x", "`db`.`t\\`x`"},
		{DuckDB, "a..b", `"a..b"`},
		{DuckDB, ".t", `".t"`},
	} {
		if got := c.d.Table(c.name); got != c.want {
			t.Errorf("%s.Table(%q) = %s, want %s", c.d, c.name, got, c.want)
		}
	}
}

func TestStr(t *testing.T) {
	for _, c := range []struct {
		d       Dialect
		s, want string
	}{
		{DuckDB, `it's \n`, `'it''s \n'`},
		{Postgres, `it's \n`, `'it''s \n'`},
		{ClickHouse, `it's \n`, `'it\'s \\n'`},
	} {
		if got := c.d.Str(c.s); got != c.want {
			t.Errorf("%s.Str(%q) = %s, want %s", c.d, c.s, got, c.want)
		}
	}
}

// TestFloatBits checks that every Float literal's number reads back as
// the same bits, and that negative numbers are parenthesised.
func TestFloatBits(t *testing.T) {
	vals := []float64{0, 1, -1, 0.1, -0.1, 1.0 / 3, math.Pi * 1e300, 5e-324, -math.MaxFloat64, 123456789012345678}
	for _, d := range Dialects() {
		for _, v := range vals {
			lit := d.Float(v)
			s := lit
			if d == Postgres {
				if !strings.HasPrefix(s, "'") || !strings.HasSuffix(s, "'::float8") {
					t.Fatalf("postgres Float(%v) = %s, not a float8 cast", v, lit)
				}
				s = strings.TrimSuffix(strings.TrimPrefix(s, "'"), "'::float8")
			} else if v < 0 {
				if !strings.HasPrefix(s, "(") || !strings.HasSuffix(s, ")") {
					t.Fatalf("%s.Float(%v) = %s, not parenthesised", d, v, lit)
				}
				s = s[1 : len(s)-1]
			}
			if !strings.Contains(s, "e") {
				t.Errorf("%s.Float(%v) = %s, not in exponent form", d, v, lit)
			}
			got, err := strconv.ParseFloat(s, 64)
			if err != nil || math.Float64bits(got) != math.Float64bits(v) {
				t.Errorf("%s.Float(%v) = %s reads back as %v (%v)", d, v, lit, got, err)
			}
		}
	}
	if got := Postgres.Float(math.Inf(-1)); got != "'-Infinity'::float8" {
		t.Errorf("postgres -Inf = %s", got)
	}
	if got := DuckDB.Float(math.NaN()); got != "CAST('nan' AS DOUBLE)" {
		t.Errorf("duckdb NaN = %s", got)
	}
}

func TestParseDialect(t *testing.T) {
	if d, err := ParseDialect("ClickHouse"); err != nil || d != ClickHouse {
		t.Errorf("ParseDialect(ClickHouse) = %v, %v", d, err)
	}
	_, err := ParseDialect("mysql")
	if err == nil || err.Error() != "must be 'duckdb', 'clickhouse' or 'postgres', got 'mysql'" {
		t.Errorf("ParseDialect(mysql) error = %v, want the dialects listed", err)
	}
}
