// Command demo_csv writes rows of the demo customer table (engine/demo) as
// CSV on standard output, followed by three columns with the true model
// values: p_churned, p_purchased_next_30d and e_spend_next_90d. NULLs are
// empty fields. It feeds scripts/demo_sklearn.py.
//
//	go run ./scripts/demo_csv -n 150000 -seed 42 > demo.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/ducksight/ducksight/engine/demo"
)

func main() {
	n := flag.Int64("n", 150000, "number of rows")
	seed := flag.Uint64("seed", 42, "seed")
	flag.Parse()
	if err := write(os.Stdout, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "demo_csv:", err)
		os.Exit(1)
	}
}

func write(f *os.File, n int64, seed uint64) error {
	w := bufio.NewWriterSize(f, 1<<20)
	for k, col := range demo.Columns {
		if k > 0 {
			w.WriteByte(',')
		}
		w.WriteString(col.Name)
	}
	w.WriteString(",p_churned,p_purchased_next_30d,e_spend_next_90d\n")
	var c demo.Customer
	var b []byte
	for i := int64(0); i < n; i++ {
		demo.Row(seed, i, &c)
		b = b[:0]
		b = strconv.AppendInt(b, c.ID, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c.Age), 10)
		b = append(b, ',')
		if !c.GenderNull {
			b = append(b, demo.Genders[c.Gender]...)
		}
		b = append(b, ',')
		b = append(b, demo.Regions[c.Region]...)
		b = append(b, ',')
		b = append(b, demo.Plans[c.Plan]...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c.TenureMonths), 10)
		b = append(b, ',')
		b = strconv.AppendFloat(b, c.MonthlySpend, 'g', -1, 64)
		b = append(b, ',')
		if !c.IncomeNull {
			b = strconv.AppendFloat(b, c.Income, 'g', -1, 64)
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c.Visits30d), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c.SupportCalls), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c.DaysSinceLastPurchase), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c.Orders12m), 10)
		b = append(b, ',')
		b = strconv.AppendFloat(b, c.Revenue12m, 'g', -1, 64)
		b = append(b, ',')
		b = strconv.AppendBool(b, c.EmailOptIn)
		b = append(b, ',')
		b = strconv.AppendBool(b, c.Churned)
		b = append(b, ',')
		b = strconv.AppendBool(b, c.PurchasedNext30d)
		b = append(b, ',')
		b = strconv.AppendFloat(b, c.SpendNext90d, 'g', -1, 64)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c.TrueSegment), 10)
		b = append(b, ',')
		b = strconv.AppendFloat(b, demo.ChurnProbability(&c), 'g', 10, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, demo.PurchaseProbability(&c), 'g', 10, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, demo.ExpectedSpendNext90d(&c), 'g', 10, 64)
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return w.Flush()
}
