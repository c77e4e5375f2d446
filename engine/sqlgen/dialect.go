package sqlgen

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Dialect is the SQL dialect a statement is written in.
type Dialect string

// The dialects.
const (
	DuckDB     Dialect = "duckdb"
	Postgres   Dialect = "postgres"
	ClickHouse Dialect = "clickhouse"
)

// Dialects lists the dialects, in the order the documentation gives them.
func Dialects() []Dialect { return []Dialect{DuckDB, ClickHouse, Postgres} }

// ParseDialect reads a dialect's name, in any case. Its error says what
// the dialects are: "must be 'duckdb', 'clickhouse' or 'postgres', got
// 'mysql'".
func ParseDialect(name string) (Dialect, error) {
	ds := Dialects()
	q := make([]string, len(ds))
	for i, d := range ds {
		if strings.EqualFold(name, string(d)) {
			return d, nil
		}
		q[i] = "'" + string(d) + "'"
	}
	return "", fmt.Errorf("must be %s or %s, got '%s'", strings.Join(q[:len(q)-1], ", "), q[len(q)-1], name)
}

// Placeholder is the table name a statement reads when no source is
// given: replace it (it is written quoted, as "ducksight_source" or
// `ducksight_source`) with the table to score.
const Placeholder = "ducksight_source"

// Ident quotes name as one identifier: "name" in DuckDB and PostgreSQL
// (a '"' inside doubled), `name` in ClickHouse (a '`' or '\' inside
// escaped with '\').
func (d Dialect) Ident(name string) string {
	if d == ClickHouse {
		return "`" + strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(name) + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Table quotes a table name: each part of a dotted name (schema.table,
// database.table, catalog.schema.table) is quoted on its own with Ident.
// A name with an empty part (a leading, trailing or doubled dot) is one
// identifier.
func (d Dialect) Table(name string) string {
	parts := strings.Split(name, ".")
	for _, p := range parts {
		if p == "" {
			return d.Ident(name)
		}
	}
	for i, p := range parts {
		parts[i] = d.Ident(p)
	}
	return strings.Join(parts, ".")
}

// Str quotes s as a string literal: a quote inside doubled in DuckDB and
// PostgreSQL (standard_conforming_strings, the default since 9.1: a
// backslash is an ordinary character), \' and \\ in ClickHouse.
func (d Dialect) Str(s string) string {
	if d == ClickHouse {
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Float is a DOUBLE (Float64, double precision) literal of v that reads
// back as v bit for bit: the shortest exponent form, which DuckDB and
// ClickHouse read as a double (DuckDB reads a plain 0.1 as a DECIMAL),
// cast with ::float8 in PostgreSQL (which reads 1e-01 as a numeric);
// negative values in parentheses. The infinities and NaN are written as
// each dialect spells them.
func (d Dialect) Float(v float64) string {
	var s string
	switch {
	case math.IsInf(v, 1):
		s = "inf"
	case math.IsInf(v, -1):
		s = "-inf"
	case math.IsNaN(v):
		s = "nan"
	default:
		s = strconv.FormatFloat(v, 'e', -1, 64)
	}
	switch d {
	case Postgres:
		if math.IsInf(v, 0) {
			s = strings.Replace(s, "inf", "Infinity", 1)
		} else if math.IsNaN(v) {
			s = "NaN"
		}
		return "'" + s + "'::float8"
	case DuckDB:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return "CAST('" + s + "' AS DOUBLE)"
		}
	}
	if s[0] == '-' {
		return "(" + s + ")"
	}
	return s
}

// Double casts the expression x to a double: CAST(x AS DOUBLE),
// toFloat64(x), CAST(x AS double precision).
func (d Dialect) Double(x string) string {
	switch d {
	case ClickHouse:
		return "toFloat64(" + x + ")"
	case Postgres:
		return "CAST(" + x + " AS double precision)"
	}
	return "CAST(" + x + " AS DOUBLE)"
}

// isNull tests x for NULL.
func (d Dialect) isNull(x string) string {
	if d == ClickHouse {
		return "isNull(" + x + ")"
	}
	return "(" + x + ") IS NULL"
}

// isNaN tests a DOUBLE for NaN (PostgreSQL and DuckDB order NaN above
// every number, so x < t is false for it, and compare it equal to
// itself).
func (d Dialect) isNaN(x string) string {
	switch d {
	case ClickHouse:
		return "isNaN(" + x + ")"
	case DuckDB:
		return "isnan(" + x + ")"
	}
	return "(" + x + ") = 'NaN'::float8"
}

// finite tests a DOUBLE for being neither NaN nor infinite; NULL for
// NULL, which CASE reads as false.
func (d Dialect) finite(x string) string {
	switch d {
	case ClickHouse:
		return "isFinite(" + x + ")"
	case DuckDB:
		return "isfinite(" + x + ")"
	}
	// NaN is above every number in PostgreSQL.
	return "abs(" + x + ") < 'Infinity'::float8"
}

// exp is exp(x) for an x that is at most 0 (exp(-|z|), exp(z - max z))
// or NaN, with x clamped below at -700: PostgreSQL raises an error where
// exp underflows, and exp(-700) (about 1e-304) changes no probability by
// more than that. The clamp is a CASE, not greatest, so that NaN stays NaN
// in every dialect (DuckDB and PostgreSQL order NaN above every number,
// and ClickHouse's greatest(NaN, y) is y).
func (d Dialect) exp(x string) string {
	return "exp(CASE WHEN " + x + " < " + d.Float(-700) + " THEN " + d.Float(-700) + " ELSE " + x + " END)"
}

// greatest is the largest of xs, none NULL (DuckDB and PostgreSQL would
// skip a NULL); ClickHouse 18.16's greatest takes two arguments, so there
// it nests.
func (d Dialect) greatest(xs []string) string { return d.fold("greatest", xs) }

// least is the smallest of xs, as greatest.
func (d Dialect) least(xs []string) string { return d.fold("least", xs) }

func (d Dialect) fold(fn string, xs []string) string {
	if len(xs) == 1 {
		return xs[0]
	}
	if d != ClickHouse {
		return fn + "(" + strings.Join(xs, ", ") + ")"
	}
	g := xs[0]
	for _, x := range xs[1:] {
		g = fn + "(" + g + ", " + x + ")"
	}
	return g
}

// days is a DATE as days since 1970-01-01, a DOUBLE.
func (d Dialect) days(x string) string {
	switch d {
	case ClickHouse:
		return "toFloat64(toRelativeDayNum(" + x + ") - toRelativeDayNum(toDate('1970-01-01')))"
	case Postgres:
		return "CAST((" + x + ") - DATE '1970-01-01' AS double precision)"
	}
	return "CAST((" + x + ") - DATE '1970-01-01' AS DOUBLE)"
}

// seconds is a TIMESTAMP as seconds since the epoch (micro: as
// microseconds), a DOUBLE; nanos says the training column had nanosecond
// ticks (DuckDB's TIMESTAMP_NS), which DuckDB keeps.
func (d Dialect) seconds(x string, micro, nanos bool) string {
	switch d {
	case ClickHouse:
		s := "toFloat64(toUnixTimestamp(" + x + "))"
		if micro {
			s = "(" + s + " * " + d.Float(1e6) + ")"
		}
		return s
	case Postgres:
		if micro {
			return "CAST(extract(epoch FROM " + x + ") * 1000000 AS double precision)"
		}
		return "CAST(extract(epoch FROM " + x + ") AS double precision)"
	}
	if nanos {
		div := d.Float(1e9)
		if micro {
			div = d.Float(1e3)
		}
		return "(CAST(epoch_ns(" + x + ") AS DOUBLE) / " + div + ")"
	}
	if micro {
		return "CAST(epoch_us(" + x + ") AS DOUBLE)"
	}
	return "(CAST(epoch_us(" + x + ") AS DOUBLE) / " + d.Float(1e6) + ")"
}

// label is a class label as a literal of the label's type (arrowType,
// the training label's Arrow type name): BOOLEAN and integers as such,
// anything else as text.
func (d Dialect) label(level, arrowType string) string {
	switch arrowType {
	case "bool":
		if d == ClickHouse {
			if level == "true" {
				return "1"
			}
			return "0"
		}
		return strings.ToUpper(level)
	case "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64":
		if _, err := strconv.ParseInt(level, 10, 64); err == nil {
			return level
		}
		if _, err := strconv.ParseUint(level, 10, 64); err == nil {
			return level
		}
	}
	return d.Str(level)
}
