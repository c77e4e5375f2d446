package training

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
)

// fitPass is the first pass over src: it calls observe on every batch, in
// order, and returns the number of rows.
//
// With a retainer (*keep not nil) it also copies every batch. When the
// copy has every column observe reads, observe runs on the copy in a
// goroutine of its own while the next batches are read and copied (the
// source's batch is released as soon as it is copied), and a third
// goroutine hashes the copied rows ahead for the validation split (see
// retainer.hashAhead), assuming no feature column will be dropped.
//
// When the copy outgrows the memory limit, fitPass waits for the
// goroutines, frees the copy, sets *keep to nil and observes the remaining
// batches itself.
func fitPass(ctx context.Context, src dataset.Source, keep **retainer, observe func(arrow.RecordBatch) error) (int64, error) {
	var rows int64
	type job struct {
		rec   arrow.RecordBatch
		split []uint64 // nil: no hashing ahead
	}
	var fit, hash *pipe[job]
	hashing := false
	if r := *keep; r != nil && r.complete() {
		cols, seed := r.hashCols, r.hashSeed
		fit = startPipe(func(j job) error {
			return observe(j.rec)
		})
		if r.hashCols != nil {
			hashing = true
			hash = startPipe(func(j job) error {
				features.RowHashes(j.rec, cols, seed, j.split)
				return nil
			})
		}
	}
	stop := func() error {
		err := fit.stop()
		if err2 := hash.stop(); err == nil {
			err = err2
		}
		fit, hash = nil, nil
		return err
	}
	defer stop()
	err := dataset.EachBatch(ctx, src, Fn, func(rec arrow.RecordBatch) error {
		rows += rec.NumRows()
		if r := *keep; r != nil {
			cp, fits, err := r.add(rec, rows)
			if err == nil && fits {
				if fit == nil {
					return observe(rec)
				}
				var split []uint64
				if hashing {
					split = r.split[len(r.split)-1]
				}
				fit.send(job{cp, split})
				if hash != nil {
					hash.send(job{cp, split})
				}
				return nil
			}
			// Give the copy up: the goroutines finish the batches they
			// were sent (which live in the copy), then this one goes on.
			if err := stop(); err != nil {
				return err
			}
			r.free()
			*keep = nil
		}
		return observe(rec)
	})
	if err2 := stop(); err == nil {
		err = err2
	}
	if err == nil && hashing && *keep != nil {
		(*keep).hashed = true
	}
	return rows, err
}

// pipe runs a function on values in a goroutine, in the order they are
// sent.
type pipe[T any] struct {
	ch       chan T
	done     chan struct{}
	err      error // fn's first error; later values are not passed to fn
	panicked any
	stopped  bool
}

func startPipe[T any](fn func(T) error) *pipe[T] {
	p := &pipe[T]{ch: make(chan T, 64), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		defer func() {
			if r := recover(); r != nil {
				p.panicked = r
				for range p.ch { // let the sender finish
				}
			}
		}()
		for v := range p.ch {
			if p.err == nil {
				p.err = fn(v)
			}
		}
	}()
	return p
}

// send queues v for fn; what v refers to must stay valid until stop
// returns.
func (p *pipe[T]) send(v T) { p.ch <- v }

// stop waits until fn is done with every value sent and returns its first
// error; a panic in fn is raised again here. stop may be called more than
// once, and on a nil pipe.
func (p *pipe[T]) stop() error {
	if p == nil {
		return nil
	}
	if !p.stopped {
		p.stopped = true
		close(p.ch)
		<-p.done
	}
	if p.panicked != nil {
		r := p.panicked
		p.panicked = nil
		panic(r)
	}
	return p.err
}
