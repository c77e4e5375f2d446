//go:build duckdb_arrow

package udf

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/dserr"
)

// t_nested(n): one row per i in [0, n) with nested values written through
// the generic writers; nestedSQL builds the same rows with DuckDB's own
// functions. The patterns mix NULL rows, NULL elements, empty lists,
// strings longer than 12 bytes (written to the string heap) and lists long
// enough to grow the child vectors several times per chunk.
var nestedFunc = &TableFunc{
	Name: "t_nested",
	Args: []Param{{Name: "n", Type: BigInt}},
	Bind: func(b *BindContext) (Bound, error) {
		n, ok := b.Args[0].(int64)
		if !ok || n < 0 {
			return nil, dserr.Arg("t_nested", "n", "must be a non-negative integer")
		}
		return &simpleBound{cols: nestedCols, start: func(ctx context.Context) (Execution, error) {
			var next int64
			return &simpleExec{threads: 1, fill: func(ctx context.Context, out *Output) error {
				m := int(min(int64(out.Capacity()), n-next))
				for r := 0; r < m; r++ {
					writeNested(out, r, int(next)+r)
				}
				next += int64(m)
				out.SetLen(m)
				return nil
			}}, nil
		}}, nil
	},
}

var nestedCols = []Column{
	{"id", BigInt},
	{"dl", List(Double)},
	{"big", List(Double)},
	{"rs", List(Struct(
		StructField{Name: "feature", Type: Varchar},
		StructField{Name: "value", Type: Varchar},
		StructField{Name: "contribution", Type: Double},
	))},
	{"m", Map(Varchar, Double)},
	{"s", Struct(StructField{Name: "a", Type: BigInt}, StructField{Name: "tags", Type: List(Varchar)})},
	{"ll", List(List(Integer))},
	{"flags", List(Boolean)},
}

// writeNested writes value i at row r. It asks for the writers on every
// row, as a caller writing one row at a time does: a column has one writer
// per Fill call.
func writeNested(out *Output, r, i int) {
	if v := out.Int64s(0); v != nil {
		v[r] = int64(i)
	}
	if l, ok := out.List(1); ok {
		if i%7 == 3 {
			l.SetNull(r)
		} else {
			e := l.Elem().Float64s()
			j := l.Append(r, i%4)
			for k := 0; k < i%4; k++ {
				if (i+k)%5 == 0 {
					e.SetNull(j + k)
				} else {
					e.Set(j+k, float64(i)+float64(k)*0.5)
				}
			}
		}
	}
	if l, ok := out.List(2); ok {
		vals := make([]float64, i%50)
		for k := range vals {
			vals[k] = float64(i*k) / 4
		}
		l.Elem().Float64s().Copy(l.Append(r, len(vals)), vals)
	}
	if l, ok := out.List(3); ok {
		if i%11 == 5 {
			l.SetNull(r)
		} else {
			s := l.Elem().Struct()
			f, v, c := s.Field(0).Strings(), s.Field(1).Strings(), s.Field(2).Float64s()
			j := l.Append(r, i%3)
			for k := 0; k < i%3; k++ {
				switch {
				case (i+k)%9 == 4:
					s.SetNull(j + k)
					continue
				case (i+k)%6 == 0:
					v.SetNull(j + k)
				default:
					v.Set(j+k, strings.Repeat("v", i%20)+fmt.Sprint(k))
				}
				f.Set(j+k, fmt.Sprintf("f%d", k))
				c.Set(j+k, float64(i*k)/10)
			}
		}
	}
	if m, ok := out.Map(4); ok {
		if i%13 == 7 {
			m.SetNull(r)
		} else {
			keys, vals := m.Keys().Strings(), m.Values().Float64s()
			j := m.Append(r, i%3)
			for k := 0; k < i%3; k++ {
				keys.Set(j+k, fmt.Sprintf("key number %d", k))
				if (i*k)%4 == 1 {
					vals.SetNull(j + k)
				} else {
					vals.Set(j+k, float64(i+k))
				}
			}
		}
	}
	if s, ok := out.Struct(5); ok {
		if i%5 == 2 {
			s.SetNull(r)
		} else {
			s.Field(0).Int64s().Set(r, int64(-i))
			tags := s.Field(1).List()
			if i%4 == 1 {
				tags.SetNull(r)
			} else {
				t := tags.Elem().Strings()
				j := tags.Append(r, i%4)
				for k := 0; k < i%4; k++ {
					t.Set(j+k, fmt.Sprintf("tag-%d-%d", i, k))
				}
			}
		}
	}
	if l, ok := out.List(6); ok {
		inner := l.Elem().List()
		ints := inner.Elem().Int32s()
		j := l.Append(r, i%3)
		for k := 0; k < i%3; k++ {
			if (i+k)%7 == 0 {
				inner.SetNull(j + k)
				continue
			}
			jj := inner.Append(j+k, (i+k)%4)
			for q := 0; q < (i+k)%4; q++ {
				ints.Set(jj+q, int32(i*100+k*10+q))
			}
		}
	}
	if l, ok := out.List(7); ok {
		b := l.Elem().Bools()
		j := l.Append(r, 2)
		b.Set(j, i%2 == 0)
		b.Set(j+1, i%3 == 0)
	}
}

// nestedSQL is t_nested(n) built by DuckDB.
const nestedSQL = `
SELECT i AS id,
  CASE WHEN i % 7 = 3 THEN NULL ELSE
    [CASE WHEN (i + k) % 5 = 0 THEN NULL ELSE i + k * 0.5 END FOR k IN range(i % 4)]::DOUBLE[] END AS dl,
  [(i * k) / 4 FOR k IN range(i % 50)]::DOUBLE[] AS big,
  CASE WHEN i % 11 = 5 THEN NULL ELSE
    [CASE WHEN (i + k) % 9 = 4 THEN NULL ELSE
      {'feature': 'f' || k, 'value': CASE WHEN (i + k) % 6 = 0 THEN NULL ELSE repeat('v', (i % 20)::INTEGER) || k END,
       'contribution': (i * k) / 10}::STRUCT(feature VARCHAR, value VARCHAR, contribution DOUBLE) END
     FOR k IN range(i % 3)] END AS rs,
  CASE WHEN i % 13 = 7 THEN NULL ELSE
    map(['key number ' || k FOR k IN range(i % 3)],
        [CASE WHEN (i * k) % 4 = 1 THEN NULL ELSE (i + k)::DOUBLE END FOR k IN range(i % 3)]) END AS m,
  CASE WHEN i % 5 = 2 THEN NULL ELSE
    {'a': -i, 'tags': CASE WHEN i % 4 = 1 THEN NULL ELSE ['tag-' || i || '-' || k FOR k IN range(i % 4)] END}
      ::STRUCT(a BIGINT, tags VARCHAR[]) END AS s,
  [CASE WHEN (i + k) % 7 = 0 THEN NULL ELSE [(i * 100 + k * 10 + q)::INTEGER FOR q IN range((i + k) % 4)] END
   FOR k IN range(i % 3)] AS ll,
  [i % 2 = 0, i % 3 = 0] AS flags
FROM range(?) t(i)`

// TestNestedWriters: the values written through ListWriter, MapWriter,
// StructWriter and their typed child views are DuckDB's own, row for row,
// over several chunks (EXCEPT ALL both ways, which compares NULLs as
// equal), whatever columns the query projects.
func TestNestedWriters(t *testing.T) {
	db := openTest(t, "")
	const n = 5000 // three chunks
	var typ string
	if err := db.QueryRow(`SELECT typeof(rs) || ' ' || typeof(m) || ' ' || typeof(s) || ' ' || typeof(ll) FROM t_nested(1)`).Scan(&typ); err != nil {
		t.Fatal(err)
	}
	if want := `STRUCT(feature VARCHAR, "value" VARCHAR, contribution DOUBLE)[] MAP(VARCHAR, DOUBLE) STRUCT(a BIGINT, tags VARCHAR[]) INTEGER[][]`; typ != want {
		t.Errorf("types %q, want %q", typ, want)
	}
	for _, cols := range []string{"*", "id, rs", "id, m", "id, s, flags", "id, ll, big", "id, dl"} {
		for _, q := range []string{
			`SELECT ` + cols + ` FROM t_nested(?) EXCEPT ALL SELECT ` + cols + ` FROM (` + nestedSQL + `)`,
			`SELECT ` + cols + ` FROM (` + nestedSQL + `) EXCEPT ALL SELECT ` + cols + ` FROM t_nested(?)`,
		} {
			var diff int
			if err := db.QueryRow(`SELECT count(*) FROM (`+q+`)`, n, n).Scan(&diff); err != nil {
				t.Fatalf("%s: %v", cols, err)
			}
			if diff != 0 {
				t.Errorf("SELECT %s: %d rows differ from DuckDB's", cols, diff)
			}
		}
	}
	// The comparison sees what it should: the patterns hold NULL rows,
	// NULL elements, empty lists and heap strings.
	var nullRows, nullElems, empty, long int
	if err := db.QueryRow(`SELECT count(*) FILTER (rs IS NULL), count(*) FILTER (list_contains(list_transform(rs, x -> x IS NULL), true)),
		count(*) FILTER (len(dl) = 0), count(*) FILTER (len(rs[1].value) > 12) FROM t_nested(?)`, n).Scan(&nullRows, &nullElems, &empty, &long); err != nil {
		t.Fatal(err)
	}
	if nullRows == 0 || nullElems == 0 || empty == 0 || long == 0 {
		t.Errorf("patterns: %d NULL rows, %d rows with a NULL element, %d empty lists, %d long strings", nullRows, nullElems, empty, long)
	}
	// Aggregates over the nested values agree too (a second path through
	// DuckDB's vectors: unnest reads the list entries and the child).
	var got, want float64
	if err := db.QueryRow(`SELECT sum(x) FROM (SELECT unnest(big) AS x FROM t_nested(?))`, n).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT sum(i * k / 4) FROM range(?) t(i), range(50) u(k) WHERE k < i % 50`, n).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("sum(unnest(big)) %v, want %v", got, want)
	}
}

// TestNestedWrongType: a typed view of the wrong type is refused with the
// element's name, and the database survives.
func TestNestedWrongType(t *testing.T) {
	db := openTest(t, "")
	_, err := db.Exec(`SELECT * FROM t_nested_wrong()`)
	if err == nil || !strings.Contains(err.Error(), "xs[] is DOUBLE, written as BIGINT") {
		t.Fatalf("wrong view: %v", err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t_nested(10)`).Scan(&n); err != nil || n != 10 {
		t.Fatalf("after the panic: %d %v", n, err)
	}
}

// t_nested_wrong(): writes a DOUBLE[] column's elements as BIGINT.
var nestedWrongFunc = &TableFunc{
	Name: "t_nested_wrong",
	Bind: func(b *BindContext) (Bound, error) {
		return &simpleBound{cols: []Column{{"xs", List(Double)}}, start: func(ctx context.Context) (Execution, error) {
			return &simpleExec{threads: 1, fill: func(ctx context.Context, out *Output) error {
				l, _ := out.List(0)
				l.Elem().Int64s().Set(l.Append(0, 1), 1)
				out.SetLen(1)
				return nil
			}}, nil
		}}, nil
	},
}

// t_emit_nested(n): xs = [i, i+1, i+2, i+3] and m = {a: i, b: 2i, c: 3i}
// for i in [0, n), written through the nested writers (BenchmarkEmitNested).
var emitNestedFunc = &TableFunc{
	Name: "t_emit_nested",
	Args: []Param{{Name: "n", Type: BigInt}},
	Bind: func(b *BindContext) (Bound, error) {
		n, _ := b.Args[0].(int64)
		return &simpleBound{cols: []Column{{"xs", List(Double)}, {"m", Map(Varchar, Double)}}, start: func(ctx context.Context) (Execution, error) {
			var next int64
			return &simpleExec{threads: 1, fill: func(ctx context.Context, out *Output) error {
				m := int(min(int64(out.Capacity()), n-next))
				if l, ok := out.List(0); ok {
					xs := l.Elem().Float64s()
					for r := 0; r < m; r++ {
						j, i := l.Append(r, 4), float64(next)+float64(r)
						for k := 0; k < 4; k++ {
							xs.Set(j+k, i+float64(k))
						}
					}
				}
				if mw, ok := out.Map(1); ok {
					keys, vals := mw.Keys().Strings(), mw.Values().Float64s()
					for r := 0; r < m; r++ {
						j, i := mw.Append(r, 3), float64(next)+float64(r)
						for k, key := range [3]string{"a", "b", "c"} {
							keys.Set(j+k, key)
							vals.Set(j+k, float64(k+1)*i)
						}
					}
				}
				next += int64(m)
				out.SetLen(m)
				return nil
			}}, nil
		}}, nil
	},
}
