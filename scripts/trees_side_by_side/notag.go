//go:build !duckdb_arrow

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "trees_side_by_side: build and run with -tags duckdb_arrow (see scripts/trees_side_by_side/README.md)")
	os.Exit(2)
}
