package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
)

// Assignment is the nearest-centroid assignment of the rows of one table
// to the centroids of a k-means model, written as expressions over the
// table's own columns, for a query that reads the table directly:
//
//	SELECT <Segment> AS s, count(*), sum(<Inputs[0]>), ..., sum(<Distance2>)
//	FROM table <Join> WHERE ... GROUP BY s
//
// No subquery and no common table expression wraps the table (on a
// distributed table a wrapper would move every row to the initiator).
// The assignment is KMeans' (model_sql's): the same encoding, distances
// summed in the same order, the same nearest centroid.
//
// As in KMeans' clickhouse dialect, the stages (the inputs, the
// distances, the smallest) are arrays bound once each to a lambda
// parameter, let-style, so that the text stays linear in the model: in
// ClickHouse, Join is an ARRAY JOIN of a one-element array that binds the
// tuple of the segment, the distance and the inputs once per row, and the
// other fields read its elements; in DuckDB (list_transform's lambdas)
// Join is empty and Segment and Distance2 each stand on their own.
type Assignment struct {
	// Join follows the table in the FROM clause ("" in DuckDB).
	Join string
	// Segment is the nearest centroid's number: 1 for the first, the
	// lower number of equally near ones.
	Segment string
	// Distance2 is the squared Euclidean distance to it.
	Distance2 string
	// Inputs are the encoded inputs, in the encoder's order.
	Inputs []string
}

// flatDialect checks that d writes flat expressions (duckdb, clickhouse).
func flatDialect(d Dialect) error {
	if d != DuckDB && d != ClickHouse {
		return fmt.Errorf("flat expressions are written in the duckdb and clickhouse dialects, not %s", d)
	}
	return nil
}

// flatProgram is a program whose columns are the table's own and whose
// stages are bound by lambdas (see let).
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
	a := &Assignment{}
	if d == ClickHouse {
		a.Join = "ARRAY JOIN [" + p.let("tuple("+seg+", "+dmin+", "+strings.Join(x, ", ")+")") + "] AS ds__a"
		a.Segment, a.Distance2 = "tupleElement(ds__a, 1)", "tupleElement(ds__a, 2)"
		for j := range x {
			a.Inputs = append(a.Inputs, "tupleElement(ds__a, "+strconv.Itoa(j+3)+")")
		}
		return a, nil
	}
	a.Segment = p.let(seg)
	a.Distance2 = p.let(dmin)
	for _, nm := range p.stages[0] {
		a.Inputs = append(a.Inputs, nm.expr)
	}
	return a, nil
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

// let is body, an expression over the references of the program's stages,
// with each stage bound to its lambda parameter: stage k is a one-element
// array of the array of its values, mapped by a lambda whose parameter
// (ds__s<k>) is that array, nested stage in stage.
//
//	clickhouse: arrayElement(arrayMap(ds__s0 -> <the rest>, [[<stage 0>]]), 1)
//	duckdb:     list_transform([[<stage 0>]], lambda ds__s0: <the rest>)[1]
func (p *program) let(body string) string {
	for k := len(p.stages) - 1; k >= 0; k-- {
		vals := make([]string, len(p.stages[k]))
		for i, nm := range p.stages[k] {
			vals[i] = nm.expr
		}
		if p.d == ClickHouse {
			body = "arrayElement(arrayMap(" + stageParam(k) + " -> " + body + ", [[" + strings.Join(vals, ", ") + "]]), 1)"
		} else {
			body = "list_transform([[" + strings.Join(vals, ", ") + "]], lambda " + stageParam(k) + ": " + body + ")[1]"
		}
	}
	return body
}
