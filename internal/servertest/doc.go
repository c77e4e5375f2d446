//go:build scaleout

// Package servertest gives the scale-out tests the servers they run against:
// two ClickHouse servers (Debian's clickhouse-server 18.16) and one
// PostgreSQL 15, started by .ci/servers and named by environment variables.
//
// The package and the tests that use it compile only under the scaleout
// build tag, which .ci/run sets in the stage that starts the servers:
//
//	bash .ci/servers start /tmp/ducksight-servers && . /tmp/ducksight-servers/env
//	go test -tags 'duckdb_arrow scaleout' -run TestScaleOut ./...
//	bash .ci/servers stop /tmp/ducksight-servers
//
// A test that calls Get fails, and never skips, when the variables are
// missing: a scale-out test that cannot reach its servers has not passed.
//
// LoadClickHouse copies a DuckDB table to the ClickHouse servers, split over
// the two shards by a hash of a key column, with Distributed tables over the
// two-shard and the one-shard clusters; LoadPostgres copies it to
// PostgreSQL. Kill and Restart stop and start a ClickHouse server, for the
// tests of a shard dying mid-training and for recovering from a server that
// crashed.
package servertest
