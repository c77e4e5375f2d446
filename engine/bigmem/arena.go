package bigmem

import (
	"sync/atomic"
	"time"
	"unsafe"
)

// The pool (Linux) keeps the regions freed arenas give back for PoolDecay,
// so that the next training (a benchmark's repeat, the next query of a
// session) finds memory that is already mapped and backed, as an
// allocator keeps freed pages for a while (jemalloc's dirty-page decay).
// Fresh memory is costly: on a VM whose host takes freed guest memory back
// (free page reporting), the first write of each page waits for the host
// as well as for the kernel. At most PoolMax bytes are kept.
var (
	PoolDecay       = 5 * time.Second
	PoolMax   int64 = 1 << 30
)

// An Arena hands out 64-byte aligned byte, float64 and uint64 buffers and
// frees them together. Small buffers are carved from chunks that grow with
// the arena (up to MaxChunk); large ones get a region of their own. The
// zero value is an empty arena. An Arena is not safe for concurrent use,
// but the buffers it handed out may be written from several goroutines.
//
// Bytes, Float64s and Uint64s return zeroed memory. RawBytes, RawFloat64s
// and RawUint64s skip the zeroing, which costs a pass over memory the pool
// hands out again: their contents are undefined, for a caller that writes
// every element before it reads one.
type Arena struct {
	regions  []region // memory to give back, newest last
	cur      []byte   // the unused rest of the current chunk
	curDirty bool     // cur may hold old contents (a chunk from the pool)
	used     int64    // bytes handed out
	mapped   int64    // bytes obtained (mapped or allocated)
	chunk    int      // size of the next chunk
}

// region is one block of memory obtained for the arena.
type region struct {
	mem    []byte // as obtained: what is unmapped
	b      []byte // the usable, aligned part of mem
	mapped bool   // from mmap (else the Go heap)
	dirty  bool   // used before (from the pool): not zeroed
}

// Chunk sizes: the first chunk is MinChunk; each next one is twice the
// last, up to MaxChunk. A buffer larger than a quarter of the chunk size
// gets a region of its own.
const (
	MinChunk = 2 << 20
	MaxChunk = 64 << 20
	align    = 64
)

// Bytes returns n zeroed bytes (len and cap n).
func (a *Arena) Bytes(n int) []byte { return a.bytes(n, true) }

// Float64s returns n zeroed float64s (len and cap n).
func (a *Arena) Float64s(n int) []float64 { return asFloat64s(a.bytes(8*n, true)) }

// Uint64s returns n zeroed uint64s (len and cap n).
func (a *Arena) Uint64s(n int) []uint64 { return asUint64s(a.bytes(8*n, true)) }

// RawBytes returns n bytes (len and cap n) of undefined contents.
func (a *Arena) RawBytes(n int) []byte { return a.bytes(n, false) }

// RawFloat64s returns n float64s (len and cap n) of undefined contents.
func (a *Arena) RawFloat64s(n int) []float64 { return asFloat64s(a.bytes(8*n, false)) }

// RawUint64s returns n uint64s (len and cap n) of undefined contents.
func (a *Arena) RawUint64s(n int) []uint64 { return asUint64s(a.bytes(8*n, false)) }

func asFloat64s(b []byte) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/8)
}

func asUint64s(b []byte) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/8)
}

func (a *Arena) bytes(n int, zero bool) []byte {
	if n < 0 {
		panic("bigmem: negative size")
	}
	if n == 0 {
		return []byte{}
	}
	if a.chunk == 0 {
		a.chunk = MinChunk
	}
	a.used += int64(n)
	if n > a.chunk/4 {
		r := a.obtain(n)
		b := r.b[:n:n]
		if zero && r.dirty {
			clear(b)
		}
		return b
	}
	pad := int(-uintptr(unsafe.Pointer(unsafe.SliceData(a.cur))) & (align - 1))
	if len(a.cur) < pad+n {
		r := a.obtain(a.chunk)
		a.cur, a.curDirty = r.b, r.dirty
		a.chunk = min(2*a.chunk, MaxChunk)
		pad = 0
	}
	b := a.cur[pad : pad+n : pad+n]
	a.cur = a.cur[pad+n:]
	if zero && a.curDirty {
		clear(b)
	}
	return b
}

// Used is the number of bytes handed out since the arena was made or last
// freed.
func (a *Arena) Used() int64 { return a.used }

// Mapped is the number of bytes the arena holds, handed out or not (an
// upper bound of the memory it uses: pages never written cost nothing).
func (a *Arena) Mapped() int64 { return a.mapped }

// Free gives back all the arena's memory (to the pool, see Trim). Every
// buffer it handed out is invalid afterwards. The arena can be used again.
func (a *Arena) Free() {
	for i := len(a.regions) - 1; i >= 0; i-- {
		r := a.regions[i]
		if r.mapped {
			held.Add(-int64(len(r.mem)))
		}
		release(r)
	}
	*a = Arena{}
}

// held counts the bytes of the mappings arenas hold.
var held atomic.Int64

// Held returns the bytes of memory mapped outside the Go heap that arenas
// hold now (not the pool's): with the Go heap's live objects, the memory
// the process's own buffers take. It is 0 where arenas take their memory
// from the Go heap.
func Held() int64 { return held.Load() }

// obtain gets a region of at least n bytes, aligned to 64 bytes, and
// records it for Free.
func (a *Arena) obtain(n int) region {
	r := obtain(n)
	a.regions = append(a.regions, r)
	a.mapped += int64(len(r.b))
	if r.mapped {
		held.Add(int64(len(r.mem)))
	}
	return r
}

// heapRegion is the portable fallback: n bytes (plus alignment) from the
// Go heap.
func heapRegion(n int) region {
	m := make([]byte, n+align)
	pad := int(-uintptr(unsafe.Pointer(unsafe.SliceData(m))) & (align - 1))
	return region{mem: m, b: m[pad : pad+n : pad+n]}
}
