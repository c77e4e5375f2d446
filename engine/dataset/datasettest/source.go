// Package datasettest is the test double of package dataset: a Source
// over record batches held in memory.
package datasettest

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/dataset"
)

// Source is a dataset.Source over record batches held in memory. Every
// Stream hands out the same batches, in order, each retained for the
// reader and released by the release function Next returns. The Source
// owns Batches: Release releases them.
type Source struct {
	schema  *arrow.Schema
	Batches []arrow.RecordBatch
	// Streams counts the passes started (calls of Stream).
	Streams int
}

// New returns a Source of schema over batches (which it takes over).
func New(schema *arrow.Schema, batches ...arrow.RecordBatch) *Source {
	return &Source{schema: schema, Batches: batches}
}

// Schema is the schema New was given.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// Stream starts a pass over the batches.
func (s *Source) Stream(ctx context.Context) (dataset.Reader, error) {
	s.Streams++
	return &reader{s: s}, nil
}

// Release releases the batches.
func (s *Source) Release() {
	for _, b := range s.Batches {
		b.Release()
	}
}

type reader struct {
	s *Source
	i int
}

func (r *reader) Next() (arrow.RecordBatch, func(), error) {
	if r.i >= len(r.s.Batches) {
		return nil, nil, nil
	}
	b := r.s.Batches[r.i]
	r.i++
	b.Retain()
	return b, b.Release, nil
}

func (r *reader) Close() {}
