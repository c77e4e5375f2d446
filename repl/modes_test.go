package repl

import (
	"strings"
	"testing"
)

// small is a result whose cells need HTML escaping and SQL quoting, with a
// NULL.
var small = Result{
	Columns: []Column{{"a", "INTEGER"}, {"b", "VARCHAR"}},
	Rows:    [][]any{{int32(1), "it's"}, {nil, "<b>&"}},
}

// TestModesByHand checks the modes of the DuckDB shell against output
// derived by hand from its renderers (tools/shell/shell_renderer.cpp).
func TestModesByHand(t *testing.T) {
	for _, tc := range []struct {
		mode string
		opts RenderOptions
		want string
	}{
		// ModeColumnRenderer: widths from names and values (NULL is
		// "NULL"), two blanks between columns, the last one padded too.
		{"column", RenderOptions{}, "a     b   \n----  ----\n1     it's\nNULL  <b>&\n"},
		{"column", RenderOptions{NoHeader: true}, "1     it's\nNULL  <b>&\n"},
		// .width -6 right-aligns a in 6 columns; b keeps its own width.
		{"column", RenderOptions{ColumnWidths: []int{-6}}, "     a  b   \n------  ----\n     1  it's\n  NULL  <b>&\n"},
		{"column", RenderOptions{ColumnWidths: []int{2, 6}}, "a     b     \n----  ------\n1     it's  \nNULL  <b>&  \n"},
		// ModeHtmlRenderer: one cell a line, < & > " ' escaped.
		{"html", RenderOptions{}, "<tr><th>a</th>\n<th>b</th>\n</tr>\n<tr><td>1</td>\n<td>it&#39;s</td>\n</tr>\n<tr><td>NULL</td>\n<td>&lt;b&gt;&amp;</td>\n</tr>\n"},
		// ModeInsertRenderer: "table" is a keyword, so quoted.
		{"insert", RenderOptions{}, "INSERT INTO \"table\"(a,b) VALUES(1,'it''s');\nINSERT INTO \"table\"(a,b) VALUES(NULL,'<b>&');\n"},
		{"insert", RenderOptions{Table: "t"}, "INSERT INTO t(a,b) VALUES(1,'it''s');\nINSERT INTO t(a,b) VALUES(NULL,'<b>&');\n"},
		{"insert", RenderOptions{Table: "My T", NoHeader: true}, "INSERT INTO \"My T\" VALUES(1,'it''s');\nINSERT INTO \"My T\" VALUES(NULL,'<b>&');\n"},
		// ModeQuoteRenderer: names as strings, numbers and NULL bare.
		{"quote", RenderOptions{}, "'a','b'\n1,'it''s'\nNULL,'<b>&'\n"},
		{"quote", RenderOptions{ColSeparator: ";"}, "'a';'b'\n1;'it''s'\nNULL;'<b>&'\n"},
		// ModeLatexRenderer: r for INTEGER, l for VARCHAR; names left.
		{"latex", RenderOptions{}, "\\begin{tabular}{|rl|}\n\\hline\na    & b    \\\\\n\\hline\n1    & it's \\\\\nNULL & <b>& \\\\\n\\hline\n\\end{tabular}\n"},
		// ascii: unit and record separators.
		{"ascii", RenderOptions{}, "a\x1fb\x1e1\x1fit's\x1e\x1f<b>&\x1e"},
		{"trash", RenderOptions{}, ""},
		// .separator in list, tabs, csv and line mode.
		{"list", RenderOptions{ColSeparator: ";"}, "a;b\n1;it's\n;<b>&\n"},
		{"list", RenderOptions{ColSeparator: ", ", RowSeparator: "|\n"}, "a, b|\n1, it's|\n, <b>&|\n"},
		{"tabs", RenderOptions{RowSeparator: "\r\n"}, "a\tb\r\n1\tit's\r\n\t<b>&\r\n"},
		{"csv", RenderOptions{ColSeparator: "'"}, "a'b\r\n1'\"it's\"\r\n'<b>&\r\n"},
		// ModeLineRenderer: names right-aligned to at least 5.
		{"line", RenderOptions{}, "    a = 1\n    b = it's\n\n    a = NULL\n    b = <b>&\n"},
		{"line", RenderOptions{RowSeparator: ";"}, "    a = 1;    b = it's;;    a = NULL;    b = <b>&;"},
	} {
		if got := render(t, tc.mode, small, tc.opts); got != tc.want {
			t.Errorf("%s %+v:\ngot  %q\nwant %q", tc.mode, tc.opts, got, tc.want)
		}
	}
	long := Result{Columns: []Column{{"a_long_name", "INTEGER"}}, Rows: [][]any{{int32(7)}}}
	if got, want := render(t, "line", long, RenderOptions{}), "a_long_name = 7\n"; got != want {
		t.Errorf("line: got %q, want %q", got, want)
	}
}

func TestInsertQuotesKeywords(t *testing.T) {
	// In a session insert mode knows DuckDB's keywords: "order" is one.
	out, errOut, _ := run(t, "i.sql", ".mode insert\nSELECT 1 AS \"order\", 'x' AS plain, 2 AS \"Mixed\";\n.mode insert t\nSELECT 'a\nb' AS s;\n", nil)
	want := "INSERT INTO \"table\"(\"order\",plain,\"Mixed\") VALUES(1,'x',2);\nINSERT INTO t(s) VALUES(concat('a', chr(10), 'b'));\n"
	if out != want || errOut != "" {
		t.Errorf("got %q (stderr %q), want %q", out, errOut, want)
	}
}

func TestDotSeparator(t *testing.T) {
	out, errOut, failures := run(t, "s.sql", `.mode list
.separator ;
SELECT 1 AS a, 2 AS b;
.separator , " |\n"
SELECT 3 AS a, 4 AS b;
.mode list
SELECT 5 AS a, 6 AS b;
.mode csv
.separator ;
SELECT 'x;y' AS a, 7 AS b;
.separator
`, nil)
	want := "a;b\n1;2\na,b |\n3,4 |\na|b\n5|6\na;b\n\"x;y\";7\n"
	if out != want || failures != 1 || !strings.Contains(errOut, "s.sql:11: Error: usage: .separator COL [ROW]") {
		t.Errorf("stdout %q, want %q; failures=%d stderr=%q", out, want, failures, errOut)
	}
}

func TestDotShow(t *testing.T) {
	out, _, _ := run(t, "s.sql", ".show\n.mode csv\n.headers off\n.nullvalue -\n.width 5 -3\n.separator ; \"\\t\"\n.show\n", nil)
	want := `        echo: off
     headers: on
        mode: box
   nullvalue: "NULL"
      output: stdout
colseparator: "|"
rowseparator: "\n"
       width: 
    filename: :memory:
        echo: off
     headers: off
        mode: csv
   nullvalue: "-"
      output: stdout
colseparator: ";"
rowseparator: "\t"
       width: 5 -3 
    filename: :memory:
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if got := cString("a\x1f\"\\é"); got != `"a\037\"\\\303\251"` {
		t.Errorf("cString = %s", got)
	}
}

func TestDotColumnsRows(t *testing.T) {
	src := ".columns\nSELECT 1 AS id, 'x' AS name UNION ALL SELECT 2, NULL ORDER BY id;\n.rows\nSELECT 3 AS id;\n"
	out, errOut, _ := run(t, "c.sql", src, nil)
	want := `┌────────┬─────────┬───────┬───────┐
│ Column │  Type   │ Row 1 │ Row 2 │
├────────┼─────────┼───────┼───────┤
│ id     │ int32   │ 1     │ 2     │
│ name   │ varchar │ x     │ NULL  │
└────────┴─────────┴───────┴───────┘
┌───────┐
│  id   │
│ int32 │
├───────┤
│     3 │
└───────┘
`
	if out != want || errOut != "" {
		t.Errorf("got\n%s\nwant\n%s\nstderr %q", out, want, errOut)
	}
	// With rows left out, the shown ones keep their numbers and the footer
	// says how many there are.
	got := render(t, "box", wideResult(2, 5), RenderOptions{Columns: true, MaxRows: 2})
	if !strings.Contains(got, "│ Column │ Type  │ Row 1 │ Row 5 │") || !strings.Contains(got, "│ c1     │ int32 │ 1     │ 401   │") || !strings.Contains(got, "5 rows (2 shown)") {
		t.Errorf("columns with rows left out:\n%s", got)
	}
}

func TestDotWidthAndMaxWidth(t *testing.T) {
	out, errOut, failures := run(t, "w.sql", `.mode column
.width 4 -5
SELECT 1 AS a, 'x' AS b;
.width
SELECT 1 AS a;
.mode box
.maxwidth 80
.maxwidth
SELECT 1 AS a, repeat('x', 300) AS long, 2 AS b;
.width x
.maxwidth -1
`, nil)
	want := "a         b\n----  -----\n1         x\na\n-\n1\ncurrent max width: 80\n"
	if !strings.HasPrefix(out, want) || failures != 2 {
		t.Fatalf("got\n%s\nwant it to start with\n%s\nfailures=%d stderr=%s", out, want, failures, errOut)
	}
	box := strings.TrimPrefix(out, want)
	if !strings.Contains(box, "│ "+strings.Repeat("x", 59)+"… │") || strings.Contains(box, "shown") {
		t.Errorf(".maxwidth 80: a, the long column shortened and b:\n%s", box)
	}
	for _, l := range strings.Split(strings.TrimSuffix(box, "\n"), "\n") {
		if Width(l) != 80 {
			t.Errorf("line %q is %d columns wide, want 80", l, Width(l))
		}
	}
}

func TestMainModeFlags(t *testing.T) {
	q := "SELECT 1 AS a, NULL AS b"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-column"}, "a  b   \n-  ----\n1  NULL\n"},
		{[]string{"-line"}, "    a = 1\n    b = NULL\n"},
		{[]string{"-list"}, "a|b\n1|\n"},
		{[]string{"-html"}, "<tr><th>a</th>\n<th>b</th>\n</tr>\n<tr><td>1</td>\n<td>NULL</td>\n</tr>\n"},
		{[]string{"-ascii"}, "a\x1fb\x1e1\x1f\x1e"},
		{[]string{"-markdown"}, "| a   | b    |\n|----:|-----:|\n|   1 | NULL |\n"},
		{[]string{"-list", "-separator", ";", "-nullvalue", "-"}, "a;b\n1;-\n"},
		// A mode flag after -separator resets it, as .mode does.
		{[]string{"-separator", ";", "-csv"}, "a,b\n1,\n"},
		{[]string{"-quote"}, "'a','b'\n1,NULL\n"},
	} {
		code, out, errOut := runMain(t, "", append(tc.args, "-c", q)...)
		if code != 0 || out != tc.want {
			t.Errorf("%v: code=%d stdout=%q, want %q; stderr=%q", tc.args, code, out, tc.want, errOut)
		}
	}
}
