//go:build duckdb_arrow

package udf_test

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/udf"
)

// scores(): one row per team, its players' scores as a
// LIST(STRUCT(name VARCHAR, score DOUBLE)) and their mean as a
// MAP(VARCHAR, DOUBLE); a team without players has NULL stats.
type scoresBound struct{}

type player struct {
	name  string
	score float64
}

var teams = [][]player{
	{{"ada", 3}, {"grace", 5}},
	{},
	{{"alan", 4}},
}

func (scoresBound) Columns() []udf.Column {
	return []udf.Column{
		{Name: "players", Type: udf.List(udf.Struct(
			udf.StructField{Name: "name", Type: udf.Varchar},
			udf.StructField{Name: "score", Type: udf.Double},
		))},
		{Name: "stats", Type: udf.Map(udf.Varchar, udf.Double)},
	}
}

func (scoresBound) Start(context.Context) (udf.Execution, error) { return &scoresExec{}, nil }
func (scoresBound) Close() error                                 { return nil }

type scoresExec struct{ done bool }

func (e *scoresExec) Threads() int { return 1 }
func (e *scoresExec) Close() error { return nil }

func (e *scoresExec) Fill(_ context.Context, out *udf.Output) error {
	if e.done {
		out.SetLen(0)
		return nil
	}
	e.done = true
	if l, ok := out.List(0); ok {
		s := l.Elem().Struct()
		names, scores := s.Field(0).Strings(), s.Field(1).Float64s()
		for i, team := range teams {
			j := l.Append(i, len(team))
			for k, p := range team {
				names.Set(j+k, p.name)
				scores.Set(j+k, p.score)
			}
		}
	}
	if m, ok := out.Map(1); ok {
		keys, vals := m.Keys().Strings(), m.Values().Float64s()
		for i, team := range teams {
			if len(team) == 0 {
				m.SetNull(i)
				continue
			}
			sum := 0.0
			for _, p := range team {
				sum += p.score
			}
			j := m.Append(i, 1)
			keys.Set(j, "mean")
			vals.Set(j, sum/float64(len(team)))
		}
	}
	out.SetLen(len(teams))
	return nil
}

// A table function writing a LIST of STRUCT and a MAP column.
func ExampleOutput_List() {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		panic(err)
	}
	scores := &udf.TableFunc{Name: "scores", Bind: func(*udf.BindContext) (udf.Bound, error) { return scoresBound{}, nil }}
	if _, err := udf.Attach(context.Background(), c, scores); err != nil {
		panic(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	rows, err := db.Query(`SELECT players::VARCHAR, coalesce(stats::VARCHAR, 'NULL') FROM scores()`)
	if err != nil {
		panic(err)
	}
	defer rows.Close()
	for rows.Next() {
		var players, stats string
		if err := rows.Scan(&players, &stats); err != nil {
			panic(err)
		}
		fmt.Println(players, stats)
	}
	// Output:
	// [{'name': ada, 'score': 3.0}, {'name': grace, 'score': 5.0}] {mean=4.0}
	// [] NULL
	// [{'name': alan, 'score': 4.0}] {mean=4.0}
}
