package bigmem

import (
	"runtime"
	"testing"
	"time"
	"unsafe"
)

func TestArena(t *testing.T) {
	defer Trim()
	var a Arena
	var bufs [][]byte
	sizes := []int{1, 7, 64, 1000, MinChunk / 4, MinChunk/4 + 1, 3 << 20, 100}
	for _, n := range sizes {
		b := a.Bytes(n)
		if len(b) != n || cap(b) != n {
			t.Fatalf("Bytes(%d): len %d cap %d", n, len(b), cap(b))
		}
		if p := uintptr(unsafe.Pointer(unsafe.SliceData(b))); p%align != 0 {
			t.Errorf("Bytes(%d) at %#x: not %d-byte aligned", n, p, align)
		}
		for i, v := range b {
			if v != 0 {
				t.Fatalf("Bytes(%d)[%d] = %d, want zeroed memory", n, i, v)
			}
		}
		for i := range b {
			b[i] = byte(n)
		}
		bufs = append(bufs, b)
	}
	// No two buffers overlap: each still holds what was written to it.
	for k, b := range bufs {
		for i, v := range b {
			if v != byte(sizes[k]) {
				t.Fatalf("buffer %d (size %d) was overwritten at %d", k, sizes[k], i)
			}
		}
	}
	var want int64
	for _, n := range sizes {
		want += int64(n)
	}
	if a.Used() != want {
		t.Errorf("Used() = %d, want %d", a.Used(), want)
	}
	if a.Mapped() < a.Used() {
		t.Errorf("Mapped() = %d < Used() = %d", a.Mapped(), a.Used())
	}
	f := a.Float64s(1000)
	f[999] = 1.5
	u := a.Uint64s(10)
	u[9] = 3
	a.Free()
	if a.Used() != 0 || a.Mapped() != 0 || len(a.regions) != 0 {
		t.Errorf("after Free: used %d, mapped %d, %d regions", a.Used(), a.Mapped(), len(a.regions))
	}
	// The arena works again after Free.
	if b := a.Bytes(10); len(b) != 10 {
		t.Fatal("Bytes after Free")
	}
	a.Free()
}

func TestArenaEmpty(t *testing.T) {
	var a Arena
	if len(a.Bytes(0)) != 0 || len(a.Float64s(0)) != 0 || len(a.RawUint64s(0)) != 0 {
		t.Fatal("zero-length buffers")
	}
	a.Free()
}

// Memory given back is handed out again (on Linux), zeroed unless asked
// for raw, and unmapped after PoolDecay or by Trim.
func TestArenaPool(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the pool keeps mappings, which are Linux only")
	}
	defer func(d time.Duration) { PoolDecay = d }(PoolDecay)
	PoolDecay = 200 * time.Millisecond
	Trim()
	const n = 5 << 20
	var a Arena
	b := a.Bytes(n)
	p := unsafe.SliceData(b)
	for i := range b {
		b[i] = 0xff
	}
	a.Free()
	if poolBytes() == 0 {
		t.Fatal("Free left nothing in the pool")
	}
	f := a.RawFloat64s(n / 8)
	if unsafe.Pointer(unsafe.SliceData(f)) != unsafe.Pointer(p) {
		t.Fatal("the pooled region was not handed out again")
	}
	a.Free()
	b = a.Bytes(n)
	if unsafe.SliceData(b) != p {
		t.Fatal("the pooled region was not handed out again")
	}
	for i, v := range b {
		if v != 0 {
			t.Fatalf("Bytes from the pool: byte %d is %#x, want 0", i, v)
		}
	}
	a.Free()
	deadline := time.Now().Add(5 * time.Second)
	for poolBytes() != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if k := poolBytes(); k != 0 {
		t.Errorf("%d bytes still in the pool after PoolDecay", k)
	}
	a.Bytes(n)
	a.Free()
	Trim()
	if k := poolBytes(); k != 0 {
		t.Errorf("%d bytes still in the pool after Trim", k)
	}
}

func BenchmarkFirstWrite(b *testing.B) {
	const n = 128 << 20 / 8
	b.Run("heap", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f := make([]float64, n)
			for j := range f {
				f[j] = 1
			}
		}
	})
	b.Run("arena", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var a Arena
			f := a.RawFloat64s(n)
			for j := range f {
				f[j] = 1
			}
			a.Free()
		}
	})
}

// Held counts an arena's mappings from the moment it obtains them to its
// Free, whether Free sends them to the pool or unmaps them.
func TestHeld(t *testing.T) {
	defer Trim()
	before := Held()
	var a Arena
	a.Bytes(8 << 20)
	a.Bytes(100)
	var mapped int64
	for _, r := range a.regions {
		if r.mapped {
			mapped += int64(len(r.mem))
		}
	}
	if got := Held() - before; got != mapped {
		t.Errorf("Held() grew by %d, want the %d bytes of the arena's mappings", got, mapped)
	}
	a.Free()
	if got := Held(); got != before {
		t.Errorf("Held() = %d after Free, want %d", got, before)
	}
}
