//go:build duckdb_arrow

package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/repl"
)

// wideScript trains, evaluates, explains and segments 2000 demo customers
// and prints each result in box mode under a "== NAME" line.
const wideScript = `CREATE TABLE c AS SELECT * FROM demo_customers(2000);
.print == train
SELECT * FROM train_perceptron('churn', 'c', label := 'churned',
	exclude := ['purchased_next_30d', 'spend_next_90d', 'true_segment'], epochs := 2);
.print == evaluate
SELECT * FROM evaluate('churn', 'c');
.print == explain
SELECT customer_id, tenure_months, plan, monthly_spend, prediction, probability, reasons
FROM explain('churn', 'c', top_k := 3) ORDER BY customer_id LIMIT 3;
.mode trash
SELECT * FROM segment('rfm', 'c', k := 3, exclude := ['churned', 'purchased_next_30d', 'spend_next_90d', 'true_segment']);
.mode box
.print == segment_profile
SELECT * FROM segment_profile('rfm');
`

// box is one box-mode result: its column names as drawn (with "…" for
// the column that stands in for those left out), its lines and its footer.
type box struct {
	lines  []string
	header []string
	cells  [][]string // the data rows' cells, trimmed
	footer string
}

func parseBox(t *testing.T, text string) box {
	t.Helper()
	b := box{lines: strings.Split(strings.TrimSuffix(text, "\n"), "\n")}
	if len(b.lines) < 5 {
		t.Fatalf("not a box:\n%s", text)
	}
	split := func(l string) []string {
		parts := strings.Split(strings.Trim(l, "│"), "│")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts
	}
	b.header = split(b.lines[1])
	for _, l := range b.lines[4:] {
		switch {
		case strings.HasPrefix(l, "├"), strings.HasPrefix(l, "└"):
		case strings.Count(l, "│") == len(b.header)+1:
			b.cells = append(b.cells, split(l))
		default:
			b.footer += strings.TrimSpace(strings.Trim(l, "│")) + "\n"
		}
	}
	return b
}

// TestWideResultsFit renders ducksight's wide results at 80 and 200
// terminal columns (.maxwidth): every line fits, long cells are shortened
// with "…" before any column is left out, and when columns must go, the
// first and last stay and the footer counts them.
func TestWideResultsFit(t *testing.T) {
	for _, width := range []int{80, 200} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			var out, errOut strings.Builder
			code := repl.Main(context.Background(), []string{"-cmd", fmt.Sprintf(".maxwidth %d", width), "-c", wideScript}, repl.Env{
				Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Open: open, Functions: functions(),
			})
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			results := map[string]box{}
			for _, sec := range strings.Split(out.String(), "== ")[1:] {
				name, text, _ := strings.Cut(sec, "\n")
				results[name] = parseBox(t, text)
			}
			first := map[string]string{"train": "model", "evaluate": "rows", "explain": "customer_id", "segment_profile": "segment"}
			last := map[string]string{"train": "seconds", "evaluate": "brier", "explain": "reasons", "segment_profile": "description"}
			total := map[string]int{"evaluate": 9, "explain": 7}
			for name := range first {
				b, ok := results[name]
				if !ok {
					t.Fatalf("no %s result in\n%s", name, out.String())
				}
				for _, l := range b.lines {
					if w := repl.Width(l); w > width {
						t.Errorf("%s: line %d columns wide: %s", name, w, l)
					}
				}
				if b.header[0] != first[name] || b.header[len(b.header)-1] != last[name] {
					t.Errorf("%s: columns %v, want the first (%s) and the last (%s)", name, b.header, first[name], last[name])
				}
				shown := len(b.header)
				for _, h := range b.header {
					if h == "…" {
						shown--
					}
				}
				if shown < len(b.header) && !strings.Contains(b.footer, fmt.Sprintf("columns (%d shown)", shown)) {
					t.Errorf("%s: %d columns shown, footer %q", name, shown, b.footer)
				}
				if n, ok := total[name]; ok && width == 200 && (shown != n || b.footer != "") {
					t.Errorf("%s at 200: columns %v, footer %q; want all %d", name, b.header, b.footer, n)
				}
			}
			// explain's reasons are long: shortened to fit, with "…",
			// and at 80 only the middle columns go.
			ex := results["explain"]
			if len(ex.cells) != 3 {
				t.Fatalf("explain: %d rows, want 3", len(ex.cells))
			}
			for _, row := range ex.cells {
				r := row[len(row)-1]
				if !strings.HasPrefix(r, "[{'feature': ") || !strings.HasSuffix(r, "…") {
					t.Errorf("explain: reasons cell %q, want it shortened with …", r)
				}
			}
			if width == 80 && (ex.header[1] != "tenure_months" || ex.header[len(ex.header)-2] != "probability") {
				t.Errorf("explain at 80: columns %v", ex.header)
			}
			// segment_profile's descriptions are shortened too.
			for _, row := range results["segment_profile"].cells {
				if d := row[len(row)-1]; !strings.HasSuffix(d, "…") {
					t.Errorf("segment_profile: description %q, want it shortened with …", d)
				}
			}
			// The training result's notes are long.
			tr := results["train"]
			if notes := tr.cells[0][len(tr.cells[0])-2]; width == 80 && !strings.HasSuffix(notes, "…") {
				t.Errorf("train at 80: columns %v, notes %q", tr.header, notes)
			}
		})
	}
}
