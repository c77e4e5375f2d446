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
	if got := render(t, "box", res, RenderOptions{Width: 81}); strings.Contains(got, "…") {
		t.Errorf("a box exactly as wide as the terminal must not elide:\n%s", got)
	}
	// 40 columns: the edge and "…" take 5, so 4 columns fit: c0, c9, c1, c8.
	got := render(t, "box", res, RenderOptions{Width: 40})
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
	got = render(t, "box", res, RenderOptions{Width: 45})
	if !strings.Contains(got, "│  c0   │  c1   │  c2   │ … │  c8   │  c9   │") || !strings.Contains(got, "10 columns (5 shown)") {
		t.Errorf("Width 45:\n%s", got)
	}

	// With rows elided too, the footer says both, on two lines when one
	// would be wider than the terminal.
	got = render(t, "box", wideResult(10, 50), RenderOptions{Width: 40, MaxRows: 4})
	if !strings.Contains(got, "│     · │     · │ · │     · │     · │\n") ||
		!strings.HasSuffix(got, "├───────┴───────┴───┴───────┴───────┤\n│ 50 rows (4 shown)                 │\n│ 10 columns (4 shown)              │\n└───────────────────────────────────┘\n") {
		t.Errorf("rows and columns elided:\n%s", got)
	}
	// When one line fits the terminal, the last column widens to hold it.
	got = render(t, "box", wideResult(10, 50), RenderOptions{Width: 44, MaxRows: 4})
	if !strings.HasSuffix(got, "├───────┴───────┴───┴───────┴─────────────┤\n│ 50 rows (4 shown)  10 columns (4 shown) │\n└─────────────────────────────────────────┘\n") {
		t.Errorf("rows and columns elided, Width 44:\n%s", got)
	}
	got = render(t, "box", wideResult(10, 50), RenderOptions{Width: 60, MaxRows: 4})
	if !strings.Contains(got, "│ 50 rows (4 shown)            10 columns (6 shown) │") {
		t.Errorf("rows and columns elided, one footer line:\n%s", got)
	}

	// Table mode elides too; without rows the header decides the widths.
	got = render(t, "table", wideResult(10, 0), RenderOptions{Width: 30})
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
	got = render(t, "box", long, RenderOptions{Width: 30})
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

func TestFitColumns(t *testing.T) {
	for _, tc := range []struct {
		widths []int
		limit  int
		want   string
		cut    int
	}{
		{[]int{5, 5, 5}, 0, "[0 1 2]", 0},
		{[]int{5, 5, 5}, 25, "[0 1 2]", 0},
		{[]int{5, 5, 5}, 24, "[0 -1 2]", 0},
		{[]int{5, 5, 5}, 13, "[0 -1]", 0},
		{[]int{5, 5, 5}, 12, "[0 -1]", 4},
		{[]int{5, 20, 5}, 30, "[0 -1 2]", 0},
		{[]int{30, 1, 1}, 20, "[0 -1]", 12},
	} {
		shown, cut := fitColumns(tc.widths, tc.limit)
		if fmt.Sprint(shown) != tc.want || cut != tc.cut {
			t.Errorf("fitColumns(%v, %d) = %v, %d; want %s, %d", tc.widths, tc.limit, shown, cut, tc.want, tc.cut)
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
		{"line", nil, "a = NULL\nb = x\n\na = 1\nb = NULL\n"},
		{"line", &empty, "a = \nb = x\n\na = 1\nb = \n"},
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
