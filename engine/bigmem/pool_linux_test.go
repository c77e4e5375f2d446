//go:build linux

package bigmem

func poolBytes() int64 {
	pool.Lock()
	defer pool.Unlock()
	return pool.bytes
}
