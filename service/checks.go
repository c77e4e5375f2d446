//go:build duckdb_arrow

package service

import (
	"context"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// memoryLimit is the memory_limit of a training function (the encoded
// rows, the network, the copies kept between passes): given, when the call
// gives one; else the smaller of training.DefaultMemoryLimit and DuckDB's
// own memory_limit setting, so that SET memory_limit bounds ducksight's
// memory too. That memory is ducksight's own, outside DuckDB's buffer
// manager: the two are separate pools, each within the limit.
//
// memory_limit is a GLOBAL setting (one value for the database instance),
// so the host's own connection reads the caller's value; a value this
// function cannot read as a size (DuckDB's "unlimited") sets no ceiling.
func (e Env) memoryLimit(ctx context.Context, fn, given string) (string, error) {
	if given != "" {
		return given, nil
	}
	def := training.DefaultMemoryLimit
	v, ok, err := e.Host.GlobalSetting(ctx, "memory_limit")
	if err != nil {
		return "", dserr.Wrap(dserr.Internal, fn, "memory_limit", err)
	}
	if !ok {
		return def, nil
	}
	duck, err := dataset.ParseSize(v)
	if err != nil {
		return def, nil
	}
	if lim, _ := dataset.ParseSize(def); duck < lim {
		return v, nil
	}
	return def, nil
}

// checkWritable refuses a call that would save a model on a read-only
// database, before anything runs.
func (e Env) checkWritable(ctx context.Context, fn string) error {
	conn, err := e.Conn(ctx, fn)
	if err != nil {
		return err
	}
	writable, err := store.Writable(ctx, conn)
	conn.Close()
	if err != nil {
		return dserr.Wrap(dserr.Internal, fn, "", err)
	}
	if !writable {
		return dserr.New(dserr.Refused, fn, "model", "cannot save: the database is read-only")
	}
	return nil
}

// modelJob is what a call that saves a model (train_perceptron, segment)
// holds between DuckDB's bind and its execution: the call's model name and
// data, and the prepared data query. The caller closes it.
type modelJob struct {
	env        Env
	name, data string
	q          *udf.Query // nil with engine
	engine     string     // the engine data is a table of (engine :=), "" for a data query
}

// Close releases the prepared data query.
func (j *modelJob) Close() {
	if j.q != nil {
		j.q.Close()
	}
}

// source is where the job's data is read, as the store keeps it.
func (j *modelJob) source() *store.Source {
	return &store.Source{SearchPath: j.env.SearchPath, Engine: j.engine}
}

// jobOptions are the options of a call that saves a model: Defaults
// applies the defaults of the fields left zero, Validate checks them.
type jobOptions interface {
	Defaults()
	Validate() error
}

// bindModelJob checks a call of fn that saves a model, in this order: the
// model name, the memory limit (*limit: the given one, or "" set to the
// default, see memoryLimit), the options with their defaults applied, a
// writable database; then it prepares the data query, never running it.
func bindModelJob(ctx context.Context, env Env, fn, model, data string, limit *string, o jobOptions) (modelJob, error) {
	if err := CheckModelName(fn, model); err != nil {
		return modelJob{}, err
	}
	var err error
	if *limit, err = env.memoryLimit(ctx, fn, *limit); err != nil {
		return modelJob{}, err
	}
	o.Defaults()
	if err := o.Validate(); err != nil {
		return modelJob{}, err
	}
	if err := env.checkWritable(ctx, fn); err != nil {
		return modelJob{}, err
	}
	q, err := env.Prepare(ctx, fn, "data", data)
	if err != nil {
		return modelJob{}, err
	}
	return modelJob{env: env, name: model, data: data, q: q}, nil
}
