//go:build duckdb_arrow

package service

import (
	"context"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
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
