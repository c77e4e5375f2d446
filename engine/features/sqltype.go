package features

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// SQLType is the DuckDB SQL name of an Arrow type as a data query hands it
// over (VARCHAR for utf8, BIGINT for int64, ENUM for a dictionary, X[] for
// a list of X): what errors call a column's type, since SQL users never
// see Arrow's names.
func SQLType(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.DictionaryType:
		return "ENUM"
	case *arrow.ListType:
		return SQLType(t.Elem()) + "[]"
	case *arrow.LargeListType:
		return SQLType(t.Elem()) + "[]"
	case *arrow.FixedSizeListType:
		return fmt.Sprintf("%s[%d]", SQLType(t.Elem()), t.Len())
	case *arrow.StructType:
		fields := make([]string, len(t.Fields()))
		for i, f := range t.Fields() {
			fields[i] = f.Name + " " + SQLType(f.Type)
		}
		return "STRUCT(" + strings.Join(fields, ", ") + ")"
	case *arrow.MapType:
		return "MAP(" + SQLType(t.KeyType()) + ", " + SQLType(t.ItemType()) + ")"
	case *arrow.Decimal128Type:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case *arrow.TimestampType:
		if t.TimeZone != "" {
			return "TIMESTAMP WITH TIME ZONE"
		}
		return "TIMESTAMP"
	}
	return SQLTypeName(t.String())
}

// sqlNames are the DuckDB names of Arrow's type names (arrow.DataType's
// String, as model documents store a column's type).
var sqlNames = map[string]string{
	"null": "NULL", "bool": "BOOLEAN",
	"int8": "TINYINT", "int16": "SMALLINT", "int32": "INTEGER", "int64": "BIGINT",
	"uint8": "UTINYINT", "uint16": "USMALLINT", "uint32": "UINTEGER", "uint64": "UBIGINT",
	"float16": "FLOAT", "float32": "FLOAT", "float64": "DOUBLE",
	"utf8": "VARCHAR", "large_utf8": "VARCHAR", "string_view": "VARCHAR",
	"binary": "BLOB", "large_binary": "BLOB", "binary_view": "BLOB",
	"date32": "DATE", "date64": "DATE",
	"month_interval": "INTERVAL", "day_time_interval": "INTERVAL", "month_day_nano_interval": "INTERVAL",
}

// SQLTypeName is SQLType of an Arrow type's name (arrow.DataType's
// String); a name it does not know is returned upper-cased.
func SQLTypeName(name string) string {
	if s, ok := sqlNames[name]; ok {
		return s
	}
	switch {
	case strings.HasPrefix(name, "timestamp"):
		if strings.Contains(name, "tz=") && !strings.Contains(name, "tz=]") {
			return "TIMESTAMP WITH TIME ZONE"
		}
		return "TIMESTAMP"
	case strings.HasPrefix(name, "time32"), strings.HasPrefix(name, "time64"):
		return "TIME"
	case strings.HasPrefix(name, "decimal"):
		return "DECIMAL" + strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(name, "decimal128"), "decimal"), " ", "")
	case strings.HasPrefix(name, "dictionary"):
		return "ENUM"
	}
	return strings.ToUpper(name)
}
