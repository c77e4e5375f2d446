//go:build !linux

package bigmem

func poolBytes() int64 { return 0 }
