package repl

import (
	"database/sql"
	"math"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestFormatValueMatchesDuckDB checks formatValue against DuckDB itself: for
// each expression, the Go value database/sql scans, formatted with the
// column's type, must equal DuckDB's CAST(expr AS VARCHAR), which is what
// the DuckDB CLI prints.
func TestFormatValueMatchesDuckDB(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec(`SET TimeZone = 'UTC'`); err != nil {
		t.Fatal(err)
	}
	exprs := []string{
		// integers
		"42::TINYINT", "-42::SMALLINT", "2147483647", "(-9223372036854775808)::BIGINT",
		"170141183460469231731687303715884105727::HUGEINT", "255::UTINYINT", "18446744073709551615::UBIGINT",
		"340282366920938463463374607431768211455::UHUGEINT", "12345678901234567890123456789::VARINT",
		// floats: shortest round-trip, plain between 1e-4 and 1e16
		"0.5::DOUBLE", "1234.5678::DOUBLE", "1e-7::DOUBLE", "1e20::DOUBLE", "1e15::DOUBLE", "1e16::DOUBLE",
		"100::DOUBLE", "0.0001::DOUBLE", "0.00001::DOUBLE", "1/3", "-0.0::DOUBLE", "0::DOUBLE",
		"'nan'::DOUBLE", "'inf'::DOUBLE", "'-inf'::DOUBLE", "123456789012345678::DOUBLE",
		"1.7976931348623157e308::DOUBLE", "5e-324::DOUBLE", "-1.25e-5::DOUBLE", "9999999999999998::DOUBLE",
		"0.1::FLOAT", "1.0::FLOAT", "3.4e38::FLOAT", "1e-45::FLOAT", "16777216::FLOAT", "0.3::FLOAT",
		// decimals keep their scale
		"12.345::DECIMAL(10,3)", "1.5::DECIMAL(38,10)", "-0.05::DECIMAL(4,2)", "0::DECIMAL(5,2)",
		"123::DECIMAL(3,0)", "-12345678901234567890.123456789::DECIMAL(38,9)", "1.50",
		// strings, blobs, uuids, bits, enums
		"'hello'", "''", "'日本語'", "'a\nb'", "'\\xFF\\x00ab'::BLOB", "'a\\x5Cb''\"'::BLOB", "''::BLOB",
		"'6fc0f713-ecc6-492d-9eb4-1f61a353a4ac'::UUID", "'00000000-0000-0000-0000-000000000001'::UUID",
		"'1010'::BIT", "'b'::ENUM('a', 'b')", "true", "false",
		// temporal
		"DATE '2024-01-02'", "DATE '-0044-03-15'", "DATE '12345-01-01'", "'infinity'::DATE", "'-infinity'::DATE",
		"TIME '01:02:03'", "TIME '01:02:03.5'", "TIME '00:00:00.000001'",
		"'01:02:03.25+05:30'::TIMETZ", "'01:02:03-08'::TIMETZ", "'01:02:03+00'::TIMETZ",
		"TIMESTAMP '2024-01-02 03:04:05.5'", "TIMESTAMP '2024-01-02 03:04:05'", "TIMESTAMP '-0044-03-15 01:02:03'",
		"'infinity'::TIMESTAMP", "'-infinity'::TIMESTAMP", "TIMESTAMP_NS '2024-01-02 03:04:05.123456789'",
		"TIMESTAMP_MS '2024-01-02 03:04:05.120'", "TIMESTAMP_S '2024-01-02 03:04:05'", "'infinity'::TIMESTAMP_NS",
		"'-infinity'::TIMESTAMP_MS", "'infinity'::TIMESTAMP_S",
		"TIMESTAMPTZ '2024-01-02 03:04:05.25+02'", "'infinity'::TIMESTAMPTZ",
		"INTERVAL '1 year 2 months 3 days 04:05:06.5'", "INTERVAL '-1 day'", "INTERVAL 0 DAY",
		"INTERVAL '-1 year -1 month -2 hours'", "INTERVAL '100 hours 1 microsecond'", "INTERVAL '1 month -1 day'",
		"INTERVAL '-00:00:00.5'", "INTERVAL '2 years'",
		// nested: strings quoted only when ambiguous, struct fields in order
		"['a', 'b', NULL, 'it''s']", "['', ' a', 'a ', 'a,b', '[x]', '{y}', '\"', 'null', 'NULL', 'a:b', 'a=b', 'a(b)']",
		"['a b', 'a\\b', 'a;b', 'ä', 'nul', 'a''\\b']", "[[1, 2], [3], NULL, []]", "[1.5::DOUBLE, 2.0, 1e-9]",
		"[1.5, 2]::DOUBLE[2]", "{'b': 1, 'a': 'x', 'c d': [1.5, NULL]}", "{'\"q': 1, 'k''x': 2}", "{'a': NULL}",
		"[{'a': 'x y'}, NULL]", "{'n': {'m': [1]}, 'z': 'a:b'}", "MAP {'k': 1, 'j': NULL}", "MAP {'a b': 'c d', ':': ''}",
		"MAP {1: [1.5::DOUBLE], 2: []}", "[DATE '2024-01-01', NULL]", "[TIMESTAMP '2024-01-01 00:00:00']",
		"[TIME '01:02:03']", "[INTERVAL 0 DAY, INTERVAL 1 DAY]", "['\\xAA'::BLOB, 'a:b'::BLOB]",
		"['00000000-0000-0000-0000-000000000001'::UUID]", "[true, NULL]", "[1.5::DECIMAL(3,1)]",
		"union_value(num := 2)::UNION(num INTEGER, str VARCHAR)", "[union_value(s := 'x y')::UNION(s VARCHAR, i INT)]",
		"{'u': union_value(s := 'a:b')::UNION(s VARCHAR, i INT)}", "['b'::ENUM('a', 'b'), 'a:b']",
	}
	for _, e := range exprs {
		var v any
		var want string
		rows, err := db.Query("SELECT " + e + ", (" + e + ")::VARCHAR")
		if err != nil {
			t.Errorf("%s: %v", e, err)
			continue
		}
		cts, err := rows.ColumnTypes()
		if err != nil {
			t.Fatal(err)
		}
		typ := cts[0].DatabaseTypeName()
		if !rows.Next() {
			t.Fatalf("%s: no row: %v", e, rows.Err())
		}
		if err := rows.Scan(&v, &want); err != nil {
			t.Errorf("%s: %v", e, err)
		}
		rows.Close()
		if got := formatValue(v, parseType(typ), false); got != want {
			t.Errorf("%s (%s, Go %T): got %q, DuckDB says %q", e, typ, v, got, want)
		}
	}
}

func TestFormatFloat(t *testing.T) {
	for _, c := range []struct {
		f    float64
		bits int
		want string
	}{
		{0.5, 64, "0.5"},
		{1234.5678, 64, "1234.5678"},
		{1e-7, 64, "1e-07"},
		{1e-5, 64, "1e-05"},
		{1e-4, 64, "0.0001"},
		{100, 64, "100.0"},
		{1e15, 64, "1000000000000000.0"},
		{1e16, 64, "1e+16"},
		{1.2345678901234568e+17, 64, "1.2345678901234568e+17"},
		{math.Copysign(0, -1), 64, "-0.0"},
		{math.NaN(), 64, "nan"},
		{math.Inf(-1), 64, "-inf"},
		{float64(float32(0.1)), 32, "0.1"},
		{float64(float32(0.1)), 64, "0.10000000149011612"},
	} {
		if got := formatFloat(c.f, c.bits); got != c.want {
			t.Errorf("formatFloat(%v, %d) = %q, want %q", c.f, c.bits, got, c.want)
		}
	}
}

// TestAppendJSON checks JSON output keeps types: numbers as numbers, NULL as
// null, nested values as arrays and objects in field order, times in ISO 8601.
func TestAppendJSON(t *testing.T) {
	db := openDB(t)
	for _, c := range []struct{ expr, want string }{
		{"42", `42`},
		{"NULL::INTEGER", `null`},
		{"true", `true`},
		{"0.5::DOUBLE", `0.5`},
		{"100::DOUBLE", `100.0`},
		{"1e-7::DOUBLE", `1e-07`},
		{"'nan'::DOUBLE", `"nan"`},
		{"'-inf'::FLOAT", `"-inf"`},
		{"12.30::DECIMAL(10,2)", `12.30`},
		{"170141183460469231731687303715884105727::HUGEINT", `170141183460469231731687303715884105727`},
		{"18446744073709551615::UBIGINT", `18446744073709551615`},
		{`'say "hi"' || chr(10) || chr(1) || '<&>'`, `"say \"hi\"\n\u0001<&>"`},
		{"DATE '2024-01-02'", `"2024-01-02"`},
		{"DATE '-0044-03-15'", `"-0044-03-15"`},
		{"TIMESTAMP '2024-01-02 03:04:05.5'", `"2024-01-02T03:04:05.5"`},
		{"TIMESTAMPTZ '2024-01-02 03:04:05+02'", `"2024-01-02T01:04:05Z"`},
		{"TIME '01:02:03'", `"01:02:03"`},
		{"'01:02:03+05'::TIMETZ", `"01:02:03+05:00"`},
		{"'infinity'::TIMESTAMP", `"infinity"`},
		{"INTERVAL 3 DAY", `"3 days"`},
		{"'\\x00ab'::BLOB", `"\\x00ab"`},
		{"'00000000-0000-0000-0000-000000000001'::UUID", `"00000000-0000-0000-0000-000000000001"`},
		{"[1, NULL, 3]", `[1,null,3]`},
		{"{'b': 1, 'a': [true], 'c': {'x': 'y'}}", `{"b":1,"a":[true],"c":{"x":"y"}}`},
		{"MAP {'k': 1.5::DOUBLE, 'j': NULL}", `{"k":1.5,"j":null}`},
		{"MAP {2: 'two', 1: 'one'}", `{"2":"two","1":"one"}`},
		{"union_value(n := 2)::UNION(n INTEGER, s VARCHAR)", `2`},
		{`'{"z": [1, 2.5], "a": null}'::JSON`, `{"a":null,"z":[1,2.5]}`},
	} {
		var v any
		rows, err := db.Query("SELECT " + c.expr)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		cts, _ := rows.ColumnTypes()
		rows.Next()
		if err := rows.Scan(&v); err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		rows.Close()
		if got := string(appendJSON(nil, v, parseType(cts[0].DatabaseTypeName()))); got != c.want {
			t.Errorf("%s: got %s, want %s", c.expr, got, c.want)
		}
	}
}
