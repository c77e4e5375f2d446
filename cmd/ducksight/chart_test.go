package main

import (
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestChartRealResults charts real results through the binary: the AUC in
// the ROC chart's title (trapezoid rule over roc_curve's points) matches
// evaluate's exact roc_auc of the same model, and every chart kind is
// written as a PNG that decodes to 640x480, with a message naming it.
func TestChartRealResults(t *testing.T) {
	dir := t.TempDir()
	script := `CREATE TABLE customers AS SELECT * FROM demo_customers(6000);
CREATE TABLE parts AS SELECT * FROM split('customers', fractions := [0.7, 0.3], by := ['customer_id']);
CREATE TABLE train AS SELECT * EXCLUDE (split) FROM parts WHERE split = 1;
CREATE TABLE holdout AS SELECT * EXCLUDE (split) FROM parts WHERE split = 2;
CREATE TABLE runs AS SELECT * FROM train_perceptron('churn', 'train', label := 'churned',
  exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'], epochs := 8);
SELECT count(*) FROM segment('rfm', $$SELECT customer_id, days_since_last_purchase, orders_12m, revenue_12m FROM customers$$, exclude := ['customer_id']);
.mode csv
SELECT roc_auc FROM evaluate('churn', 'holdout');
.mode box
SELECT * FROM roc_curve('churn', 'holdout', points := 1001);
.chart
.chart roc.png
SELECT * FROM calibration('churn', 'holdout');
.chart calibration.png
SELECT * FROM lift('churn', 'holdout');
.chart lift.png
SELECT epoch, train_loss, valid_loss FROM training_info('churn');
.chart training_info.png
SELECT * FROM feature_importance('churn', 'holdout');
.chart feature_importance.png
SELECT * FROM segment_k_scores('rfm') ORDER BY k;
.chart segment_k_scores.png
SELECT * FROM evaluate('churn', 'holdout');
.chart
`
	code, out, errOut := cli(t, dir, script)
	if code != 1 || strings.Count(errOut, "Error:") != 1 || !strings.Contains(errOut, "cannot chart the last result: lines need at least 2 rows; .chart draws the results of roc_curve") {
		t.Fatalf("code %d, want 1 with one error (evaluate's row); stderr:\n%s", code, errOut)
	}
	exact, err := strconv.ParseFloat(strings.TrimSpace(strings.Split(out[strings.Index(out, "roc_auc\n")+len("roc_auc\n"):], "\n")[0]), 64)
	if err != nil {
		t.Fatalf("no roc_auc in the output: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`ROC curve \(AUC (0\.\d{3})\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no AUC in the ROC chart's title:\n%s", out)
	}
	drawn, _ := strconv.ParseFloat(m[1], 64)
	// 1001 thresholds: the trapezoids differ from the exact AUC by far less
	// than the printed precision allows for.
	if d := drawn - exact; d > 0.002 || d < -0.002 {
		t.Errorf("chart AUC %v, evaluate's roc_auc %v", drawn, exact)
	}
	for _, name := range []string{"roc", "calibration", "lift", "training_info", "feature_importance", "segment_k_scores"} {
		path := name + ".png"
		fi, err := os.Stat(filepath.Join(dir, path))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !regexp.MustCompile(`(?m)^wrote ` + regexp.QuoteMeta(path) + ` \(640x480, \d+\.\d KB\)$`).MatchString(out) {
			t.Errorf("no message for %s (%d bytes) in:\n%s", path, fi.Size(), out)
		}
		f, err := os.Open(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", path, err)
		} else if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
			t.Errorf("%s is %dx%d", path, b.Dx(), b.Dy())
		}
	}
}
