// Package engine is ducksight's embedding API: DuckDB with ducksight's SQL
// functions registered.
//
// Open opens (or creates) a database with every function registered;
// Register adds the functions to a DuckDB a program opened itself with
// duckdb-go. Either way the functions are usable from every connection:
//
//	e, err := engine.Open(ctx, "shop.duckdb")
//	...
//	rows, err := e.DB().QueryContext(ctx, `SELECT * FROM demo_customers(1000)`)
//
// An Engine from Open also has typed methods for the model functions:
// TrainPerceptron, Predict and Explain (streamed Arrow record batches),
// Segment, Evaluate and the curves, Profile, Models, TrainingInfo,
// DropModel, ExportModel, ImportModel. They call the same services
// (package service) as the SQL functions:
//
//	res, err := e.TrainPerceptron(ctx, "churn", "customers", engine.TrainOptions{Label: "churned"})
//	rr, err := e.Predict(ctx, "churn", "customers", engine.PredictOptions{})
//	defer rr.Release()
//
// Errors raised inside SQL functions reach Go as DuckDB errors whose text
// starts with "function: argument: " (see package dserr and docs/sql.md);
// typed Go calls return *dserr.Error values a caller tests with errors.Is.
// DuckDB itself rejects a named argument a function does not declare,
// before ducksight sees the call; QueryContext and ExecContext (DB()'s,
// with errors through SQLError) say that error in the function's terms:
// the argument meant and the function's named arguments.
package engine
