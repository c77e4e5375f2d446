package repl

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/duckdb/duckdb-go/v2"
)

// This file turns the Go values database/sql scans from DuckDB (into *any)
// back into text the way DuckDB casts them to VARCHAR, which is what the
// DuckDB CLI prints: 0.5, 1e-07, 100.0, 2024-01-02 03:04:05.5, [a, 'b c', NULL],
// {'x': 1}, {k=v}. appendJSON writes the same values as typed JSON.

// anyType stands in for an unknown column type.
var anyType = &colType{}

// formatValue returns v as DuckDB's CAST(v AS VARCHAR) spells it. Inside a
// LIST, STRUCT or MAP (nested), strings that would be ambiguous are quoted.
// t may be nil.
func formatValue(v any, t *colType, nested bool) string {
	if t == nil {
		t = anyType
	}
	if t.id == "JSON" && v != nil {
		return jsonText(v)
	}
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return quoteNested(x, nested)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int8:
		return strconv.FormatInt(int64(x), 10)
	case int16:
		return strconv.FormatInt(int64(x), 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint:
		return strconv.FormatUint(uint64(x), 10)
	case uint8:
		return strconv.FormatUint(uint64(x), 10)
	case uint16:
		return strconv.FormatUint(uint64(x), 10)
	case uint32:
		return strconv.FormatUint(uint64(x), 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float32:
		return formatFloat(float64(x), 32)
	case float64:
		return formatFloat(x, 64)
	case *big.Int:
		return x.String()
	case duckdb.Decimal:
		return formatDecimal(x)
	case time.Time:
		return quoteNested(formatTime(x, t.id, false), nested)
	case duckdb.Interval:
		return quoteNested(formatInterval(x), nested)
	case duckdb.UUID:
		return x.String()
	case []byte:
		if t.id == "UUID" && len(x) == 16 {
			u := duckdb.UUID(x)
			return u.String()
		}
		return quoteNested(formatBlob(x), nested)
	case []any:
		var b strings.Builder
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(formatValue(e, elemType(t), true))
		}
		b.WriteByte(']')
		return b.String()
	case map[string]any:
		var b strings.Builder
		b.WriteByte('{')
		for i, f := range structFields(x, t) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("'" + escapeQuoted(f.name) + "': ")
			b.WriteString(formatValue(x[f.name], f.typ, true))
		}
		b.WriteByte('}')
		return b.String()
	case duckdb.OrderedMap:
		keys, vals := x.Keys(), x.Values()
		return formatMap(keys, vals, t)
	case duckdb.Map:
		keys, vals := sortedMap(x, t)
		return formatMap(keys, vals, t)
	case duckdb.Union:
		// DuckDB does not quote the member of a UNION, even when nested.
		return formatValue(x.Value, unionMember(t, x.Tag), false)
	}
	return quoteNested(fmt.Sprint(v), nested)
}

func formatMap(keys, vals []any, t *colType) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(formatValue(keys[i], t.key, true))
		b.WriteByte('=')
		b.WriteString(formatValue(vals[i], t.value, true))
	}
	b.WriteByte('}')
	return b.String()
}

// sortedMap orders the entries of an unordered duckdb.Map by key text, so
// output is deterministic.
func sortedMap(m duckdb.Map, t *colType) (keys, vals []any) {
	type entry struct {
		text string
		k, v any
	}
	var es []entry
	for k, v := range m {
		es = append(es, entry{formatValue(k, t.key, false), k, v})
	}
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.text, b.text) })
	for _, e := range es {
		keys = append(keys, e.k)
		vals = append(vals, e.v)
	}
	return keys, vals
}

func elemType(t *colType) *colType {
	if t != nil && t.elem != nil {
		return t.elem
	}
	return anyType
}

// structFields returns the fields of a STRUCT value in declaration order,
// which the type knows and the Go map forgot. Keys the type does not name
// (there should be none) follow in sorted order.
func structFields(m map[string]any, t *colType) []field {
	var out []field
	seen := make(map[string]bool, len(m))
	if t != nil && t.id == "STRUCT" {
		for _, f := range t.fields {
			if _, ok := m[f.name]; ok {
				out = append(out, f)
				seen[f.name] = true
			}
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, field{k, anyType})
	}
	return out
}

func unionMember(t *colType, tag string) *colType {
	if t != nil {
		for _, f := range t.fields {
			if f.name == tag {
				return f.typ
			}
		}
	}
	return anyType
}

// quoteNested quotes a string inside a nested value when DuckDB would: when
// it is empty, reads as NULL, has blanks at either end or holds one of the
// characters that delimit nested values. Quotes and backslashes inside get
// a backslash.
func quoteNested(s string, nested bool) string {
	if !nested {
		return s
	}
	quote := s == "" || strings.EqualFold(s, "null") || strings.ContainsAny(s, `[]{}(),'":=`) ||
		isSpaceRune(rune(s[0])) || isSpaceRune(rune(s[len(s)-1]))
	if !quote {
		return s
	}
	return "'" + escapeQuoted(s) + "'"
}

func escapeQuoted(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
}

// formatFloat formats like DuckDB: the shortest decimal that reads back as
// the same float; plain notation with at least one fractional digit (100.0)
// for decimal exponents -5 < e < 16, else exponent notation (1e-07, 1e+16);
// nan, inf, -inf.
func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, bits)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, bits)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// formatDecimal writes all digits of the scale, as DuckDB does (1.50, not 1.5).
func formatDecimal(d duckdb.Decimal) string {
	if d.Value == nil {
		return "NULL"
	}
	digits := new(big.Int).Abs(d.Value).String()
	sign := ""
	if d.Value.Sign() < 0 {
		sign = "-"
	}
	scale := int(d.Scale)
	if scale == 0 {
		return sign + digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
}

// Sentinels duckdb-go returns for DuckDB's infinite DATE values.
var (
	dateInfinity    = time.Date(5881580, time.July, 11, 0, 0, 0, 0, time.UTC)
	dateNegInfinity = time.Date(-5877641, time.June, 24, 0, 0, 0, 0, time.UTC)
)

// infinity returns "infinity" or "-infinity" when t is the sentinel of an
// infinite value of the temporal type id, else "".
func infinity(t time.Time, id string) string {
	var n int64
	switch id {
	case "DATE":
		switch {
		case t.Equal(dateInfinity):
			return "infinity"
		case t.Equal(dateNegInfinity):
			return "-infinity"
		}
		return ""
	case "TIMESTAMP", "DATETIME", "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
		n = t.UnixMicro()
	case "TIMESTAMP_NS":
		n = t.UnixNano()
	case "TIMESTAMP_MS":
		n = t.UnixMilli()
	case "TIMESTAMP_S":
		n = t.Unix()
	default:
		return ""
	}
	switch n {
	case math.MaxInt64:
		return "infinity"
	case -math.MaxInt64:
		return "-infinity"
	}
	return ""
}

// formatTime formats a DATE, TIME, TIMETZ or TIMESTAMP* value of type id as
// DuckDB does ("2024-01-02 03:04:05.5", "0045-03-15 (BC)", "01:02:03+05:30"),
// or in ISO 8601 ("2024-01-02T03:04:05.5Z", "-0044-03-15") for JSON.
// TIMESTAMPTZ is shown in UTC. An unknown id formats as a TIMESTAMP.
func formatTime(t time.Time, id string, iso bool) string {
	if inf := infinity(t, id); inf != "" {
		return inf
	}
	switch id {
	case "DATE":
		return formatDate(t, iso)
	case "TIME":
		return clock(t)
	case "TIMETZ", "TIME WITH TIME ZONE":
		_, off := t.Zone()
		return clock(t) + formatOffset(off, iso)
	case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
		t = t.UTC()
		if iso {
			return formatDate(t, iso) + "T" + clock(t) + "Z"
		}
		date := formatDate(t, iso)
		return date + " " + clock(t) + "+00"
	}
	if iso {
		return formatDate(t, iso) + "T" + clock(t)
	}
	return formatDate(t, iso) + " " + clock(t)
}

func formatDate(t time.Time, iso bool) string {
	y, m, d := t.Date()
	switch {
	case y > 0:
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case iso:
		return fmt.Sprintf("-%04d-%02d-%02d", -y, m, d)
	}
	// DuckDB counts years before 1 AD from 1 BC, which is year 0 in Go.
	return fmt.Sprintf("%04d-%02d-%02d (BC)", 1-y, m, d)
}

// clock formats the time of day with only as many fractional digits as needed.
func clock(t time.Time) string {
	s := fmt.Sprintf("%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
	if ns := t.Nanosecond(); ns != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", ns), "0")
	}
	return s
}

// formatOffset writes a UTC offset as DuckDB does (+05, -08, +05:30) or in
// ISO 8601 (+05:00).
func formatOffset(sec int, iso bool) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d", sign, sec/3600)
	if m := sec % 3600 / 60; m != 0 || iso {
		s += fmt.Sprintf(":%02d", m)
	}
	if sec%60 != 0 {
		s += fmt.Sprintf(":%02d", sec%60)
	}
	return s
}

// formatInterval spells an INTERVAL as DuckDB does: "1 year 2 months 3 days
// 04:05:06.5", "-1 day", "00:00:00".
func formatInterval(iv duckdb.Interval) string {
	var parts []string
	unit := func(n int64, name string) {
		if n == 0 {
			return
		}
		s := strconv.FormatInt(n, 10) + " " + name
		if n != 1 && n != -1 {
			s += "s"
		}
		parts = append(parts, s)
	}
	unit(int64(iv.Months/12), "year")
	unit(int64(iv.Months%12), "month")
	unit(int64(iv.Days), "day")
	if iv.Micros != 0 || len(parts) == 0 {
		us := iv.Micros
		sign := ""
		if us < 0 {
			// -MinInt64 overflows; DuckDB's range stops short of it.
			sign, us = "-", -us
		}
		s := fmt.Sprintf("%s%02d:%02d:%02d", sign, us/3_600_000_000, us/60_000_000%60, us/1_000_000%60)
		if frac := us % 1_000_000; frac != 0 {
			s += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// formatBlob writes printable ASCII as is and every other byte, and \ ' ",
// as \xNN, like DuckDB.
func formatBlob(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c >= 0x20 && c <= 0x7e && c != '\\' && c != '\'' && c != '"' {
			s.WriteByte(c)
		} else {
			fmt.Fprintf(&s, `\x%02X`, c)
		}
	}
	return s.String()
}

// jsonText writes a value of DuckDB's JSON type, which duckdb-go hands over
// decoded by encoding/json, back as compact JSON; object keys come out sorted.
func jsonText(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// appendJSON appends v as JSON with its real type: numbers as numbers
// (DECIMAL and HUGEINT with all their digits), NULL as null, nested values as
// arrays and objects (STRUCT fields in order), temporal values as ISO 8601
// strings. Values JSON cannot hold (NaN, infinities, blobs, intervals) become
// strings.
func appendJSON(b []byte, v any, t *colType) []byte {
	if t == nil {
		t = anyType
	}
	if t.id == "JSON" && v != nil {
		return append(b, jsonText(v)...)
	}
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case string:
		return appendJSONString(b, x)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, *big.Int:
		return append(b, formatValue(x, t, false)...)
	case float32:
		return appendJSONFloat(b, float64(x), 32)
	case float64:
		return appendJSONFloat(b, x, 64)
	case duckdb.Decimal:
		return append(b, formatDecimal(x)...)
	case time.Time:
		return appendJSONString(b, formatTime(x, t.id, true))
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e, elemType(t))
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		for i, f := range structFields(x, t) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, f.name)
			b = append(b, ':')
			b = appendJSON(b, x[f.name], f.typ)
		}
		return append(b, '}')
	case duckdb.OrderedMap:
		return appendJSONMap(b, x.Keys(), x.Values(), t)
	case duckdb.Map:
		keys, vals := sortedMap(x, t)
		return appendJSONMap(b, keys, vals, t)
	case duckdb.Union:
		return appendJSON(b, x.Value, unionMember(t, x.Tag))
	}
	return appendJSONString(b, formatValue(v, t, false))
}

// appendJSONMap writes a MAP as an object keyed by the keys' text.
func appendJSONMap(b []byte, keys, vals []any, t *colType) []byte {
	kt, vt := anyType, anyType
	if t.id == "MAP" {
		kt, vt = t.key, t.value
	}
	b = append(b, '{')
	for i := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, formatValue(keys[i], kt, false))
		b = append(b, ':')
		b = appendJSON(b, vals[i], vt)
	}
	return append(b, '}')
}

func appendJSONFloat(b []byte, f float64, bits int) []byte {
	s := formatFloat(f, bits)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return appendJSONString(b, s)
	}
	return append(b, s...)
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD;
// <, > and & are left alone.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			b = fmt.Appendf(b, `\u%04x`, r)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}
