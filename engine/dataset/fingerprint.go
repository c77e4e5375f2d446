package dataset

import "fmt"

// Fingerprint identifies the data a model was fitted on independently of
// row order: the rows used and the sum of their content hashes.
type Fingerprint struct {
	Rows int64  `json:"rows"`
	Hash string `json:"hash"`
}

// NewFingerprint is the fingerprint of rows rows whose content hashes sum
// (mod 2^64) to sum.
func NewFingerprint(rows int64, sum uint64) Fingerprint {
	return Fingerprint{Rows: rows, Hash: fmt.Sprintf("%016x", sum)}
}
