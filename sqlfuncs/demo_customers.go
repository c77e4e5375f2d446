//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/demo"
	"github.com/ducksight/ducksight/udf"
)

// demo_customers(n BIGINT, seed := 42): a deterministic synthetic customer
// table (engine/demo, documented in docs/demo_customers.md).

var demoTypes = map[string]udf.Type{
	"BIGINT": udf.BigInt, "INTEGER": udf.Integer, "DOUBLE": udf.Double,
	"VARCHAR": udf.Varchar, "BOOLEAN": udf.Boolean,
}

var demoCustomers = &Function{
	Name:    "demo_customers",
	Summary: "a realistic, deterministic synthetic customer table with known churn, purchase and spend models",
	Example: "CREATE TABLE customers AS SELECT * FROM demo_customers(100000);",
	Columns: func() []ColumnDoc {
		out := make([]ColumnDoc, len(demo.Columns))
		for i, c := range demo.Columns {
			out[i] = ColumnDoc{Name: c.Name, Type: c.Type, Doc: c.Doc}
		}
		return out
	}(),
	Table: &udf.TableFunc{
		Name:  "demo_customers",
		Bind:  bindDemoCustomers,
		Args:  []udf.Param{{Name: "n", Type: udf.BigInt, Doc: "number of rows", Range: udf.Between(0, float64(maxDemoRows))}},
		Named: []udf.Param{{Name: "seed", Type: udf.BigInt, Doc: "random seed; the same n and seed give the same rows", Default: demo.DefaultSeed}},
	},
}

// maxDemoRows is the most rows demo_customers makes (a few minutes of
// generation), so a typo cannot run for hours.
const maxDemoRows int64 = 100_000_000

func bindDemoCustomers(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	n, err := a.int64At(0)
	if err != nil {
		return nil, err
	}
	seed, err := a.int("seed")
	if err != nil {
		return nil, err
	}
	cols := make([]udf.Column, len(demo.Columns))
	for i, c := range demo.Columns {
		t, ok := demoTypes[c.Type]
		if !ok {
			return nil, dserr.New(dserr.Internal, a.fn, "", "column %s has unknown type %s", c.Name, c.Type)
		}
		cols[i] = udf.Column{Name: c.Name, Type: t}
	}
	return &demoBound{n: n, seed: uint64(seed), cols: cols}, nil
}

type demoBound struct {
	n    int64
	seed uint64
	cols []udf.Column
}

func (d *demoBound) Columns() []udf.Column { return d.cols }
func (d *demoBound) Close() error          { return nil }
func (d *demoBound) Cardinality() (uint64, bool) {
	return uint64(d.n), true
}

func (d *demoBound) Start(ctx context.Context) (udf.Execution, error) {
	return &demoExec{d: d}, nil
}

// demoExec emits rows in order from one thread, so a table created from it
// has customer_id in insertion order.
type demoExec struct {
	d    *demoBound
	next int64
	c    demo.Customer
}

func (e *demoExec) Threads() int { return 1 }
func (e *demoExec) Close() error { return nil }

// Column indexes, matching demo.Columns.
const (
	dcID = iota
	dcAge
	dcGender
	dcRegion
	dcPlan
	dcTenure
	dcMonthlySpend
	dcIncome
	dcVisits
	dcSupportCalls
	dcDaysSince
	dcOrders
	dcRevenue
	dcEmail
	dcChurned
	dcPurchased
	dcSpend90
	dcSegment
	dcCount
)

func (e *demoExec) Fill(ctx context.Context, out *udf.Output) error {
	m := int(min(int64(out.Capacity()), e.d.n-e.next))
	if m <= 0 {
		out.SetLen(0)
		return nil
	}
	id := out.Int64s(dcID)
	age := out.Int32s(dcAge)
	gender, hasGender := out.Strings(dcGender)
	var genderNull udf.Validity
	if hasGender {
		genderNull = out.Validity(dcGender)
	}
	region, hasRegion := out.Strings(dcRegion)
	plan, hasPlan := out.Strings(dcPlan)
	tenure := out.Int32s(dcTenure)
	spend := out.Float64s(dcMonthlySpend)
	income := out.Float64s(dcIncome)
	var incomeNull udf.Validity
	if income != nil {
		incomeNull = out.Validity(dcIncome)
	}
	visits := out.Int32s(dcVisits)
	calls := out.Int32s(dcSupportCalls)
	days := out.Int32s(dcDaysSince)
	orders := out.Int32s(dcOrders)
	revenue := out.Float64s(dcRevenue)
	email := out.Bools(dcEmail)
	churned := out.Bools(dcChurned)
	purchased := out.Bools(dcPurchased)
	spend90 := out.Float64s(dcSpend90)
	segment := out.Int32s(dcSegment)

	c := &e.c
	for j := 0; j < m; j++ {
		demo.Row(e.d.seed, e.next+int64(j), c)
		if id != nil {
			id[j] = c.ID
		}
		if age != nil {
			age[j] = c.Age
		}
		if hasGender {
			if c.GenderNull {
				genderNull.SetNull(j)
			} else {
				gender.Set(j, demo.Genders[c.Gender])
			}
		}
		if hasRegion {
			region.Set(j, demo.Regions[c.Region])
		}
		if hasPlan {
			plan.Set(j, demo.Plans[c.Plan])
		}
		if tenure != nil {
			tenure[j] = c.TenureMonths
		}
		if spend != nil {
			spend[j] = c.MonthlySpend
		}
		if income != nil {
			if c.IncomeNull {
				incomeNull.SetNull(j)
				income[j] = 0
			} else {
				income[j] = c.Income
			}
		}
		if visits != nil {
			visits[j] = c.Visits30d
		}
		if calls != nil {
			calls[j] = c.SupportCalls
		}
		if days != nil {
			days[j] = c.DaysSinceLastPurchase
		}
		if orders != nil {
			orders[j] = c.Orders12m
		}
		if revenue != nil {
			revenue[j] = c.Revenue12m
		}
		if email != nil {
			email[j] = c.EmailOptIn
		}
		if churned != nil {
			churned[j] = c.Churned
		}
		if purchased != nil {
			purchased[j] = c.PurchasedNext30d
		}
		if spend90 != nil {
			spend90[j] = c.SpendNext90d
		}
		if segment != nil {
			segment[j] = c.TrueSegment
		}
	}
	e.next += int64(m)
	out.SetLen(m)
	return nil
}
