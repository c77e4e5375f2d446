//go:build duckdb_arrow

package sqlfuncs

// RegistryLen is the number of registered functions, for the tests of
// package sqlfuncs_test.
var RegistryLen = len(registry)
