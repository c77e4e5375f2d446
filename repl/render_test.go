package repl

import (
	"errors"
	"flag"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

var update = flag.Bool("update", false, "rewrite testdata/render/*.golden from the current output (review the diff!)")

func dec(v int64, width, scale uint8) duckdb.Decimal {
	return duckdb.Decimal{Width: width, Scale: scale, Value: big.NewInt(v)}
}

// fixture is a result set as duckdb-go scans it: every kind of value the
// renderers treat differently, NULLs, wide characters and characters that
// need quoting or escaping.
var fixture = Result{
	Columns: []Column{
		{"id", "INTEGER"}, {"name", "VARCHAR"}, {"score", "DOUBLE"}, {"price", "DECIMAL(10,2)"},
		{"ok", "BOOLEAN"}, {"tags", "VARCHAR[]"}, {"born", "DATE"}, {"info", `STRUCT("b" INTEGER, "a" VARCHAR)`},
	},
	Rows: [][]any{
		{int32(1), "alice", 0.5, dec(1230, 10, 2), true, []any{"x", "y z"},
			time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC), map[string]any{"b": int32(1), "a": "p"}},
		{int32(2), "日本語テキスト", 1234.5678, nil, false, []any{},
			nil, nil},
		{int32(3), nil, 1e-7, dec(-5, 10, 2), nil, []any{"", nil, "a,b"},
			time.Date(-43, 3, 15, 0, 0, 0, 0, time.UTC), map[string]any{"b": nil, "a": "q:r"}},
		{int32(-40), "say \"hi\", ok", 100.0, dec(0, 10, 2), true, nil,
			time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), map[string]any{"b": int32(2), "a": ""}},
		{int32(5), "two\nlines|pipe", math.Copysign(0, -1), dec(99999999, 10, 2), false, []any{"ü"},
			time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), map[string]any{"b": int32(3), "a": "日本"}},
	},
}

func render(t *testing.T, mode string, res Result, opts RenderOptions) string {
	t.Helper()
	var b strings.Builder
	if err := Render(&b, mode, res, opts); err != nil {
		t.Fatalf("Render(%s): %v", mode, err)
	}
	return b.String()
}

// TestRenderGolden renders the fixture in every mode and compares with
// testdata/render/MODE.golden. After a reviewed change, refresh them with
// go test -tags duckdb_arrow ./repl/ -run TestRenderGolden -update.
func TestRenderGolden(t *testing.T) {
	for _, m := range Modes() {
		t.Run(m.Name, func(t *testing.T) {
			got := render(t, m.Name, fixture, RenderOptions{})
			path := filepath.Join("testdata", "render", m.Name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("mode %s differs from %s:\n--- got\n%s--- want\n%s", m.Name, path, got, want)
			}
		})
	}
}

// TestBoxAlignment checks what the golden file shows, independently of it:
// every line of a box has the same display width, even with wide characters.
func TestBoxAlignment(t *testing.T) {
	out := render(t, "box", fixture, RenderOptions{})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4+len(fixture.Rows)+1 {
		t.Fatalf("want %d lines, got %d:\n%s", 4+len(fixture.Rows)+1, len(lines), out)
	}
	for _, l := range lines {
		if Width(l) != Width(lines[0]) {
			t.Errorf("line %q is %d columns wide, the top %d", l, Width(l), Width(lines[0]))
		}
	}
	for _, want := range []string{"│ 日本語テキスト  │", "│ two\\nlines|pipe │", "│          NULL │", "│ NULL    │", "│ int32 │", "│ decimal(10,2) │",
		"│ struct(b int32, a varchar) │", "{'b': NULL, 'a': 'q:r'}", "['', NULL, 'a,b']", "0044-03-15 (BC)"} {
		if !strings.Contains(out, want) {
			t.Errorf("box output lacks %q:\n%s", want, out)
		}
	}
}

func intRows(n int) Result {
	res := Result{Columns: []Column{{"i", "BIGINT"}, {"s", "VARCHAR"}}}
	for i := range n {
		res.Rows = append(res.Rows, []any{int64(i), strings.Repeat("x", i%3)})
	}
	return res
}

func TestBoxMaxRows(t *testing.T) {
	// The footer is wider than the columns, so the last column grows to hold it.
	got := render(t, "box", intRows(10), RenderOptions{MaxRows: 4})
	want := `┌───────┬───────────┐
│   i   │     s     │
│ int64 │  varchar  │
├───────┼───────────┤
│     0 │           │
│     1 │ x         │
│     · │ ·         │
│     · │ ·         │
│     · │ ·         │
│     8 │ xx        │
│     9 │           │
├───────┴───────────┤
│ 10 rows (4 shown) │
└───────────────────┘
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	// No elision when the result fits, and with an odd limit the extra row
	// goes to the head.
	if got := render(t, "box", intRows(4), RenderOptions{MaxRows: 4}); strings.Contains(got, "·") || strings.Contains(got, "shown") {
		t.Errorf("4 rows with MaxRows 4 elided:\n%s", got)
	}
	got = render(t, "table", intRows(100), RenderOptions{MaxRows: 5})
	for _, want := range []string{"|  0 |", "|  1 |", "|  2 |", "|  · |", "| 98 |", "| 99 |", "| 100 rows (5 shown) |"} {
		if !strings.Contains(got, want) {
			t.Errorf("table with MaxRows 5 lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "|  3 |") || strings.Contains(got, "| 97 |") {
		t.Errorf("table with MaxRows 5 shows too many rows:\n%s", got)
	}
}

func TestBoxEdgeCases(t *testing.T) {
	empty := Result{Columns: []Column{{"x", "INTEGER"}}}
	if got, want := render(t, "box", empty, RenderOptions{}), `┌────────┐
│   x    │
│ int32  │
├────────┤
│ 0 rows │
└────────┘
`; got != want {
		t.Errorf("empty box: got\n%s\nwant\n%s", got, want)
	}
	if got := render(t, "box", empty, RenderOptions{NoHeader: true}); got != "" {
		t.Errorf("empty box without header: got %q", got)
	}
	one := Result{Columns: []Column{{"x", "INTEGER"}, {"y", "VARCHAR"}}, Rows: [][]any{{int32(7), "abcdefgh"}}}
	if got, want := render(t, "box", one, RenderOptions{NoHeader: true, MaxCellWidth: 4}), `┌───┬──────┐
│ 7 │ abc… │
└───┴──────┘
`; got != want {
		t.Errorf("box without header, MaxCellWidth 4: got\n%s\nwant\n%s", got, want)
	}
	explain := Result{Columns: []Column{{"explain_key", "VARCHAR"}, {"explain_value", "VARCHAR"}},
		Rows: [][]any{{"physical_plan", "┌───┐\n│ P │\n└───┘\n"}}}
	if got, want := render(t, "box", explain, RenderOptions{}), "┌───┐\n│ P │\n└───┘\n"; got != want {
		t.Errorf("EXPLAIN in box: got\n%s\nwant\n%s", got, want)
	}
}

func TestCSV(t *testing.T) {
	res := Result{
		Columns: []Column{{"a", "VARCHAR"}, {"b,c", "VARCHAR"}, {"n", "DOUBLE"}},
		Rows: [][]any{
			{"plain", "with,comma", 1.5},
			{`with "quote"`, "line\nbreak", nil},
			{"", nil, math.Copysign(0, -1)},
			{" lead", "trail ", 1e20},
			{"cr\r", "日本", 2.0},
		},
	}
	// Records end with CRLF (RFC 4180); a line break inside a quoted field
	// stays as it is.
	want := "a,\"b,c\",n\r\n" +
		"plain,\"with,comma\",1.5\r\n" +
		"\"with \"\"quote\"\"\",\"line\nbreak\",\r\n" +
		"\"\",,-0.0\r\n" +
		"\" lead\",\"trail \",1e+20\r\n" +
		"\"cr\r\",日本,2.0\r\n"
	if got := render(t, "csv", res, RenderOptions{}); got != want {
		t.Errorf("csv: got\n%q\nwant\n%q", got, want)
	}
	if got := render(t, "csv", res, RenderOptions{NoHeader: true}); got != strings.SplitAfterN(want, "\r\n", 2)[1] {
		t.Errorf("csv without header: got\n%s", got)
	}
}

func TestJSONMode(t *testing.T) {
	res := Result{
		Columns: []Column{{"i", "INTEGER"}, {"s", "VARCHAR"}, {"l", "DOUBLE[]"}, {"t", "TIMESTAMP"}, {"m", "MAP(VARCHAR, BOOLEAN)"}},
		Rows: [][]any{
			{int32(1), "a\"b", []any{1.0, nil}, time.Date(2024, 1, 2, 3, 4, 5, 500_000_000, time.UTC), nil},
			{nil, nil, nil, nil, duckdb.Map{"y": false, "x": true}},
		},
	}
	want := `[{"i":1,"s":"a\"b","l":[1.0,null],"t":"2024-01-02T03:04:05.5","m":null},
{"i":null,"s":null,"l":null,"t":null,"m":{"x":true,"y":false}}]
`
	if got := render(t, "json", res, RenderOptions{}); got != want {
		t.Errorf("json: got\n%s\nwant\n%s", got, want)
	}
	if got := render(t, "json", Result{Columns: res.Columns}, RenderOptions{}); got != "[]\n" {
		t.Errorf("empty json: got %q, want %q", got, "[]\n")
	}
	wantLines := `{"i":1,"s":"a\"b","l":[1.0,null],"t":"2024-01-02T03:04:05.5","m":null}
{"i":null,"s":null,"l":null,"t":null,"m":{"x":true,"y":false}}
`
	if got := render(t, "jsonlines", res, RenderOptions{}); got != wantLines {
		t.Errorf("jsonlines: got\n%s\nwant\n%s", got, wantLines)
	}
}

func TestUnknownMode(t *testing.T) {
	_, err := NewRenderer(new(strings.Builder), "fancy", nil, RenderOptions{})
	if !errors.Is(err, ErrUnknownMode) || !strings.Contains(err.Error(), "box, column, csv") {
		t.Errorf("NewRenderer(fancy) = %v, want ErrUnknownMode listing the modes", err)
	}
	if _, err := NewRenderer(new(strings.Builder), "duckbox", nil, RenderOptions{}); err != nil {
		t.Errorf("duckbox is an alias of box: %v", err)
	}
}

func ExampleRender() {
	res := Result{
		Columns: []Column{{"city", "VARCHAR"}, {"people", "BIGINT"}, {"share", "DOUBLE"}},
		Rows: [][]any{
			{"東京", int64(37_400_000), 0.25},
			{"Zürich", int64(421_878), nil},
		},
	}
	Render(os.Stdout, "box", res, RenderOptions{})
	Render(os.Stdout, "list", res, RenderOptions{})
	// Output:
	// ┌─────────┬──────────┬────────┐
	// │  city   │  people  │ share  │
	// │ varchar │  int64   │ double │
	// ├─────────┼──────────┼────────┤
	// │ 東京    │ 37400000 │   0.25 │
	// │ Zürich  │   421878 │   NULL │
	// └─────────┴──────────┴────────┘
	// city|people|share
	// 東京|37400000|0.25
	// Zürich|421878|
}
