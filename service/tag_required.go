//go:build !duckdb_arrow

package service

// ducksight needs duckdb-go's Arrow API: build, test and run with
// `-tags duckdb_arrow`, e.g. `go test -tags duckdb_arrow ./...`.
var _ = ducksight_must_be_built_with__go_build_tags_duckdb_arrow
