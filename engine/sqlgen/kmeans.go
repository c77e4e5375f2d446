package sqlgen

import (
	"fmt"
	"strconv"

	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
)

// KMeans returns the statement that assigns the rows of table source (a
// placeholder when empty) to the segments of a kmeans model in dialect d:
// every column of the table, then segment (1 for the first centroid, the
// lower number of equally near ones) and distance (Euclidean, in the
// encoded space), as predict does.
func KMeans(d Dialect, source string, doc *clustering.Document) (string, error) {
	if err := checkKMeans(&doc.Encoder, &doc.Model); err != nil {
		return "", err
	}
	if d == ClickHouse {
		return chKMeans(source, doc), nil
	}
	p := newProgram(d, source)
	seg, dmin, _ := p.nearest(&doc.Encoder, &doc.Model)
	// A row whose distances are not finite (a NaN or infinite value)
	// has no nearest centroid in predict either.
	p.scored = d.finite(dmin)
	p.output("segment", seg)
	p.output("distance", "sqrt("+dmin+")")
	return p.text(), nil
}

// checkKMeans checks that m has k centroids of m.Dim values and enc is a
// valid preprocessing of m.Dim inputs.
func checkKMeans(enc *features.Encoder, m *kmeans.Model) error {
	if m.K < 1 || len(m.Centroids) != m.K*m.Dim {
		return fmt.Errorf("kmeans model with k %d and %d centroid values of %d columns", m.K, len(m.Centroids), m.Dim)
	}
	if err := enc.Validate(); err != nil {
		return fmt.Errorf("preprocessing: %v", err)
	}
	if enc.Width != m.Dim {
		return fmt.Errorf("kmeans model of %d columns, the preprocessing has %d", m.Dim, enc.Width)
	}
	return nil
}

// nearest adds the stages of the nearest centroid of model m to the rows
// encoded by enc (checked by checkKMeans): the inputs, the squared
// distance to each centroid, the smallest of them (named ds__dmin); it
// returns the expression of the nearest centroid's number (1 for the
// first, the lower number of equally near ones) and the references to the
// smallest squared distance and to the inputs. KMeans (model_sql) and the
// flat assignment of a pushed-down segmentation (NearestCentroid) both
// write the duckdb and postgres assignment with it; the clickhouse
// dialect's is chNearest.
func (p *program) nearest(enc *features.Encoder, m *kmeans.Model) (seg, dmin string, x []string) {
	x, _ = p.inputs(enc)
	d := p.d
	// Squared distances summed in column order from 0, as the kernel.
	terms := make([][]string, m.K)
	for c := range m.K {
		t := make([]string, m.Dim)
		for i, v := range m.Centroid(c) {
			diff := "(" + x[i] + " - " + d.Float(v) + ")"
			t[i] = diff + " * " + diff
		}
		terms[c] = t
	}
	dist := p.sums("ds__d", nil, terms, false)
	dmin = p.add(stage{{"ds__dmin", d.least(dist)}})[0]
	seg = "CASE"
	for c, dc := range dist {
		seg += " WHEN " + dc + " = " + dmin + " THEN " + strconv.Itoa(c+1)
	}
	seg += " END"
	return seg, dmin, x
}
