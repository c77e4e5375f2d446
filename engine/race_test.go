//go:build duckdb_arrow && race

package engine_test

// raceEnabled tells whether the tests run under the race detector.
const raceEnabled = true
