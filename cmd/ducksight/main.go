// Command ducksight runs SQL scripts on a DuckDB database with ducksight's
// machine-learning functions:
//
//	ducksight [-f FILE]... [-c SQL]... [-csv|-json|-box|...] [-bail] [DBFILE [SQL]]
//
// See `ducksight -h`. The work is done by package repl; this file only wires
// it to the process and to engine.
package main

import (
	"context"
	"database/sql"
	"os"
	"os/signal"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/repl"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		// The first Ctrl-C cancels the running statement; restoring the
		// default lets a second one end the process.
		<-ctx.Done()
		stop()
	}()
	code := repl.Main(ctx, os.Args[1:], repl.Env{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Open:    open,
		Version: engine.Version,
	})
	stop()
	os.Exit(code)
}

func open(ctx context.Context, path string) (*sql.DB, func() error, error) {
	e, err := engine.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	return e.DB(), e.Close, nil
}
