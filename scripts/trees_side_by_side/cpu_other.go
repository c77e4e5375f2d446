//go:build duckdb_arrow && !unix

package main

// cpuSeconds is unknown (-1) here: the CPU-time figures need getrusage.
func cpuSeconds() float64 { return -1 }
