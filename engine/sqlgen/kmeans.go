package sqlgen

import (
	"fmt"
	"strconv"

	"github.com/ducksight/ducksight/engine/clustering"
)

// KMeans returns the statement that assigns the rows of table source (a
// placeholder when empty) to the segments of a kmeans model in dialect d:
// every column of the table, then segment (1 for the first centroid, the
// lower number of equally near ones) and distance (Euclidean, in the
// encoded space), as predict does.
func KMeans(d Dialect, source string, doc *clustering.Document) (string, error) {
	m := &doc.Model
	if m.K < 1 || len(m.Centroids) != m.K*m.Dim {
		return "", fmt.Errorf("kmeans model with k %d and %d centroid values of %d columns", m.K, len(m.Centroids), m.Dim)
	}
	p := newProgram(d, source)
	x, err := p.inputs(&doc.Encoder)
	if err != nil {
		return "", err
	}
	if len(x) != m.Dim {
		return "", fmt.Errorf("kmeans model of %d columns, the preprocessing has %d", m.Dim, len(x))
	}
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
	dmin := p.add(stage{{"ds__dmin", d.least(dist)}})[0]
	seg := "CASE"
	for c, dc := range dist {
		seg += " WHEN " + dc + " = " + dmin + " THEN " + strconv.Itoa(c+1)
	}
	seg += " END"
	// A row whose distances are not finite (a NaN or infinite value)
	// has no nearest centroid in predict either.
	p.scored = d.finite(dmin)
	p.output("segment", seg)
	p.output("distance", "sqrt("+dmin+")")
	return p.text(), nil
}
