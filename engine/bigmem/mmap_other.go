//go:build !linux

package bigmem

// obtain takes n bytes from the Go heap: huge-page mappings are Linux
// only.
func obtain(n int) region { return heapRegion(n) }

// release leaves heap memory to the garbage collector.
func release(region) {}

// Trim does nothing: without mappings there is no pool.
func Trim() {}
