//go:build duckdb_arrow && unix

package main

import "syscall"

// cpuSeconds is the user plus system CPU time of this process so far, every
// thread (Go's and DuckDB's) included.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
