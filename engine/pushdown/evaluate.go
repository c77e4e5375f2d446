package pushdown

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/sqlgen"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// Evaluate computes in the engine what evaluate reports for a binary
// perceptron doc trained there, over the validation rows of the plan (its
// Spec the training's: table, where, validation, label and columns): one
// GROUP BY query over the table by score bin (AUCBins equal-width bins of
// the probability) and prediction at threshold, counting the rows and the
// positives and summing the rows' log loss and squared error. The
// probability is model_sql's (sqlgen.BinaryScores), which is predict's.
// The sums are exact (the training's scale rule), so the counts do not
// depend on the shards; the log loss clips p as metrics.BinaryReport.
func Evaluate(ctx context.Context, p *Plan, doc *training.Document, threshold float64) (*metrics.Binned, error) {
	if doc.Task != task.Binary {
		return nil, dserr.New(dserr.InvalidArgument, p.fn, "", "only binary classifiers are evaluated in the engine, not a %s model", doc.Task)
	}
	if p.s.Validation == "" {
		return nil, dserr.New(dserr.InvalidArgument, p.fn, "data", "the model held out no rows (no validation :=)")
	}
	sc, err := sqlgen.BinaryScores(p.d.Dialect, doc)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, p.fn, "", err)
	}
	p.setLabel(doc.Label)
	d := p.d
	prob, y := sc.Probability, p.y
	one := d.Float(1)
	c := fmt.Sprintf("least(greatest(%s, %s), %s)", prob, d.Float(metrics.LogLossEps), d.Float(1-metrics.LogLossEps))
	rowLoss := fmt.Sprintf("-(%s * %s + (%s - %s) * %s)", y, d.Ln(c), one, y, d.Ln(one+" - "+c))
	rowSq := fmt.Sprintf("(%s - %s) * (%s - %s)", prob, y, prob, y)
	// A row's log loss is at most -ln(LogLossEps) < 35, its squared error
	// at most 1; the scale holds for the rows of any group.
	rows := doc.Metrics.ValidRows
	lossScale, ok1 := Scale(rows, 35)
	sqScale, ok2 := Scale(rows, 1)
	if !ok1 || !ok2 {
		return nil, dserr.New(dserr.Internal, p.fn, "", "no exact scale for %d rows", rows)
	}
	bin := fmt.Sprintf("least(%d, floor(%d * %s))", AUCBins-1, AUCBins, prob)
	hit := fmt.Sprintf("CASE WHEN %s >= %s THEN 1 ELSE 0 END", prob, d.Float(threshold))
	cols := []string{
		d.Text(bin) + " AS ducksight_score_bin", d.Text(hit) + " AS ducksight_hit", "count(*)", d.Text("sum(" + y + ")"),
		d.ExactSum(rowLoss, lossScale), d.ExactSum(rowSq, sqScale),
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + sc.From(p.from, p.validCond(), prob+" IS NOT NULL") + " GROUP BY ducksight_score_bin, ducksight_hit"
	res, err := p.run(ctx, "data", "of the held-out measures", q)
	if err != nil {
		return nil, err
	}
	// In bin order, so that the sums add alike whatever order the engine
	// sends the groups in.
	slices.SortFunc(res, func(a, b []*string) int {
		if c := compareNum(a[0], b[0]); c != 0 {
			return c
		}
		return compareNum(a[1], b[1])
	})
	b := &metrics.Binned{Pos: make([]float64, AUCBins), Neg: make([]float64, AUCBins)}
	loss, sq := new(big.Rat), new(big.Rat)
	for _, r := range res {
		k, h, n, pos := int(num(r[0])), count(r[1]), count(r[2]), count(r[3])
		if k < 0 || k >= AUCBins {
			return nil, dserr.New(dserr.Internal, p.fn, "", "score bin %d out of range", k)
		}
		b.Pos[k] += float64(pos)
		b.Neg[k] += float64(n - pos)
		if h == 1 {
			b.TP += pos
			b.FP += n - pos
		} else {
			b.FN += pos
			b.TN += n - pos
		}
		l, err := d.parseExact(r[4], lossScale)
		if err != nil {
			return nil, dserr.Wrap(dserr.Internal, p.fn, "", err)
		}
		s, err := d.parseExact(r[5], sqScale)
		if err != nil {
			return nil, dserr.Wrap(dserr.Internal, p.fn, "", err)
		}
		loss.Add(loss, l)
		sq.Add(sq, s)
	}
	b.LogLoss, _ = loss.Float64()
	b.Brier, _ = sq.Float64()
	return b, nil
}

// compareNum orders two numbers as text by value (NULL first).
func compareNum(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	x, y := num(a), num(b)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
