package features

import "sync"

// The batch-sized scratch slices of the encoding kernels (class indexes,
// row selections, converted values) come from pools rather than a make per
// batch: at a few KiB per batch and column they are garbage the collector
// hands back to the OS between passes, and the next batch faults the pages
// back in, which on a VM costs more than the loop that fills them.
var (
	intScratch   sync.Pool // *[]int
	int32Scratch sync.Pool // *[]int32
	floatScratch sync.Pool // *[]float64
)

// scratch returns a slice of n elements (contents undefined) from p, and
// the function that gives it back; the slice must not be used after.
func scratch[T any](p *sync.Pool, n int) ([]T, func()) {
	s, _ := p.Get().(*[]T)
	if s == nil || cap(*s) < n {
		s = new([]T)
		*s = make([]T, n)
	}
	return (*s)[:n], func() { p.Put(s) }
}
