// Package bigmem allocates the large, short-lived buffers of a training
// job (the encoded data cache, the raw copy of the data taken while the
// preprocessing is fitted) outside the Go heap.
//
// On Linux an Arena maps anonymous memory aligned to 2 MiB and advises the
// kernel to back it with transparent huge pages (MADV_HUGEPAGE, which the
// "madvise" THP mode honours): writing fresh memory is then one page fault
// per 2 MiB instead of one per 4 KiB. Elsewhere, or when mapping fails,
// the buffers come from the Go heap.
//
// An arena's memory is freed all at once by Arena.Free, into a pool that
// keeps it mapped for PoolDecay (at most PoolMax bytes), so the next
// training finds it ready: on the VMs ducksight is benchmarked on, the
// first write of 128 MiB of memory the process has not used lately costs
// 0.4 to 0.9 s (the host backs it page by page, and takes freed memory
// back within a second or two), and about 15 ms on huge pages the process
// just freed. Trim empties the pool at once.
//
// Buffers must not be used after Free: a model document, for instance,
// never holds arena memory. An Arena's owner frees it on every path
// (defer).
package bigmem
