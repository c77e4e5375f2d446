package dataset

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
)

// Source is a job's data: its schema, and any number of passes over it.
type Source interface {
	Schema() *arrow.Schema
	Stream(ctx context.Context) (Reader, error)
}

// Reader is one pass. Next returns the next batch and the function that
// releases it (the caller calls it once done with the batch), or a nil
// batch at the end.
type Reader interface {
	Next() (arrow.RecordBatch, func(), error)
	Close()
}

// EachBatch streams src once, calling fn with every batch (released when
// fn returns). A cancelled ctx ends it with a Cancelled error of function
// fnName.
func EachBatch(ctx context.Context, src Source, fnName string, fn func(arrow.RecordBatch) error) error {
	r, err := src.Stream(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		rec, release, err := r.Next()
		if err != nil {
			return err
		}
		if rec == nil {
			return nil
		}
		err = fn(rec)
		release()
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return dserr.Cancel(fnName, "", err)
		}
	}
}
