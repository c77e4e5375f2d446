//go:build duckdb_arrow && unix

package main

import (
	"testing"
	"time"
)

// On a 120-column terminal a wide cell is shortened to fit and no column
// is left out; .maxwidth 80 fits results to 80 columns instead.
func TestREPLWideCell(t *testing.T) {
	tm := startTerm(t)
	tm.waitFor(0, promptRe, 30*time.Second)
	q := "SELECT 1 AS a, repeat('x', 300) AS long, 2 AS b;\r"
	// 1 + (5+3) + (w+3) + (5+3) = 120: w = 100, 99 x and "…".
	at := tm.send(q)
	at = tm.waitFor(at, `│ +1 │ x{99}… │ +2 │`, 10*time.Second)
	tm.waitFor(at, promptRe, 5*time.Second)
	at = tm.send(".maxwidth 80\r")
	tm.waitFor(at, promptRe, 5*time.Second)
	at = tm.send(q)
	at = tm.waitFor(at, `│ +1 │ x{59}… │ +2 │`, 10*time.Second)
	tm.waitFor(at, promptRe, 5*time.Second)
}
