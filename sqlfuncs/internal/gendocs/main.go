// Command gendocs rewrites the generated tables of docs/sql.md (each
// function's arguments and result columns, see package reference) from the
// registry of package sqlfuncs. go generate ./sqlfuncs runs it:
//
//	gendocs ../docs/sql.md
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/ducksight/ducksight/sqlfuncs"
	"github.com/ducksight/ducksight/sqlfuncs/internal/reference"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendocs FILE.md")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	md, err := reference.Rewrite(old, sqlfuncs.Docs())
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(md, old) {
		return nil
	}
	return os.WriteFile(path, md, 0o644)
}
