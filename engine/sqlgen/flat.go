package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// Assignment is the nearest-centroid assignment of the rows of one table
// to the centroids of a k-means model, for a query that aggregates over
// the table: KMeans' (model_sql's) assignment, the same encoding,
// distances summed in the same order, the same nearest centroid.
//
//	SELECT <Segment> AS s, count(*), sum(<Inputs[0]>), ..., sum(<Distance2>)
//	FROM <From(table, condition)> GROUP BY s
//
// In ClickHouse the query reads the table directly, no subquery wrapping
// it (on a Distributed table a wrapper would move every row to the
// initiator), and computes as KMeans' clickhouse dialect does, with the
// same code (chNearest): the inputs one array, the distances arrayMap over
// an array literal of the centroids, so the text grows with k plus the
// inputs, not with their product; one ARRAY JOIN of a one-element array
// binds the tuple of the segment, the distance and the inputs once per
// row. In DuckDB, one process, the stages (the inputs, the distances,
// the smallest) are projections of the table's rows, one inside the
// other, as KMeans' common table expressions are.
type Assignment struct {
	// Segment is the nearest centroid's number: 1 for the first, the
	// lower number of equally near ones.
	Segment string
	// Distance2 is the squared Euclidean distance to it.
	Distance2 string
	// Inputs are the encoded inputs, in the encoder's order.
	Inputs []string
	d      Dialect
	p      *program // duckdb: the stages
	seg    string   // duckdb: the nearest centroid's number over the stages
	row    string   // clickhouse: the tuple ARRAY JOIN binds to ds__nearest
}

// flatDialect checks that d writes flat expressions (duckdb, clickhouse).
func flatDialect(d Dialect) error {
	if d != DuckDB && d != ClickHouse {
		return fmt.Errorf("pushed-down queries are written in the duckdb and clickhouse dialects, not %s", d)
	}
	return nil
}

// flatProgram is a duckdb program whose columns are the table's own, each
// by its quoted name.
func flatProgram() *program {
	p := newProgram(DuckDB, "")
	p.flat = true
	return p
}

// NearestCentroid returns the assignment of rows encoded by enc to the
// centroids of m, in dialect d (duckdb or clickhouse).
func NearestCentroid(d Dialect, enc *features.Encoder, m *kmeans.Model) (*Assignment, error) {
	if err := flatDialect(d); err != nil {
		return nil, err
	}
	if err := checkKMeans(enc, m); err != nil {
		return nil, err
	}
	if d == ClickHouse {
		var lets chLets
		x, dist, dmin := chNearest(&lets, enc, m)
		// The tuple's elements are numbers: a Distributed table's
		// initiator rewrites arrayElement(tupleElement(t, 3), 1) for the
		// shards as t.3[1], which 18.16 cannot parse back.
		elems := []string{"indexOf(" + dist + ", " + dmin + ")", dmin}
		a := &Assignment{d: d, Segment: "tupleElement(ds__nearest, 1)", Distance2: "tupleElement(ds__nearest, 2)"}
		for j := range enc.Width {
			elems = append(elems, "arrayElement("+x+", "+strconv.Itoa(j+1)+")")
			a.Inputs = append(a.Inputs, "tupleElement(ds__nearest, "+strconv.Itoa(j+3)+")")
		}
		a.row = lets.in("tuple(" + strings.Join(elems, ", ") + ")")
		return a, nil
	}
	p := flatProgram()
	seg, dmin, x := p.nearest(enc, m)
	return &Assignment{d: d, p: p, seg: seg, Segment: "ds__segment", Distance2: dmin, Inputs: x}, nil
}

// From is the FROM clause (without the keyword) of a query over the rows
// of table (quoted) for which cond holds, the WHERE clause included, and
// then, when it is not empty, the condition after, which may use Segment,
// Distance2 and Inputs:
//
//	clickhouse: table ARRAY JOIN [<the tuple>] AS ds__nearest WHERE cond [AND after]
//	duckdb:     (SELECT *, <segment> AS ds__segment FROM (... (SELECT *, <inputs> FROM table WHERE cond) ...)) AS ds__rows [WHERE after]
//
// The DuckDB projections keep the table's columns (SELECT *).
func (a *Assignment) From(table, cond, after string) string {
	if a.d == ClickHouse {
		return chFrom(table, a.row, "ds__nearest", cond, after)
	}
	return a.p.flatFrom(table, cond, named{"ds__segment", a.seg}, after)
}

// flatFrom is the FROM clause of a flat DuckDB program's rows: the rows of
// table for which cond holds, each stage a projection of the one before
// (SELECT * keeps the table's columns), then last, a projection that
// names one more column, and the condition after.
func (p *program) flatFrom(table, cond string, last named, after string) string {
	from := table + " WHERE " + cond
	for k, s := range p.stages {
		cols := make([]string, len(s))
		for i, nm := range s {
			cols[i] = nm.expr + " AS " + nm.name
		}
		from = "(SELECT *, " + strings.Join(cols, ", ") + " FROM " + from + ") AS ds__l" + strconv.Itoa(k)
	}
	from = "(SELECT *, " + last.expr + " AS " + last.name + " FROM " + from + ") AS ds__rows"
	if after != "" {
		from += " WHERE " + after
	}
	return from
}

// chFrom is the FROM clause of a flat ClickHouse query: table with one
// ARRAY JOIN of the one-element array [row] as alias, which binds a
// row's computed values once, and the conditions cond and after.
func chFrom(table, row, alias, cond, after string) string {
	from := table + " ARRAY JOIN [" + row + "] AS " + alias + " WHERE " + cond
	if after != "" {
		from += " AND " + after
	}
	return from
}

// Scores is the probability a binary perceptron model gives the rows of
// one table, for a query that aggregates over the table (evaluate's
// measures computed where the rows are): model_sql's statement's
// probability, written by the same code, a row's inputs, layers and
// probability computed as its are.
//
//	SELECT <aggregates of Probability> FROM <From(table, condition)> ...
//
// In ClickHouse the query reads the table directly (one ARRAY JOIN of a
// one-element array binds the tuple of outputs model_sql's statement
// computes); in DuckDB the stages are projections of the table's rows,
// one inside the other, as for Assignment. Probability is NULL where
// predict's is.
type Scores struct {
	Probability string
	d           Dialect
	p           *program // duckdb: the stages
	row         string   // clickhouse: the tuple ARRAY JOIN binds to ds__o
	prob        string   // duckdb: the probability over the stages
}

// BinaryScores returns the probabilities of a binary perceptron model doc
// in dialect d (duckdb or clickhouse).
func BinaryScores(d Dialect, doc *training.Document) (*Scores, error) {
	if err := flatDialect(d); err != nil {
		return nil, err
	}
	if doc.Task != task.Binary {
		return nil, fmt.Errorf("a binary classifier's probabilities, not a %s model's", doc.Task)
	}
	if err := checkPerceptron(doc); err != nil {
		return nil, err
	}
	var outs []named
	s := &Scores{d: d}
	if d == ClickHouse {
		lets, o, err := chPerceptronOutputs(doc)
		if err != nil {
			return nil, err
		}
		vals := make([]string, len(o))
		for i, x := range o {
			vals[i] = x.expr
		}
		s.row = lets.in("tuple(" + strings.Join(vals, ", ") + ")")
		outs = make([]named, len(o))
		for i, x := range o {
			outs[i] = named{x.name, "tupleElement(ds__o, " + strconv.Itoa(i+1) + ")"}
		}
	} else {
		s.p = flatProgram()
		if err := s.p.perceptron(doc); err != nil {
			return nil, err
		}
		outs = s.p.outs
	}
	for _, o := range outs {
		if o.name == "probability" {
			s.Probability = o.expr
		}
	}
	if s.Probability == "" {
		return nil, fmt.Errorf("the model's statement has no probability")
	}
	if d == DuckDB {
		s.prob, s.Probability = s.Probability, "ds__probability"
	}
	return s, nil
}

// From is the FROM clause (without the keyword) of a query over the rows
// of table (quoted) for which cond holds, the WHERE clause included, and
// then, when it is not empty, the condition after, which may use
// Probability:
//
//	clickhouse: table ARRAY JOIN [<the outputs' tuple>] AS ds__o WHERE cond [AND after]
//	duckdb:     (SELECT *, <probability> AS ds__probability FROM (... (SELECT *, <inputs> FROM table WHERE cond) ...)) AS ds__rows [WHERE after]
func (s *Scores) From(table, cond, after string) string {
	if s.d == ClickHouse {
		return chFrom(table, s.row, "ds__o", cond, after)
	}
	return s.p.flatFrom(table, cond, named{"ds__probability", s.prob}, after)
}

// Encoded is the encoded inputs of the rows of one table, for a query
// that reads the table directly, as KMeans and NearestCentroid encode
// them:
//
//	SELECT <Inputs[0]>, <Inputs[1]>, ... FROM <From(table, condition)>
//
// In ClickHouse the inputs are elements of one array (model_sql's
// chInputs) bound by an ARRAY JOIN of a one-element array, each input an
// element of it; in DuckDB each input is its own expression over the
// table's columns.
type Encoded struct {
	// Inputs are the encoded inputs, in the encoder's order, each
	// standing on its own.
	Inputs []string
	d      Dialect
	row    string // clickhouse: the array ARRAY JOIN binds to ds__inputs
}

// EncodedRows returns the inputs of enc over a table's own columns, in
// dialect d (duckdb or clickhouse).
func EncodedRows(d Dialect, enc *features.Encoder) (*Encoded, error) {
	if err := flatDialect(d); err != nil {
		return nil, err
	}
	if d == ClickHouse {
		if err := enc.Validate(); err != nil {
			return nil, fmt.Errorf("preprocessing: %v", err)
		}
		e := &Encoded{d: d, row: chInputs(enc)}
		for j := range enc.Width {
			e.Inputs = append(e.Inputs, "arrayElement(ds__inputs, "+strconv.Itoa(j+1)+")")
		}
		return e, nil
	}
	p := flatProgram()
	if _, err := p.inputs(enc); err != nil {
		return nil, err
	}
	out := make([]string, len(p.stages[0]))
	for i, nm := range p.stages[0] {
		out[i] = nm.expr
	}
	return &Encoded{d: d, Inputs: out}, nil
}

// From is the FROM clause (without the keyword) of a query over the rows
// of table (quoted) for which cond holds, the WHERE clause included:
//
//	clickhouse: table ARRAY JOIN [<the inputs' array>] AS ds__inputs WHERE cond
//	duckdb:     table WHERE cond
func (e *Encoded) From(table, cond string) string {
	if e.d == ClickHouse {
		return chFrom(table, e.row, "ds__inputs", cond, "")
	}
	return table + " WHERE " + cond
}
