//go:build duckdb_arrow

package sqlfuncs

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/engine/training"
)

// BenchmarkTrainLogistic: logistic model (hidden := []) on a 1M x 16 DOUBLE
// table. Reports the first epoch (ingest, fitting and encoding included)
// and each later epoch as ratios to DuckDB's SELECT sum(c1)+...+sum(c16)
// over the same table, measured in the same run (targets: <= 6x, <= 3x);
// then predict consumed by sum(probability), and sum(score('m', t)),
// against the hand-written SQL of the same model (target <= 2x each).
// Medians of 5 alternating repeats.
//
//	go test -tags duckdb_arrow -run '^$' -bench TrainLogistic -benchtime 1x ./sqlfuncs/
func BenchmarkTrainLogistic(b *testing.B) {
	db := openBench(b)
	createWideTable(b, db, "wide", 1_000_000)
	var sums []string
	for i := 1; i <= 16; i++ {
		sums = append(sums, fmt.Sprintf("sum(c%d)", i))
	}
	baseSQL := `SELECT ` + strings.Join(sums, "+") + ` FROM wide`
	timeIt := func(q string, dst ...any) time.Duration {
		t0 := time.Now()
		if err := db.QueryRow(q).Scan(dst...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		return time.Since(t0)
	}
	var inTrain []time.Duration // the part of each training inside training.Train
	train := func(epochs int) (time.Duration, float64) {
		var auc, secs float64
		d := timeIt(fmt.Sprintf(`SELECT valid_metric, seconds FROM train_perceptron('m', 'wide', label := 'y', epochs := %d, early_stopping := false)`, epochs), &auc, &secs)
		if epochs == 1 {
			inTrain = append(inTrain, time.Duration(secs*float64(time.Second)))
		}
		return d, auc
	}
	for n := 0; n < b.N; n++ {
		var tb, t1, t6 []time.Duration
		var auc float64
		var s float64
		for r := 0; r < 5; r++ {
			tb = append(tb, timeIt(baseSQL, &s))
			d1, _ := train(1)
			t1 = append(t1, d1)
			var d6 time.Duration
			d6, auc = train(6)
			t6 = append(t6, d6)
		}
		base, first, six := med(tb), med(t1), med(t6)
		later := (six - first) / 5
		b.ReportMetric(float64(first)/float64(base), "x-first-epoch")
		b.ReportMetric(float64(later)/float64(base), "x-later-epoch")
		b.ReportMetric(auc, "valid-auc")
		b.Logf("duckdb sum %v; train 1 epoch %v (%.1fx, target <= 6x; %v of it in training.Train); each later epoch %v (%.1fx, target <= 3x); valid AUC %.4f",
			base, first, float64(first)/float64(base), med(inTrain), later, float64(later)/float64(base), auc)

		// predict against the hand-written SQL of the same model.
		var doc string
		if err := db.QueryRow(`SELECT document::VARCHAR FROM ducksight.models WHERE name = 'm' ORDER BY version DESC LIMIT 1`).Scan(&doc); err != nil {
			b.Fatal(err)
		}
		var d training.Document
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			b.Fatal(err)
		}
		layer := d.Network.Layers[0]
		terms := []string{fmt.Sprintf("%.17g", layer.B[0])}
		for k, c := range d.Encoder.Columns {
			terms = append(terms, fmt.Sprintf("%.17g * ((%s - %.17g) / %.17g)", layer.W[c.Offset], c.Name, c.Mean, c.Std))
			_ = k
		}
		handSQL := `SELECT sum(1 / (1 + exp(-(` + strings.Join(terms, " + ") + `)))) FROM wide`
		var tp, th, ts []time.Duration
		var sp, sh, ss float64
		for r := 0; r < 5; r++ {
			th = append(th, timeIt(handSQL, &sh))
			tp = append(tp, timeIt(`SELECT sum(probability) FROM predict('m', 'wide')`, &sp))
			ts = append(ts, timeIt(`SELECT sum(score('m', t)) FROM wide t`, &ss))
		}
		for _, got := range []float64{sp, ss} {
			if d := got - sh; d > 1e-6*sh || d < -1e-6*sh {
				b.Fatalf("predict sum %v, score sum %v, hand-written SQL %v", sp, ss, sh)
			}
		}
		hp, hh, hs := med(tp), med(th), med(ts)
		b.ReportMetric(float64(hp)/float64(hh), "x-predict")
		b.ReportMetric(float64(hs)/float64(hh), "x-score")
		// evaluate over the same rows against predict (target <= 3x).
		var te, tq []time.Duration
		var auc2, s2 float64
		for r := 0; r < 5; r++ {
			tq = append(tq, timeIt(`SELECT sum(probability) FROM predict('m', 'wide')`, &s2))
			te = append(te, timeIt(`SELECT roc_auc FROM evaluate('m', 'wide')`, &auc2))
		}
		if !(auc2 > 0.8) {
			b.Fatalf("evaluate AUC %v", auc2)
		}
		he, hq := med(te), med(tq)
		b.ReportMetric(float64(he)/float64(hq), "x-evaluate-vs-predict")
		b.Logf("evaluate %v vs predict + sum(probability) %v: %.2fx (target <= 3x); AUC on the training rows %.4f", he, hq, float64(he)/float64(hq), auc2)
		b.Logf("predict + sum(probability) %v vs hand-written SQL %v: %.2fx (target <= 2x); sum(score('m', t)) %v: %.2fx (target <= 2x)",
			hp, hh, float64(hp)/float64(hh), hs, float64(hs)/float64(hh))
	}
}

// BenchmarkCrossValidateLogistic: cross_validate of a logistic model
// (perceptron, hidden := [], its default solver) with 5 folds on
// BenchmarkTrainLogistic's 1M x 16 DOUBLE table, against one
// train_perceptron with the same arguments on the same rows, measured in
// the same run (target: <= 6x): the median of 5 alternating repeats'
// ratios.
//
//	go test -tags duckdb_arrow -run '^$' -bench CrossValidateLogistic -benchtime 1x ./sqlfuncs/
func BenchmarkCrossValidateLogistic(b *testing.B) {
	db := openBench(b)
	createWideTable(b, db, "wide", 1_000_000)
	timeIt := func(q string, dst ...any) time.Duration {
		t0 := time.Now()
		rows, err := db.Query(q)
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := rows.Scan(dst...); err != nil {
				b.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		return time.Since(t0)
	}
	const args = `label := 'y', memory_limit := '2GB'`
	trainSQL := `SELECT valid_metric FROM train_perceptron('m', 'wide', ` + args + `)`
	cvSQL := `SELECT roc_auc FROM cross_validate('perceptron', 'wide', folds := 5, ` + args + `) WHERE fold = 'mean'`
	for n := 0; n < b.N; n++ {
		var tt, tc []time.Duration
		var auc, cvAUC float64
		for r := 0; r < 5; r++ {
			tt = append(tt, timeIt(trainSQL, &auc))
			tc = append(tc, timeIt(cvSQL, &cvAUC))
		}
		if !(cvAUC > 0.8) || math.Abs(cvAUC-auc) > 0.01 {
			b.Fatalf("cross-validated AUC %v, one training's validation AUC %v", cvAUC, auc)
		}
		// The median of each repeat's own ratio: a repeat's two runs are
		// next to each other, so a shared machine's load weighs on both.
		ratios := make([]float64, len(tt))
		for r := range tt {
			ratios[r] = float64(tc[r]) / float64(tt[r])
		}
		slices.Sort(ratios)
		ratio := ratios[len(ratios)/2]
		b.ReportMetric(ratio, "x-cross-validate")
		b.ReportMetric(cvAUC, "cv-auc")
		b.Logf("train_perceptron %v (median; runs %v); cross_validate 5 folds %v (runs %v); ratios %.2f: median %.2fx (target <= 6x); mean fold AUC %.4f, validation AUC %.4f",
			med(tt), tt, med(tc), tc, ratios, ratio, cvAUC, auc)
	}
}
