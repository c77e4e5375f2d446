//go:build duckdb_arrow

package engine_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/engine"
)

func ExampleOpen() {
	ctx := context.Background()
	e, err := engine.Open(ctx, "") // in memory; a path opens or creates a file
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE customers AS SELECT * FROM demo_customers(1000)`); err != nil {
		log.Fatal(err)
	}
	var rows int64
	var mean float64
	err = db.QueryRowContext(ctx, `SELECT rows, mean FROM profile('customers') WHERE column_name = 'customer_id'`).Scan(&rows, &mean)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d customers, mean id %.1f\n", rows, mean)
	// Output: 1000 customers, mean id 500.5
}

func ExampleRegister() {
	ctx := context.Background()
	c, err := duckdb.NewConnector("", nil) // the program's own DuckDB
	if err != nil {
		log.Fatal(err)
	}
	if err := engine.Register(ctx, c); err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c) // db.Close closes c too
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE scores (id INTEGER, score DOUBLE)`); err != nil {
		log.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO scores VALUES (1, 2), (2, 4), (3, NULL), (4, 9)`); err != nil {
		log.Fatal(err)
	}
	rows, err := db.QueryContext(ctx, `SELECT column_name, nulls, mean, max FROM profile('scores')`)
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var nulls int64
		var mean, max float64
		if err := rows.Scan(&name, &nulls, &mean, &max); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d NULL, mean %g, max %g\n", name, nulls, mean, max)
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// id: 0 NULL, mean 2.5, max 4
	// score: 1 NULL, mean 5, max 9
}
