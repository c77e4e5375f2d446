//go:build duckdb_arrow

package sqlfuncs

// The defaults of the arguments whose default neither a kernel nor a
// service applies yet, each declared once: the argument's udf.Param.Default
// holds it, and the typed readers of args.go return it for an absent
// argument (the others are named constants of the code that applies them,
// e.g. training.DefaultEpochs, service.DefaultThreshold).
const (
	defaultMinSize = 10 // segment_profile: smaller segments report their size only
)
