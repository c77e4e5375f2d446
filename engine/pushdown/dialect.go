package pushdown

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/sqlgen"
)

// Dialect is the SQL flavour of an engine: sqlgen's quoting, literals and
// casts (one implementation for the product), and what only the pushed-
// down plan needs: exact sums, quantile edges, the column listing. Its
// zero value is not usable; use DuckDB or ClickHouse.
type Dialect struct {
	sqlgen.Dialect
}

// The dialects the generated SQL is written in.
var (
	// DuckDB sums exact terms as HUGEINT and computes quantile edges with
	// quantile_cont, as local training does.
	DuckDB = Dialect{sqlgen.DuckDB}
	// ClickHouse (18.16 and later) sums exact terms as Decimal128 and
	// computes quantile edges with quantilesExact, the order statistic
	// nearest each quantile (not interpolated, see EdgesExpr).
	ClickHouse = Dialect{sqlgen.ClickHouse}
)

// Name returns "duckdb" or "clickhouse".
func (d Dialect) Name() string { return string(d.Dialect) }

// Text casts expr to text.
func (d Dialect) Text(expr string) string {
	if d == ClickHouse {
		return "toString(" + expr + ")"
	}
	return "CAST(" + expr + " AS VARCHAR)"
}

// Finite is the condition that the double expr is neither NaN nor ±Inf.
func (d Dialect) Finite(expr string) string {
	if d == ClickHouse {
		return "isFinite(" + expr + ")"
	}
	return "isfinite(" + expr + ")"
}

// Ln is the natural logarithm of expr.
func (d Dialect) Ln(expr string) string {
	if d == ClickHouse {
		return "log(" + expr + ")"
	}
	return "ln(" + expr + ")"
}

// The encoded inputs' building blocks, as each engine computes them
// fastest (ClickHouse evaluates every branch of a CASE).

// zeroIfNull is the double expr, 0 where it is NULL.
func (d Dialect) zeroIfNull(expr string) string {
	if d == ClickHouse {
		return "ifNull(" + expr + ", 0)"
	}
	return "coalesce(" + expr + ", 0)"
}

// flag is 1 where the condition cond holds, 0 where it does not or is
// NULL.
func (d Dialect) flag(cond string) string {
	if d == ClickHouse {
		return "ifNull(" + cond + ", 0)"
	}
	return "CASE WHEN " + cond + " THEN 1 ELSE 0 END"
}

// isNull is 1 where expr is NULL, else 0.
func (d Dialect) isNull(expr string) string {
	if d == ClickHouse {
		return "isNull(" + expr + ")"
	}
	return "CASE WHEN " + expr + " IS NULL THEN 1 ELSE 0 END"
}

// MaxScale is the largest scale of an exact sum: 18 decimal digits after
// the point, finer than a double's relative precision on terms of order 1.
const MaxScale = 18

// sumDigits is how many decimal digits an exact sum may use: a signed
// 128-bit integer holds 38 digits; one is kept as margin.
const sumDigits = 37

// maxTerm bounds a scaled term, |term| * 10^scale: it must fit in a
// 64-bit integer (below 2^63, about 9.22e18), which DuckDB converts and
// sums far faster than a 128-bit one (the sum itself is 128-bit).
const maxTerm = 9e18

// Scale returns the scale of an exact sum of rows terms each at most bound
// in absolute value: the most digits after the point (up to MaxScale) with
// which every scaled term fits in a 64-bit integer and the sum in 37
// digits. It is false when even scale 0 does not fit (the terms are too
// large for exact sums).
func Scale(rows int64, bound float64) (int, bool) {
	b := math.Abs(bound) + 1
	total := float64(max(rows, 1)) * b
	if !(total < math.Inf(1)) {
		return 0, false
	}
	s := min(MaxScale, sumDigits-int(math.Ceil(math.Log10(total))))
	for s >= 0 && !(b*math.Pow10(s) < maxTerm) {
		s--
	}
	return s, s >= 0
}

// ExactSum is the exact sum of the double expr, every term cut to scale
// digits after the point (see Scale), as text that ParseSum reads: in
// DuckDB the sum of the terms times 10^scale, each a BIGINT, summed as a
// HUGEINT; in ClickHouse a Decimal128(scale) sum. A term is the integer part of the double
// product term * 10^scale, which is what ClickHouse's toDecimal128 of a
// Float64 takes (truncation toward zero), so both engines sum the same
// integers for the same terms.
func (d Dialect) ExactSum(expr string, scale int) string {
	if d == ClickHouse {
		return fmt.Sprintf("toString(sum(toDecimal128(%s, %d)))", expr, scale)
	}
	return fmt.Sprintf("CAST(sum(CAST(trunc((%s) * 1e%d) AS BIGINT)) AS VARCHAR)", expr, scale)
}

// FloatSum is the plain double sum of expr (exact := false): faster, and
// its last bits depend on how the engine splits the rows.
func (d Dialect) FloatSum(expr string) string {
	return d.Text("sum(" + expr + ")")
}

// ParseSum reads an ExactSum (exact) or FloatSum result of scale scale as
// the nearest double. A NULL (no rows) reads as 0.
func (d Dialect) ParseSum(v *string, scale int, exact bool) (float64, error) {
	if v == nil {
		return 0, nil
	}
	if !exact {
		return strconv.ParseFloat(*v, 64)
	}
	r, err := d.parseExact(v, scale)
	if err != nil {
		return 0, err
	}
	f, _ := r.Float64()
	return f, nil
}

// parseExact reads an ExactSum result of scale scale as the exact
// rational number it is (NULL: 0).
func (d Dialect) parseExact(v *string, scale int) (*big.Rat, error) {
	if v == nil {
		return new(big.Rat), nil
	}
	r, ok := new(big.Rat).SetString(*v)
	if !ok {
		return nil, fmt.Errorf("unreadable exact sum %q", *v)
	}
	if d == DuckDB {
		r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	}
	return r, nil
}

// quantiles are the levels of the EdgeCount edges.
const quantiles = "0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1"

// EdgesExpr is the 11 quantile edges of the numeric expr as one text value
// that ParseEdges reads. DuckDB: quantile_cont, interpolated between the
// two nearest order statistics as local training's exact edges are.
// ClickHouse: quantilesExact, the order statistic at each quantile's
// position, not interpolated: an edge may differ from DuckDB's by the gap
// between two neighbouring values (18.16 has no interpolating exact
// quantile; quantileExactInclusive came later). quantilesExact holds every
// value, and a Distributed table's shards send them all to the initiator:
// past Spec.ExactEdgeRows rows its query reads a sample (EdgeSample).
func (d Dialect) EdgesExpr(expr string) string {
	if d == ClickHouse {
		return "toString(quantilesExact(" + quantiles + ")(" + d.Double(expr) + "))"
	}
	return "CAST(quantile_cont(" + d.Double(expr) + ", [" + quantiles + "]) AS VARCHAR)"
}

// DefaultExactEdgeRows is the most rows whose quantile edges ClickHouse
// computes from every row (Spec.ExactEdgeRows); past it, from a sample of
// about that many.
const DefaultExactEdgeRows = 1_000_000

// EdgeSample is the condition of a deterministic sample of about a share
// of the rows (ClickHouse): cityHash64 of the row's label and feature
// columns (the text of their tuple, which a NULL does not make NULL)
// below that share of 2^32. A row is in or out by its values alone,
// whatever the shard that holds it, so the sample, and the exact order
// statistics of it, do not depend on the shards. (quantilesDeterministic's
// own sample did: two shards and one gave edges a few thousandths apart.)
// Rows equal in every column share their fate.
func (d Dialect) EdgeSample(columns []string, share float64) string {
	q := make([]string, len(columns))
	for i, c := range columns {
		q[i] = d.Ident(c)
	}
	limit := uint64(math.Ldexp(share, 32))
	return "cityHash64(toString(tuple(" + strings.Join(q, ", ") + "))) % 4294967296 < " + strconv.FormatUint(limit, 10)
}

// ParseEdges reads an EdgesExpr result: [e0, e1, ...].
func ParseEdges(v *string) ([]float64, error) {
	if v == nil {
		return nil, nil
	}
	s := strings.TrimSpace(*v)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	parts := strings.Split(s, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("unreadable quantile edges %q", *v)
		}
		out[i] = f
	}
	return out, nil
}

// ColumnsSQL lists the columns of table, name and type, in table order;
// no rows when the table does not exist. A dotted name is split as
// Table quotes it: the last part is the table, the one before it its
// schema (DuckDB) or database (ClickHouse), a third from the end
// DuckDB's catalog.
func (d Dialect) ColumnsSQL(table string) string {
	parts := strings.Split(table, ".")
	if slices.Contains(parts, "") {
		parts = []string{table} // one identifier, as Table quotes it
	}
	name := parts[len(parts)-1]
	if d == ClickHouse {
		db := "currentDatabase()"
		if len(parts) > 1 {
			db = d.Str(strings.Join(parts[:len(parts)-1], "."))
		}
		// In the table's order: 18.16's system.columns lists a table's
		// columns in order, and has no position column to sort by.
		return "SELECT name, type FROM system.columns WHERE database = " + db + " AND table = " + d.Str(name)
	}
	where := "table_name = " + d.Str(name)
	switch len(parts) {
	case 1:
		where += " AND table_schema = current_schema() AND table_catalog = current_database()"
	case 2:
		where += " AND table_schema = " + d.Str(parts[0]) + " AND table_catalog = current_database()"
	default:
		where += " AND table_schema = " + d.Str(parts[len(parts)-2]) + " AND table_catalog = " + d.Str(strings.Join(parts[:len(parts)-2], "."))
	}
	return "SELECT column_name, data_type FROM information_schema.columns WHERE " + where + " ORDER BY ordinal_position"
}

// typeOf maps a column type as ColumnsSQL reports it to an encoding kind
// ("numeric", "boolean", "categorical"; "" for a type the pushed-down
// plan does not encode), whether it is a floating-point type (whose NaN
// and ±Inf rows are skipped), and the name of the Arrow type the column
// would have in a DuckDB data query (what model documents store as a
// column's and the label's type).
func (d Dialect) typeOf(typ string) (kind string, float bool, arrowName string) {
	t := strings.TrimSpace(typ)
	for unwrapped := true; unwrapped; {
		unwrapped = false
		for _, w := range []string{"Nullable(", "LowCardinality("} {
			if strings.HasPrefix(t, w) && strings.HasSuffix(t, ")") {
				t, unwrapped = t[len(w):len(t)-1], true
			}
		}
	}
	u := strings.ToUpper(t)
	ints := map[string]string{
		"TINYINT": "int8", "SMALLINT": "int16", "INTEGER": "int32", "BIGINT": "int64",
		"UTINYINT": "uint8", "USMALLINT": "uint16", "UINTEGER": "uint32", "UBIGINT": "uint64",
		"INT8": "int8", "INT16": "int16", "INT32": "int32", "INT64": "int64",
		"UINT8": "uint8", "UINT16": "uint16", "UINT32": "uint32", "UINT64": "uint64",
	}
	if a, ok := ints[u]; ok {
		return features.KindNumeric, false, a
	}
	switch {
	case u == "BOOLEAN" || u == "BOOL":
		return features.KindBoolean, false, "bool"
	case u == "FLOAT" || u == "REAL" || u == "FLOAT32":
		return features.KindNumeric, true, "float32"
	case u == "DOUBLE" || u == "FLOAT64":
		return features.KindNumeric, true, "float64"
	case strings.HasPrefix(u, "DECIMAL"):
		p, s := 38, 0
		if i := strings.IndexByte(u, '('); i > 0 {
			args := strings.Split(strings.TrimSuffix(u[i+1:], ")"), ",")
			switch {
			case len(args) == 2:
				p, _ = strconv.Atoi(strings.TrimSpace(args[0]))
				s, _ = strconv.Atoi(strings.TrimSpace(args[1]))
			case len(args) == 1: // ClickHouse's Decimal32(S) and kin
				s, _ = strconv.Atoi(strings.TrimSpace(args[0]))
				p = map[string]int{"DECIMAL32": 9, "DECIMAL64": 18, "DECIMAL128": 38}[u[:i]]
			}
		}
		return features.KindNumeric, false, fmt.Sprintf("decimal(%d, %d)", p, s)
	case u == "VARCHAR" || u == "STRING" || strings.HasPrefix(u, "ENUM") || strings.HasPrefix(u, "FIXEDSTRING"):
		return features.KindCategorical, false, "utf8"
	}
	return "", false, ""
}
