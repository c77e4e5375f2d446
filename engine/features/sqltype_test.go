package features

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// Errors name types as SQL does: the DuckDB name of every Arrow type a
// query hands over, from the type and from its stored name.
func TestSQLType(t *testing.T) {
	for _, c := range []struct {
		t    arrow.DataType
		want string
	}{
		{arrow.FixedWidthTypes.Boolean, "BOOLEAN"},
		{arrow.PrimitiveTypes.Int8, "TINYINT"},
		{arrow.PrimitiveTypes.Int32, "INTEGER"},
		{arrow.PrimitiveTypes.Int64, "BIGINT"},
		{arrow.PrimitiveTypes.Uint64, "UBIGINT"},
		{arrow.PrimitiveTypes.Float32, "FLOAT"},
		{arrow.PrimitiveTypes.Float64, "DOUBLE"},
		{arrow.BinaryTypes.String, "VARCHAR"},
		{arrow.BinaryTypes.LargeString, "VARCHAR"},
		{arrow.BinaryTypes.Binary, "BLOB"},
		{arrow.FixedWidthTypes.Date32, "DATE"},
		{&arrow.TimestampType{Unit: arrow.Microsecond}, "TIMESTAMP"},
		{&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, "TIMESTAMP WITH TIME ZONE"},
		{arrow.FixedWidthTypes.Time64us, "TIME"},
		{&arrow.Decimal128Type{Precision: 18, Scale: 3}, "DECIMAL(18,3)"},
		{&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Uint8, ValueType: arrow.BinaryTypes.String}, "ENUM"},
		{arrow.ListOf(arrow.PrimitiveTypes.Int64), "BIGINT[]"},
		{arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32}, arrow.Field{Name: "b", Type: arrow.BinaryTypes.String}), "STRUCT(a INTEGER, b VARCHAR)"},
	} {
		if got := SQLType(c.t); got != c.want {
			t.Errorf("SQLType(%s) = %q, want %q", c.t, got, c.want)
		}
		switch c.t.(type) {
		case *arrow.ListType, *arrow.StructType:
		default:
			if got := SQLTypeName(c.t.String()); got != c.want {
				t.Errorf("SQLTypeName(%q) = %q, want %q", c.t.String(), got, c.want)
			}
		}
	}
}
