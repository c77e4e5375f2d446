//go:build duckdb_arrow

package udf

import (
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// scratch is the allocator of the buffers the bridge copies a scalar
// function's input into: memory for a chunk's column (VectorSize values of
// up to 8 bytes, with the room arrow-go's buffers round up to) comes from a
// pool and goes back to it when the buffer's last Release frees it, so the
// copy costs no allocation or zeroing per chunk; anything larger comes
// from Go's allocator.
var scratch memory.Allocator = &poolAllocator{size: 8*VectorSize + 64}

type poolAllocator struct {
	size int
	pool sync.Pool
}

func (p *poolAllocator) Allocate(n int) []byte {
	if n > p.size {
		return make([]byte, n)
	}
	if b, ok := p.pool.Get().(*[]byte); ok {
		return (*b)[:n]
	}
	return make([]byte, n, p.size)
}

func (p *poolAllocator) Reallocate(n int, b []byte) []byte {
	if n <= cap(b) {
		return b[:n]
	}
	nb := p.Allocate(n)
	copy(nb, b)
	p.Free(b)
	return nb
}

func (p *poolAllocator) Free(b []byte) {
	if cap(b) == p.size {
		b = b[:0]
		p.pool.Put(&b)
	}
}
