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
	"time"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/repl"
)

func main() {
	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt)
	code := repl.Main(context.Background(), os.Args[1:], repl.Env{
		Stdin:          os.Stdin,
		Stdout:         os.Stdout,
		Stderr:         os.Stderr,
		Open:           open,
		Version:        engine.Version,
		Interrupt:      interrupt,
		ResetInterrupt: func() { signal.Reset(os.Interrupt) },
		Functions:      functions(),
		Progress:       progress,
	})
	os.Exit(code)
}

// progress reports the epochs of a training run under ctx to report.
func progress(ctx context.Context, report func(repl.Progress)) context.Context {
	start := time.Now()
	return engine.WithProgress(ctx, func(ep engine.Epoch) {
		report(repl.Progress{
			Unit: ep.Unit, Epoch: ep.Epoch, Epochs: ep.Epochs, TrainLoss: ep.TrainLoss, ValidLoss: float64(ep.ValidLoss),
			Metric: float64(ep.ValidMetric), MetricName: ep.MetricName, Elapsed: time.Since(start),
		})
	})
}

// functions describes ducksight's SQL functions for the shell, from the
// registry that registers them.
func functions() []repl.FunctionInfo {
	var out []repl.FunctionInfo
	for _, d := range engine.Functions() {
		f := repl.FunctionInfo{Name: d.Name, Kind: d.Kind, Summary: d.Summary, Signature: d.Signature}
		for i, a := range d.Args {
			f.Args = append(f.Args, repl.ArgInfo{Name: a.Name, Type: a.Type, Default: a.Default, Range: a.Range, Doc: a.Doc})
			if a.Named {
				f.Named = append(f.Named, a.Name)
			}
			if a.Name == "model" && i == 0 {
				f.TakesModel = true
			}
		}
		out = append(out, f)
	}
	return out
}

func open(ctx context.Context, path string, opts ...repl.OpenOptions) (*sql.DB, func() error, error) {
	var eopts []engine.Option
	for _, o := range opts {
		if o.ReadOnly {
			eopts = append(eopts, engine.ReadOnly())
		}
	}
	e, err := engine.Open(ctx, path, eopts...)
	if err != nil {
		return nil, nil, err
	}
	return e.DB(), e.Close, nil
}
