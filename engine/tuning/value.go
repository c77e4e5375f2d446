package tuning

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// Field is a field of a SQL STRUCT value, as the space argument arrives:
// Value is nil (NULL), bool, int64, float64, string, []any (a LIST, whose
// elements are of these kinds) or []Field (a nested STRUCT).
//
// A sampled configuration (Space.Sample) is a []Field too, whose Values
// are int64, float64, string or []int64.
type Field struct {
	Name  string
	Value any
}

// num formats a number for a message: integers without a fraction.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// sqlText renders a value the way SQL would print it, for messages:
// NULL, true, 3, 0.5, 'relu', [16, 8], {'min': 1, 'max': 2}.
func sqlText(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return num(v)
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case []int64:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = strconv.FormatInt(e, 10)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = sqlText(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []Field:
		parts := make([]string, len(v))
		for i, f := range v {
			parts[i] = sqlText(f.Name) + ": " + sqlText(f.Value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "?"
}

// integer returns v as an integer when it is an int64, or a float64 with
// an integral value that an int64 holds exactly.
func integer(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) <= 1<<53 {
			return int64(v), true
		}
	}
	return 0, false
}

// number returns v as a float64 when it is a finite int64 or float64.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case float64:
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v, true
		}
	}
	return 0, false
}

// JSON returns a sampled configuration as a JSON object whose keys keep
// the order of config (Space.Sample's: by name), e.g.
// {"activation":"relu","hidden":[32,16],"l2":0.0001}: tune's params
// column. Values other than int64, float64, string and []int64 are
// written as encoding/json writes them.
func JSON(config []Field) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range config {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Name)
		b.Write(k)
		b.WriteByte(':')
		switch v := f.Value.(type) {
		case float64:
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		case []int64:
			b.WriteByte('[')
			for j, e := range v {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatInt(e, 10))
			}
			b.WriteByte(']')
		default:
			s, err := json.Marshal(v)
			if err != nil {
				s = []byte("null")
			}
			b.Write(s)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// Get returns the value of the field called name in config, and whether
// there is one.
func Get(config []Field, name string) (any, bool) {
	for _, f := range config {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}
