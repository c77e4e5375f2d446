package trees

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallel runs f(0) .. f(n-1) on up to GOMAXPROCS goroutines, the
// caller's among them. Every call writes only its own outputs, so results
// do not depend on the number of goroutines or the order the calls run in.
// It checks ctx before every call and returns ctx's error when it was
// cancelled.
func parallel(ctx context.Context, n int, f func(i int)) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			f(i)
		}
		return ctx.Err()
	}
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= n || ctx.Err() != nil {
				return
			}
			f(i)
		}
	}
	// The caller is one of the workers: it does not park while the others
	// run (a caller inside a DuckDB callback runs on a locked thread, which
	// the runtime would have to wake and hand a processor back to).
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	return ctx.Err()
}
