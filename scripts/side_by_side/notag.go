//go:build !duckdb_arrow

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "side_by_side: build and run with -tags duckdb_arrow, e.g. go run -tags duckdb_arrow ./scripts/side_by_side quality")
	os.Exit(2)
}
