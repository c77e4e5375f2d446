package repl

import (
	"fmt"
	"strings"
	"testing"
)

// wideResult has n INTEGER columns c0..c(n-1) of rows rows; cell (r, c) is
// r*100+c.
func wideResult(n, rows int) Result {
	var res Result
	for c := range n {
		res.Columns = append(res.Columns, Column{fmt.Sprintf("c%d", c), "INTEGER"})
	}
	for r := range rows {
		row := make([]any, n)
		for c := range n {
			row[c] = int32(r*100 + c)
		}
		res.Rows = append(res.Rows, row)
	}
	return res
}

func TestBoxElidesColumns(t *testing.T) {
	// Each column is "│ int32 " (8) wide; 10 of them and the edge make 81.
	res := wideResult(10, 2)
	if got := render(t, "box", res, RenderOptions{}); strings.Contains(got, "…") || Width(strings.SplitN(got, "\n", 2)[0]) != 81 {
		t.Fatalf("without Width the box must keep every column:\n%s", got)
	}
	if got := render(t, "box", res, RenderOptions{MaxWidth: 81}); strings.Contains(got, "…") {
		t.Errorf("a box exactly as wide as the terminal must not elide:\n%s", got)
	}
	// 40 columns: the edge and "…" take 5, so 4 columns fit: c0, c9, c1, c8.
	got := render(t, "box", res, RenderOptions{MaxWidth: 40})
	want := `┌───────┬───────┬───┬───────┬───────┐
│  c0   │  c1   │ … │  c8   │  c9   │
│ int32 │ int32 │   │ int32 │ int32 │
├───────┼───────┼───┼───────┼───────┤
│     0 │     1 │ … │     8 │     9 │
│   100 │   101 │ … │   108 │   109 │
├───────┴───────┴───┴───────┴───────┤
│ 2 rows       10 columns (4 shown) │
└───────────────────────────────────┘
`
	if got != want {
		t.Errorf("Width 40: got\n%s\nwant\n%s", got, want)
	}
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if Width(l) > 40 {
			t.Errorf("line %q is wider than 40 columns", l)
		}
	}

	// An odd number of columns that fit: the extra one is on the left.
	got = render(t, "box", res, RenderOptions{MaxWidth: 45})
	if !strings.Contains(got, "│  c0   │  c1   │  c2   │ … │  c8   │  c9   │") || !strings.Contains(got, "10 columns (5 shown)") {
		t.Errorf("Width 45:\n%s", got)
	}

	// With rows elided too, the footer says both, on two lines when one
	// would be wider than the terminal.
	got = render(t, "box", wideResult(10, 50), RenderOptions{MaxWidth: 40, MaxRows: 4})
	if !strings.Contains(got, "│     · │     · │ · │     · │     · │\n") ||
		!strings.HasSuffix(got, "├───────┴───────┴───┴───────┴───────┤\n│ 50 rows (4 shown)                 │\n│ 10 columns (4 shown)              │\n└───────────────────────────────────┘\n") {
		t.Errorf("rows and columns elided:\n%s", got)
	}
	// When one line fits the terminal, the last column widens to hold it.
	got = render(t, "box", wideResult(10, 50), RenderOptions{MaxWidth: 44, MaxRows: 4})
	if !strings.HasSuffix(got, "├───────┴───────┴───┴───────┴─────────────┤\n│ 50 rows (4 shown)  10 columns (4 shown) │\n└─────────────────────────────────────────┘\n") {
		t.Errorf("rows and columns elided, Width 44:\n%s", got)
	}
	got = render(t, "box", wideResult(10, 50), RenderOptions{MaxWidth: 60, MaxRows: 4})
	if !strings.Contains(got, "│ 50 rows (4 shown)            10 columns (6 shown) │") {
		t.Errorf("rows and columns elided, one footer line:\n%s", got)
	}

	// Table mode elides too; without rows the header decides the widths.
	got = render(t, "table", wideResult(10, 0), RenderOptions{MaxWidth: 30})
	want = `+----+----+----+---+----+----+
| c0 | c1 | c2 | … | c8 | c9 |
+----+----+----+---+----+----+
| 0 rows                     |
| 10 columns (5 shown)       |
+----------------------------+
`
	if got != want {
		t.Errorf("table, no rows: got\n%s\nwant\n%s", got, want)
	}

	// A first column wider than the terminal is cut to fit.
	long := Result{Columns: []Column{{"text", "VARCHAR"}, {"n", "INTEGER"}}, Rows: [][]any{{strings.Repeat("abcdefghij", 5), int32(1)}}}
	got = render(t, "box", long, RenderOptions{MaxWidth: 30})
	want = `┌────────────────────────┬───┐
│          text          │ … │
│        varchar         │   │
├────────────────────────┼───┤
│ abcdefghijabcdefghija… │ … │
├────────────────────────┴───┤
│ 1 row  2 columns (1 shown) │
└────────────────────────────┘
`
	if got != want {
		t.Errorf("cut first column: got\n%s\nwant\n%s", got, want)
	}
}

func TestLayoutColumns(t *testing.T) {
	for _, tc := range []struct {
		widths []int
		limit  int
		shown  string
		sw     string
	}{
		{[]int{5, 5, 5}, 0, "[0 1 2]", "[5 5 5]"},
		{[]int{5, 5, 5}, 25, "[0 1 2]", "[5 5 5]"},
		// No column is wider than maxColWidth: the middle one goes.
		{[]int{5, 5, 5}, 24, "[0 -1 2]", "[5 1 5]"},
		{[]int{5, 5, 5}, 13, "[0 -1]", "[5 1]"},
		// The first column stays, cut to fit.
		{[]int{5, 5, 5}, 12, "[0 -1]", "[4 1]"},
		// 1+33+8+8 = 50 > 40: the wide column loses 10, to 20.
		{[]int{30, 5, 5}, 40, "[0 1 2]", "[20 5 5]"},
		{[]int{5, 300, 5}, 80, "[0 1 2]", "[5 60 5]"},
		// 91 > 70: two wide columns lose 10 each, the later one the odd
		// extra.
		{[]int{40, 40, 1}, 70, "[0 1 2]", "[30 29 1]"},
		// 101 > 65: the widest first, 60 down to 30, then both lose 3.
		{[]int{60, 30, 1}, 65, "[0 1 2]", "[27 27 1]"},
		// Shortening is not enough (4*30 < 213-80): wide columns are 20
		// wide (1+4*23+4 = 97), then the middle one goes (74), and the 6
		// columns left go back to the first.
		{[]int{50, 50, 50, 50}, 80, "[0 1 -1 3]", "[26 20 1 20]"},
		{[]int{50, 50, 50, 50}, 90, "[0 1 -1 3]", "[36 20 1 20]"},
	} {
		shown, sw := layoutColumns(tc.widths, tc.limit)
		if fmt.Sprint(shown) != tc.shown || fmt.Sprint(sw) != tc.sw {
			t.Errorf("layoutColumns(%v, %d) = %v, %v; want %s, %s", tc.widths, tc.limit, shown, sw, tc.shown, tc.sw)
		}
		if tc.limit > 13 {
			n := 1
			for _, w := range sw {
				n += w + 3
			}
			if n > tc.limit {
				t.Errorf("layoutColumns(%v, %d): %d columns wide", tc.widths, tc.limit, n)
			}
		}
	}
}

func TestNullValue(t *testing.T) {
	res := Result{Columns: []Column{{"a", "INTEGER"}, {"b", "VARCHAR"}}, Rows: [][]any{{nil, "x"}, {int32(1), nil}}}
	dash, empty, comma := "-", "", "n,a"
	for _, tc := range []struct {
		mode string
		null *string
		want string
	}{
		{"csv", nil, "a,b\r\n,x\r\n1,\r\n"},
		{"csv", &dash, "a,b\r\n-,x\r\n1,-\r\n"},
		{"csv", &comma, "a,b\r\n\"n,a\",x\r\n1,\"n,a\"\r\n"},
		{"tabs", &dash, "a\tb\n-\tx\n1\t-\n"},
		{"list", nil, "a|b\n|x\n1|\n"},
		{"list", &dash, "a|b\n-|x\n1|-\n"},
		{"line", nil, "    a = NULL\n    b = x\n\n    a = 1\n    b = NULL\n"},
		{"line", &empty, "    a = \n    b = x\n\n    a = 1\n    b = \n"},
		{"markdown", &dash, "| a   | b   |\n|----:|-----|\n|   - | x   |\n|   1 | -   |\n"},
		{"json", &dash, "[{\"a\":null,\"b\":\"x\"},\n{\"a\":1,\"b\":null}]\n"},
	} {
		if got := render(t, tc.mode, res, RenderOptions{NullValue: tc.null}); got != tc.want {
			t.Errorf("%s with NullValue %v: got %q, want %q", tc.mode, tc.null, got, tc.want)
		}
	}
	box := render(t, "box", res, RenderOptions{NullValue: &dash})
	if !strings.Contains(box, "│     - │ x       │") || strings.Contains(box, "NULL") {
		t.Errorf("box with NullValue -:\n%s", box)
	}
	if box := render(t, "table", res, RenderOptions{}); !strings.Contains(box, "| NULL | x    |") {
		t.Errorf("table keeps NULL by default:\n%s", box)
	}
}

func TestBoxShortensBeforeEliding(t *testing.T) {
	// SELECT 1 AS a, repeat('x', 300) AS long, 2 AS b on 80 columns: the
	// long column is shortened to fit, no column is left out.
	res := Result{
		Columns: []Column{{"a", "INTEGER"}, {"long", "VARCHAR"}, {"b", "INTEGER"}},
		Rows:    [][]any{{int32(1), strings.Repeat("x", 300), int32(2)}},
	}
	got := render(t, "box", res, RenderOptions{MaxWidth: 80})
	// 1 + (5+3) + (w+3) + (5+3) = 80: w = 60, 59 x and "…".
	want := "│     1 │ " + strings.Repeat("x", 59) + "… │     2 │\n"
	if !strings.Contains(got, want) || strings.Contains(got, "shown") {
		t.Errorf("got\n%s\nwant a row\n%s", got, want)
	}
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if Width(l) != 80 {
			t.Errorf("line %q is %d columns wide, want 80", l, Width(l))
		}
	}
	// Without a width (a pipe, a file) the cell stays whole.
	if got := render(t, "box", res, RenderOptions{}); !strings.Contains(got, strings.Repeat("x", 300)+" │") {
		t.Errorf("without MaxWidth:\n%s", got)
	}
}
