//go:build !duckdb_arrow

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "lr_default: build and run with -tags duckdb_arrow, e.g. go run -tags duckdb_arrow ./scripts/lr_default")
	os.Exit(2)
}
