//go:build linux

package bigmem

import (
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// hugePage is the size of a transparent huge page on the architectures
// Go supports (x86-64 and arm64 with 4 KiB base pages).
const hugePage = 2 << 20

var pool struct {
	sync.Mutex
	free  []pooled
	bytes int64
	timer *time.Timer
}

type pooled struct {
	r     region
	freed time.Time
}

// obtain returns a region of at least n bytes (rounded up to huge pages):
// from the pool, the smallest that fits and is at most twice as large,
// else newly mapped at a huge-page boundary with huge pages advised, else
// (when mapping fails) from the Go heap.
func obtain(n int) region {
	size := (n + hugePage - 1) &^ (hugePage - 1)
	pool.Lock()
	best := -1
	for i, p := range pool.free {
		if l := len(p.r.b); l >= size && l <= 2*size && (best < 0 || l < len(pool.free[best].r.b)) {
			best = i
		}
	}
	if best >= 0 {
		r := pool.free[best].r
		pool.free = append(pool.free[:best], pool.free[best+1:]...)
		pool.bytes -= int64(len(r.mem))
		pool.Unlock()
		r.dirty = true
		return r
	}
	pool.Unlock()
	// Map one huge page more than needed, so the aligned start fits.
	m, err := syscall.Mmap(-1, 0, size+hugePage, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return heapRegion(n)
	}
	pad := int(-uintptr(unsafe.Pointer(unsafe.SliceData(m))) & (hugePage - 1))
	b := m[pad : pad+size : pad+size]
	// Advice only: without huge pages the memory works, only slower to
	// fault in.
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	return region{mem: m, b: b, mapped: true}
}

// release puts a mapped region in the pool (or unmaps it when the pool is
// full).
func release(r region) {
	if !r.mapped {
		return
	}
	pool.Lock()
	defer pool.Unlock()
	if pool.bytes+int64(len(r.mem)) > PoolMax {
		unmap(r)
		return
	}
	pool.free = append(pool.free, pooled{r, time.Now()})
	pool.bytes += int64(len(r.mem))
	if pool.timer == nil {
		pool.timer = time.AfterFunc(PoolDecay, decay)
	}
}

// decay unmaps the regions that stayed in the pool for PoolDecay, and
// comes back for the others.
func decay() {
	pool.Lock()
	defer pool.Unlock()
	pool.timer = nil
	now := time.Now()
	keep := pool.free[:0]
	var next time.Duration
	for _, p := range pool.free {
		if age := now.Sub(p.freed); age >= PoolDecay {
			unmap(p.r)
			pool.bytes -= int64(len(p.r.mem))
		} else {
			keep = append(keep, p)
			if wait := PoolDecay - age; next == 0 || wait < next {
				next = wait
			}
		}
	}
	clear(pool.free[len(keep):])
	pool.free = keep
	if len(keep) > 0 {
		pool.timer = time.AfterFunc(next, decay)
	}
}

// Trim unmaps every region in the pool now.
func Trim() {
	pool.Lock()
	defer pool.Unlock()
	for _, p := range pool.free {
		unmap(p.r)
	}
	pool.free, pool.bytes = nil, 0
	if pool.timer != nil {
		pool.timer.Stop()
		pool.timer = nil
	}
}

func unmap(r region) {
	// The whole mapping as returned by Mmap; an error would mean the
	// region was not ours.
	if err := syscall.Munmap(r.mem); err != nil {
		panic("bigmem: munmap: " + err.Error())
	}
}
