package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
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
// initiator): the stages (the inputs, the distances, the smallest) are
// arrays bound once each to a lambda parameter, as KMeans' clickhouse
// dialect binds them, and one ARRAY JOIN of a one-element array binds the
// tuple of the segment, the distance and the inputs once per row. In
// DuckDB, one process, the stages are projections of the table's rows, one
// inside the other, as KMeans' common table expressions are.
type Assignment struct {
	// Segment is the nearest centroid's number: 1 for the first, the
	// lower number of equally near ones.
	Segment string
	// Distance2 is the squared Euclidean distance to it.
	Distance2 string
	// Inputs are the encoded inputs, in the encoder's order.
	Inputs []string
	p      *program
	seg    string
	dmin   string
	inputs []string
}

// flatDialect checks that d writes flat expressions (duckdb, clickhouse).
func flatDialect(d Dialect) error {
	if d != DuckDB && d != ClickHouse {
		return fmt.Errorf("pushed-down queries are written in the duckdb and clickhouse dialects, not %s", d)
	}
	return nil
}

// flatProgram is a program whose columns are the table's own, each by its
// quoted name.
func flatProgram(d Dialect) *program {
	p := newProgram(d, "")
	p.flat = true
	return p
}

// NearestCentroid returns the assignment of rows encoded by enc to the
// centroids of m, in dialect d (duckdb or clickhouse).
func NearestCentroid(d Dialect, enc *features.Encoder, m *kmeans.Model) (*Assignment, error) {
	if err := flatDialect(d); err != nil {
		return nil, err
	}
	p := flatProgram(d)
	seg, dmin, x, err := p.nearest(enc, m)
	if err != nil {
		return nil, err
	}
	a := &Assignment{p: p, seg: seg, dmin: dmin, inputs: x}
	if d == ClickHouse {
		a.Segment, a.Distance2 = "tupleElement(ds__a, 1)", "tupleElement(ds__a, 2)"
		for j := range x {
			a.Inputs = append(a.Inputs, "tupleElement(ds__a, "+strconv.Itoa(j+3)+")")
		}
		return a, nil
	}
	a.Segment, a.Distance2, a.Inputs = "ds__segment", dmin, x
	return a, nil
}

// From is the FROM clause (without the keyword) of a query over the rows
// of table (quoted) for which cond holds, the WHERE clause included, and
// then, when it is not empty, the condition after, which may use Segment,
// Distance2 and Inputs:
//
//	clickhouse: table ARRAY JOIN [<the stages>] AS ds__a WHERE cond [AND after]
//	duckdb:     (SELECT *, <segment> AS ds__segment FROM (... (SELECT *, <inputs> FROM table WHERE cond) ...)) AS ds__rows [WHERE after]
//
// The DuckDB projections keep the table's columns (SELECT *).
func (a *Assignment) From(table, cond, after string) string {
	p := a.p
	if p.d == ClickHouse {
		from := table + " ARRAY JOIN [" + p.let("tuple("+a.seg+", "+a.dmin+", "+strings.Join(a.inputs, ", ")+")") + "] AS ds__a WHERE " + cond
		if after != "" {
			from += " AND " + after
		}
		return from
	}
	from := table + " WHERE " + cond
	for k, s := range p.stages {
		cols := make([]string, len(s))
		for i, nm := range s {
			cols[i] = nm.expr + " AS " + nm.name
		}
		from = "(SELECT *, " + strings.Join(cols, ", ") + " FROM " + from + ") AS ds__l" + strconv.Itoa(k)
	}
	from = "(SELECT *, " + a.seg + " AS ds__segment FROM " + from + ") AS ds__rows"
	if after != "" {
		from += " WHERE " + after
	}
	return from
}

// EncodedInputs returns the inputs of enc as expressions over a table's
// own columns, each standing on its own, in dialect d (duckdb or
// clickhouse): the encoding KMeans and NearestCentroid write.
func EncodedInputs(d Dialect, enc *features.Encoder) ([]string, error) {
	if err := flatDialect(d); err != nil {
		return nil, err
	}
	p := flatProgram(d)
	if _, err := p.inputs(enc); err != nil {
		return nil, err
	}
	out := make([]string, len(p.stages[0]))
	for i, nm := range p.stages[0] {
		out[i] = nm.expr
	}
	return out, nil
}

// let is body, an expression over the references of the program's stages
// (clickhouse dialect), with each stage bound to its lambda parameter:
// stage k is a one-element array of the array of its values, mapped by a
// lambda whose parameter (ds__s<k>) is that array, nested stage in stage,
// as text binds them.
//
//	arrayElement(arrayMap(ds__s0 -> <the rest>, [[<stage 0>]]), 1)
func (p *program) let(body string) string {
	for k := len(p.stages) - 1; k >= 0; k-- {
		vals := make([]string, len(p.stages[k]))
		for i, nm := range p.stages[k] {
			vals[i] = nm.expr
		}
		body = "arrayElement(arrayMap(" + stageParam(k) + " -> " + body + ", [[" + strings.Join(vals, ", ") + "]]), 1)"
	}
	return body
}
