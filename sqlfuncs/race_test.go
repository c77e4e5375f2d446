//go:build duckdb_arrow && race

package sqlfuncs

// raceEnabled tells whether the tests run under the race detector.
const raceEnabled = true
