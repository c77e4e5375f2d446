//go:build duckdb_arrow

package udf

import (
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// Type is a DuckDB logical type for a table function's parameters and result
// columns: one of the scalar types below, a LIST of them, or the type of a
// data query's column (Query.ColumnType), which a pass-through column uses.
type Type struct {
	id    mapping.Type
	child *Type // LIST's element, MAP's key
	value *Type // MAP's value
	// fields are a STRUCT's members (nil for Row); a pointer keeps Type
	// comparable.
	fields *[]StructField
	q      *Query
	col    int
}

// Scalar types.
var (
	Boolean   = Type{id: mapping.TypeBoolean}
	TinyInt   = Type{id: mapping.TypeTinyInt}
	SmallInt  = Type{id: mapping.TypeSmallInt}
	UTinyInt  = Type{id: mapping.TypeUTinyInt}
	USmallInt = Type{id: mapping.TypeUSmallInt}
	UInteger  = Type{id: mapping.TypeUInteger}
	UBigInt   = Type{id: mapping.TypeUBigInt}
	Integer   = Type{id: mapping.TypeInteger}
	BigInt    = Type{id: mapping.TypeBigInt}
	Double    = Type{id: mapping.TypeDouble}
	Varchar   = Type{id: mapping.TypeVarchar}
	Date      = Type{id: mapping.TypeDate}
	Timestamp = Type{id: mapping.TypeTimestamp}
	// Any documents a parameter that takes a value of any type.
	Any = Type{id: mapping.TypeAny}
	// Row documents a scalar function's row argument: a STRUCT of any
	// fields.
	Row = Type{id: mapping.TypeStruct}
)

// List returns LIST(child).
func List(child Type) Type {
	c := child
	return Type{id: mapping.TypeList, child: &c}
}

// Map returns MAP(key, value).
func Map(key, value Type) Type {
	k, v := key, value
	return Type{id: mapping.TypeMap, child: &k, value: &v}
}

// StructField is a named member of a STRUCT type.
type StructField struct {
	Name string
	Type Type
}

// Struct returns STRUCT(name type, ...) with the given members, in order.
func Struct(fields ...StructField) Type {
	f := append([]StructField(nil), fields...)
	return Type{id: mapping.TypeStruct, fields: &f}
}

// ID is the DuckDB type id.
func (t Type) ID() mapping.Type { return t.id }

// String is the SQL spelling of the type, e.g. DOUBLE or VARCHAR[].
func (t Type) String() string {
	if t.id == mapping.TypeStruct && t.fields == nil {
		return "STRUCT"
	}
	lt := t.create()
	defer mapping.DestroyLogicalType(&lt)
	return TypeName(lt)
}

// create returns a new logical type; the caller destroys it.
func (t Type) create() mapping.LogicalType {
	switch {
	case t.q != nil:
		return mapping.PreparedStatementColumnLogicalType(t.q.stmt, mapping.IdxT(t.col))
	case t.id == mapping.TypeList:
		c := t.child.create()
		defer mapping.DestroyLogicalType(&c)
		return mapping.CreateListType(c)
	case t.id == mapping.TypeMap:
		k, v := t.child.create(), t.value.create()
		defer mapping.DestroyLogicalType(&k)
		defer mapping.DestroyLogicalType(&v)
		return mapping.CreateMapType(k, v)
	case t.id == mapping.TypeStruct && t.fields != nil:
		types := make([]mapping.LogicalType, len(*t.fields))
		names := make([]string, len(*t.fields))
		for i, f := range *t.fields {
			types[i], names[i] = f.Type.create(), f.Name
		}
		defer func() {
			for i := range types {
				mapping.DestroyLogicalType(&types[i])
			}
		}()
		return mapping.CreateStructType(types, names)
	default:
		return mapping.CreateLogicalType(t.id)
	}
}

var typeNames = map[mapping.Type]string{
	mapping.TypeBoolean: "BOOLEAN", mapping.TypeTinyInt: "TINYINT", mapping.TypeSmallInt: "SMALLINT",
	mapping.TypeInteger: "INTEGER", mapping.TypeBigInt: "BIGINT", mapping.TypeUTinyInt: "UTINYINT",
	mapping.TypeUSmallInt: "USMALLINT", mapping.TypeUInteger: "UINTEGER", mapping.TypeUBigInt: "UBIGINT",
	mapping.TypeFloat: "FLOAT", mapping.TypeDouble: "DOUBLE", mapping.TypeTimestamp: "TIMESTAMP",
	mapping.TypeDate: "DATE", mapping.TypeTime: "TIME", mapping.TypeInterval: "INTERVAL",
	mapping.TypeHugeInt: "HUGEINT", mapping.TypeUHugeInt: "UHUGEINT", mapping.TypeVarchar: "VARCHAR",
	mapping.TypeBlob: "BLOB", mapping.TypeTimestampS: "TIMESTAMP_S", mapping.TypeTimestampMS: "TIMESTAMP_MS",
	mapping.TypeTimestampNS: "TIMESTAMP_NS", mapping.TypeEnum: "ENUM", mapping.TypeUUID: "UUID",
	mapping.TypeBit: "BIT", mapping.TypeTimeTZ: "TIME WITH TIME ZONE",
	mapping.TypeTimestampTZ: "TIMESTAMP WITH TIME ZONE", mapping.TypeSQLNull: "NULL",
	mapping.TypeBigNum: "BIGNUM", mapping.TypeTimeNS: "TIME_NS", mapping.TypeGeometry: "GEOMETRY",
	mapping.TypeVariant: "VARIANT", mapping.TypeAny: "ANY",
}

// TypeName spells a logical type the way DuckDB prints it.
func TypeName(lt mapping.LogicalType) string {
	if alias := mapping.LogicalTypeGetAlias(lt); alias != "" {
		return alias
	}
	id := mapping.GetTypeId(lt)
	switch id {
	case mapping.TypeDecimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", mapping.DecimalWidth(lt), mapping.DecimalScale(lt))
	case mapping.TypeList:
		c := mapping.ListTypeChildType(lt)
		defer mapping.DestroyLogicalType(&c)
		return TypeName(c) + "[]"
	case mapping.TypeArray:
		c := mapping.ArrayTypeChildType(lt)
		defer mapping.DestroyLogicalType(&c)
		return fmt.Sprintf("%s[%d]", TypeName(c), mapping.ArrayTypeArraySize(lt))
	case mapping.TypeMap:
		k := mapping.MapTypeKeyType(lt)
		v := mapping.MapTypeValueType(lt)
		defer mapping.DestroyLogicalType(&k)
		defer mapping.DestroyLogicalType(&v)
		return "MAP(" + TypeName(k) + ", " + TypeName(v) + ")"
	case mapping.TypeStruct:
		return members("STRUCT", lt, mapping.StructTypeChildCount, mapping.StructTypeChildName, mapping.StructTypeChildType)
	case mapping.TypeUnion:
		return members("UNION", lt, mapping.UnionTypeMemberCount, mapping.UnionTypeMemberName, mapping.UnionTypeMemberType)
	case mapping.TypeEnum:
		var b strings.Builder
		b.WriteString("ENUM(")
		n := mapping.EnumDictionarySize(lt)
		for i := uint32(0); i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("'" + strings.ReplaceAll(mapping.EnumDictionaryValue(lt, mapping.IdxT(i)), "'", "''") + "'")
		}
		b.WriteString(")")
		return b.String()
	}
	if s, ok := typeNames[id]; ok {
		return s
	}
	return fmt.Sprintf("TYPE%d", id)
}

// members spells a STRUCT or UNION: KIND(name TYPE, ...).
func members(kind string, lt mapping.LogicalType, count func(mapping.LogicalType) mapping.IdxT,
	name func(mapping.LogicalType, mapping.IdxT) string, typ func(mapping.LogicalType, mapping.IdxT) mapping.LogicalType) string {
	var b strings.Builder
	b.WriteString(kind + "(")
	for i := mapping.IdxT(0); i < count(lt); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		c := typ(lt, i)
		b.WriteString(quoteIdent(name(lt, i)) + " " + TypeName(c))
		mapping.DestroyLogicalType(&c)
	}
	b.WriteString(")")
	return b.String()
}

// quoteIdent quotes an identifier for display when it is not a plain lower-case name.
func quoteIdent(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// valueTypeName is the SQL type of a constant argument.
func valueTypeName(v mapping.Value) string {
	if v.Ptr == nil {
		return "NULL"
	}
	return TypeName(mapping.GetValueType(v))
}

// valueToGo converts a constant argument: NULL -> nil, BOOLEAN -> bool,
// integers -> int64, FLOAT/DOUBLE/DECIMAL -> float64, VARCHAR -> string,
// LIST -> []any, STRUCT -> StructValue.
func valueToGo(v mapping.Value) (any, error) {
	if v.Ptr == nil || mapping.IsNullValue(v) {
		return nil, nil
	}
	lt := mapping.GetValueType(v)
	switch id := mapping.GetTypeId(lt); id {
	case mapping.TypeSQLNull:
		return nil, nil
	case mapping.TypeBoolean:
		return mapping.GetBool(v), nil
	case mapping.TypeTinyInt, mapping.TypeSmallInt, mapping.TypeInteger, mapping.TypeBigInt,
		mapping.TypeUTinyInt, mapping.TypeUSmallInt, mapping.TypeUInteger:
		return mapping.GetInt64(v), nil
	case mapping.TypeUBigInt:
		u := mapping.GetUInt64(v)
		if u > 1<<63-1 {
			return nil, fmt.Errorf("value %d out of range", u)
		}
		return int64(u), nil
	case mapping.TypeFloat, mapping.TypeDouble, mapping.TypeDecimal:
		return mapping.GetDouble(v), nil
	case mapping.TypeVarchar:
		s := mapping.GetVarchar(v)
		if hasNUL(v, s) {
			return nil, fmt.Errorf("must not contain a NUL character (chr(0))")
		}
		return s, nil
	case mapping.TypeList:
		n := mapping.GetListSize(v)
		out := make([]any, 0, n)
		for i := uint64(0); i < uint64(n); i++ {
			c := mapping.GetListChild(v, mapping.IdxT(i))
			x, err := valueToGo(c)
			mapping.DestroyValue(&c)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case mapping.TypeStruct:
		n := mapping.StructTypeChildCount(lt)
		out := make(StructValue, 0, n)
		for i := mapping.IdxT(0); i < n; i++ {
			c := mapping.GetStructChild(v, i)
			x, err := valueToGo(c)
			mapping.DestroyValue(&c)
			if err != nil {
				return nil, err
			}
			out = append(out, NamedValue{Name: mapping.StructTypeChildName(lt, i), Value: x})
		}
		return out, nil
	default:
		return nil, fmt.Errorf("a value of type %s is not accepted here", TypeName(lt))
	}
}

// StructValue is a constant STRUCT argument as Bind receives it: its
// fields in order, each value converted as a constant argument is.
type StructValue []NamedValue

// NamedValue is a field of a StructValue.
type NamedValue struct {
	Name  string
	Value any
}

// hasNUL reports whether VARCHAR value v, read as s, holds a NUL byte. The
// C API hands a VARCHAR over as a NUL-terminated string, so s ends at the
// first NUL and the rest is lost silently ('a' || chr(0) || 'b' reads as
// "a"). The value's SQL literal ('...' with quotes doubled) comes through
// the same C string: when the value holds a NUL it is cut before its
// closing quote.
func hasNUL(v mapping.Value, s string) bool {
	lit := mapping.ValueToString(v)
	return lit == "'"+strings.ReplaceAll(s, "'", "''")
}
