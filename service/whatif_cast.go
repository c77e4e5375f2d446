package service

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
)

// The values of what_if's set argument, cast to the training type of the
// model input column they replace, and the constant Arrow columns the
// what-if rows are scored with. This file carries no build constraint:
// it needs neither DuckDB nor the udf bridge.

// setValue is one value of set cast to its column's training type, in
// the form the replacement column holds it (see column).
type setValue struct {
	null bool
	num  float64 // numeric: the value as the encoder reads a column of the training type
	b    bool    // boolean
	s    string  // categorical
	i    int64   // date: days since 1970-01-01; timestamp: microseconds since the epoch
}

// castSetting casts v, the value set gives column c (a model input), to
// c's training type as DuckDB's CAST would: numbers to integer types
// rounded to the nearest (half away from zero) and range-checked, to FLOAT
// rounded to single precision, to DECIMAL(p, s) rounded to s places; text
// parsed as a number, a boolean (true/false, t/f, yes/no, y/n, 1/0), a DATE
// (YYYY-MM-DD) or a TIMESTAMP (YYYY-MM-DD[ HH:MM[:SS[.f]]][±HH[:MM]], UTC
// without an offset); numbers and booleans given for a VARCHAR column as
// their text. A VARCHAR or ENUM column takes only a level seen in
// training, unless the model maps every unseen value to 'other'. nil is
// NULL. A value that does not cast is an error of fn's argument set.
func castSetting(fn string, c *features.ColumnEncoding, v any) (setValue, error) {
	v = normalize(v)
	if v == nil {
		return setValue{null: true}, nil
	}
	typ := c.Type
	bad := func(why string) (setValue, error) {
		t := features.SQLTypeName(typ)
		if typ == "" {
			t = c.Kind
		}
		msg := fmt.Sprintf("%s: %s does not cast to %s, the column's type in training", c.Name, showValue(v), t)
		if why != "" {
			msg += " (" + why + ")"
		}
		return setValue{}, dserr.Arg(fn, "set", "%s", msg)
	}
	switch c.Kind {
	case features.KindNumeric:
		x, ok := toNumber(v)
		if !ok {
			return bad("")
		}
		num, why := castNumber(typ, x)
		if why != "" {
			return bad(why)
		}
		return setValue{num: num}, nil
	case features.KindBoolean:
		switch x := v.(type) {
		case bool:
			return setValue{b: x}, nil
		case int64:
			return setValue{b: x != 0}, nil
		case float64:
			if math.IsNaN(x) {
				return bad("")
			}
			return setValue{b: x != 0}, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "t", "yes", "y", "1":
				return setValue{b: true}, nil
			case "false", "f", "no", "n", "0":
				return setValue{b: false}, nil
			}
		}
		return bad("")
	case features.KindCategorical:
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case bool:
			s = strconv.FormatBool(x)
		case int64:
			s = strconv.FormatInt(x, 10)
		case float64:
			s = formatDouble(x)
		default:
			return bad("")
		}
		if !c.OtherAny && !slices.Contains(c.Levels, s) {
			if _, found := slices.BinarySearch(c.OtherLevels, s); !found {
				return setValue{}, unseenLevel(fn, c, s)
			}
		}
		return setValue{s: s}, nil
	case features.KindDate:
		switch x := v.(type) {
		case string:
			t, err := time.Parse("2006-01-02", strings.TrimSpace(x))
			if err != nil {
				return bad("want YYYY-MM-DD")
			}
			return setValue{i: t.Unix() / 86400}, nil
		case time.Time:
			y, m, d := x.Date()
			return setValue{i: time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400}, nil
		}
		return bad("")
	case features.KindTimestamp:
		switch x := v.(type) {
		case string:
			t, ok := parseTimestamp(strings.TrimSpace(x))
			if !ok {
				return bad("want YYYY-MM-DD HH:MM:SS")
			}
			return setValue{i: t.UnixMicro()}, nil
		case time.Time:
			return setValue{i: x.UnixMicro()}, nil
		}
		return bad("")
	}
	return bad("")
}

// unseenLevel is the error of a value of categorical column c that the
// model never saw in training: the nearest level when one is close, else
// the levels.
func unseenLevel(fn string, c *features.ColumnEncoding, s string) error {
	levels := slices.Concat(c.Levels, c.OtherLevels)
	if near, ok := dserr.Closest(s, levels); ok {
		return dserr.Arg(fn, "set", "%s: %q is not a level of the column in training (did you mean %q?)", c.Name, s, near)
	}
	return dserr.Arg(fn, "set", "%s: %q is not a level of the column in training (levels: %s)", c.Name, s, dserr.ColumnList(levels))
}

// normalize maps the Go types a caller may give a value to the ones
// castSetting reads: nil, bool, int64, float64, string and time.Time.
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		return normalize(uint64(x))
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		if x > math.MaxInt64 {
			return float64(x)
		}
		return int64(x)
	case float32:
		return float64(x)
	case *time.Time:
		if x == nil {
			return nil
		}
		return *x
	}
	return v
}

// showValue is v as an error shows it: text quoted as SQL quotes it.
func showValue(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 40 {
			x = strings.ToValidUTF8(x[:40], "") + "..."
		}
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case float64:
		return formatDouble(x)
	}
	return fmt.Sprint(v)
}

// formatDouble writes a DOUBLE as DuckDB casts it to VARCHAR: the
// shortest text that reads back as the same number, with ".0" on a whole
// number below 1e15 in size.
func formatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == math.Trunc(f) && math.Abs(f) < 1e15:
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// number is a value read as a number: its float64, and for a whole
// number given as an integer (or integer text) its exact int64.
type number struct {
	f     float64
	i     int64
	isInt bool
}

// toNumber reads v as a number: integers and floats as they are, true as
// 1 and false as 0, text parsed (surrounding spaces allowed).
func toNumber(v any) (number, bool) {
	switch x := v.(type) {
	case int64:
		return number{f: float64(x), i: x, isInt: true}, true
	case float64:
		return number{f: x}, true
	case bool:
		if x {
			return number{f: 1, i: 1, isInt: true}, true
		}
		return number{isInt: true}, true
	case string:
		s := strings.TrimSpace(x)
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return number{f: float64(i), i: i, isInt: true}, true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return number{f: f}, true
		}
	}
	return number{}, false
}

// intRanges are the value ranges of the integer types below 64 bits, by
// Arrow name (exact as float64).
var intRanges = map[string][2]float64{
	"int8": {math.MinInt8, math.MaxInt8}, "int16": {math.MinInt16, math.MaxInt16},
	"int32": {math.MinInt32, math.MaxInt32}, "uint8": {0, math.MaxUint8},
	"uint16": {0, math.MaxUint16}, "uint32": {0, math.MaxUint32},
}

// castNumber casts x to the numeric Arrow type typ and returns the
// float64 the encoder reads from a column of that type, or why it does
// not cast.
func castNumber(typ string, x number) (float64, string) {
	f := x.f
	switch {
	case typ == "int64" || typ == "uint64" || intRanges[typ] != [2]float64{}:
		if x.isInt {
			if x.i < 0 && typ == "uint64" {
				return 0, "out of range"
			}
			if r, ok := intRanges[typ]; ok && (f < r[0] || f > r[1]) {
				return 0, "out of range"
			}
			return f, ""
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, "not a finite number"
		}
		f = math.Round(f)
		lo, hi := -0x1p63, 0x1p63 // int64: [-2^63, 2^63)
		if typ == "uint64" {
			lo, hi = 0, 0x1p64
		}
		if r, ok := intRanges[typ]; ok {
			lo, hi = r[0], math.Nextafter(r[1], math.Inf(1))
		}
		if f < lo || f >= hi {
			return 0, "out of range"
		}
		return f, ""
	case typ == "float32" || typ == "float16":
		if !math.IsInf(f, 0) && math.Abs(f) > math.MaxFloat32 {
			return 0, "out of range"
		}
		return float64(float32(f)), ""
	case strings.HasPrefix(typ, "decimal") && strings.Contains(typ, "("):
		var p, s int32
		if _, err := fmt.Sscanf(typ[strings.IndexByte(typ, '('):], "(%d, %d)", &p, &s); err != nil {
			return f, "" // an unknown spelling: the value as it is
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, "not a finite number"
		}
		// As DuckDB: the value times 10^s, rounded half away from zero,
		// is the decimal's unscaled integer.
		u := math.Round(f * math.Pow10(int(s)))
		if p > 38 || math.Abs(u) >= math.Pow10(int(p)) {
			return 0, "out of range"
		}
		d, err := decimal128.FromFloat64(u, 38, 0)
		if err != nil {
			return 0, "out of range"
		}
		return d.ToFloat64(s), ""
	}
	return f, ""
}

// timestampLayouts are the forms of a TIMESTAMP text castSetting reads.
var timestampLayouts = []string{
	"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07", "2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z07", "2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02",
}

// parseTimestamp reads a TIMESTAMP text; a time without an offset is UTC.
func parseTimestamp(s string) (time.Time, bool) {
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// column is a constant column of n rows that holds v, of the Arrow type
// that encodes as a column of kind does: DOUBLE for numeric (v holds the
// value already cast to the training type), BOOLEAN, VARCHAR, DATE
// (date32) and TIMESTAMP (microseconds). A NULL v gives a column of
// NULLs. The caller releases it.
func (v setValue) column(mem memory.Allocator, kind string, n int) arrow.Array {
	var b array.Builder
	switch kind {
	case features.KindBoolean:
		bb := array.NewBooleanBuilder(mem)
		b = bb
		if !v.null {
			bb.Reserve(n)
			for range n {
				bb.UnsafeAppend(v.b)
			}
		}
	case features.KindCategorical:
		sb := array.NewStringBuilder(mem)
		b = sb
		if !v.null {
			sb.Reserve(n)
			sb.ReserveData(n * len(v.s))
			for range n {
				sb.Append(v.s)
			}
		}
	case features.KindDate:
		db := array.NewDate32Builder(mem)
		b = db
		if !v.null {
			db.Reserve(n)
			for range n {
				db.UnsafeAppend(arrow.Date32(v.i))
			}
		}
	case features.KindTimestamp:
		tb := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Microsecond})
		b = tb
		if !v.null {
			tb.Reserve(n)
			for range n {
				tb.UnsafeAppend(arrow.Timestamp(v.i))
			}
		}
	default:
		fb := array.NewFloat64Builder(mem)
		b = fb
		if !v.null {
			fb.Reserve(n)
			for range n {
				fb.UnsafeAppend(v.num)
			}
		}
	}
	defer b.Release()
	if v.null {
		b.AppendNulls(n)
	}
	return b.NewArray()
}
