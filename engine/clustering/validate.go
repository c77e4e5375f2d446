package clustering

import (
	"fmt"
	"math"
)

// MaxCentroid bounds a centroid's values in magnitude, so that squared
// distances to standardised rows stay finite (a fitted centroid is a mean
// of standardised rows: nowhere near it).
const MaxCentroid = 1e150

// Validate checks a kmeans (segment) document as predict, score and the
// segment_* functions use it, so that a document that passes assigns
// segments: its format and kind, the preprocessing
// (features.Encoder.Validate: every standardisation finite and usable),
// features that name the preprocessing's columns, k x width centroids of
// at most MaxCentroid, one profile per segment and, when present,
// statistics that validate and describe the features (documents saved
// before ducksight stored statistics have none). Errors describe the
// first problem found.
func (d *Document) Validate() error {
	if d.Format < 1 || d.Format > FormatVersion {
		return fmt.Errorf("format %d is not supported (this ducksight reads up to %d)", d.Format, FormatVersion)
	}
	if d.Kind != "kmeans" {
		return fmt.Errorf("kind %q is not kmeans", d.Kind)
	}
	if err := d.Encoder.ValidateDocument(d.Features); err != nil {
		return err
	}
	if d.Statistics != nil {
		if err := d.Statistics.ValidateDocument(d.Features); err != nil {
			return err
		}
	}
	m := &d.Model
	if m.K < 1 || m.K != d.K || m.Dim != d.Encoder.Width || len(m.Centroids) != m.K*m.Dim || len(d.Profile) != m.K {
		return fmt.Errorf("%d segments of %d inputs with %d centroid values and %d profiles, for a preprocessing of %d inputs",
			m.K, m.Dim, len(m.Centroids), len(d.Profile), d.Encoder.Width)
	}
	for _, v := range m.Centroids {
		if !(math.Abs(v) <= MaxCentroid) {
			return fmt.Errorf("a centroid holds %v (centroids are at most %g in magnitude)", v, MaxCentroid)
		}
	}
	return nil
}
