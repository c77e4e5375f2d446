package repl

import (
	"fmt"
	"reflect"
	"testing"
)

// st builds an expected complete SQL statement.
func st(line int, text string) Statement { return Statement{Text: text, Line: line, Complete: true} }

func dot(line int, text string) Statement {
	return Statement{Text: text, Line: line, Dot: true, Complete: true}
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		name string
		src  string
		want []Statement
	}{
		{"empty", "", nil},
		{"blanks and comments only", "  \n-- c\n/* x; */\n ;; \n", nil},
		{"one", "SELECT 1;", []Statement{st(1, "SELECT 1;")}},
		{"two on a line", "SELECT 1; SELECT 2;", []Statement{st(1, "SELECT 1;"), st(1, "SELECT 2;")}},
		{"trailing without semicolon", "SELECT 1;\nSELECT 2\n\n",
			[]Statement{st(1, "SELECT 1;"), {Text: "SELECT 2", Line: 2}}},
		{"multi-line statement starts at its first line",
			"\n\nSELECT\n  1,\n  2;\nSELECT 3;",
			[]Statement{st(3, "SELECT\n  1,\n  2;"), st(6, "SELECT 3;")}},
		{"leading comments are skipped and counted",
			"-- header\n/* block\n   comment */\n  SELECT 1; -- tail\n\n-- c\nSELECT 2;",
			[]Statement{st(4, "SELECT 1;"), st(7, "SELECT 2;")}},
		{"comment inside statement is kept",
			"SELECT 1 -- one; not the end\n, 2;",
			[]Statement{st(1, "SELECT 1 -- one; not the end\n, 2;")}},
		{"semicolon in string", "SELECT 'a;b';", []Statement{st(1, "SELECT 'a;b';")}},
		{"doubled quote", "SELECT 'it''s; ok'; SELECT 2;", []Statement{st(1, "SELECT 'it''s; ok';"), st(1, "SELECT 2;")}},
		{"E string backslash", `SELECT E'a\'; b'; SELECT 2;`, []Statement{st(1, `SELECT E'a\'; b';`), st(1, "SELECT 2;")}},
		{"backslash in plain string is literal", `SELECT 'a\'; SELECT 2;`, []Statement{st(1, `SELECT 'a\';`), st(1, "SELECT 2;")}},
		{"quoted identifier", `SELECT 1 AS "x;""y"; SELECT 2;`, []Statement{st(1, `SELECT 1 AS "x;""y";`), st(1, "SELECT 2;")}},
		{"block comment", "SELECT /* ; */ 1;", []Statement{st(1, "SELECT /* ; */ 1;")}},
		{"nested block comment", "SELECT /* a /* b */ ; */ 1;", []Statement{st(1, "SELECT /* a /* b */ ; */ 1;")}},
		{"dollar quote", "SELECT $$a;'b$$; SELECT 2;", []Statement{st(1, "SELECT $$a;'b$$;"), st(1, "SELECT 2;")}},
		{"tagged dollar quote", "SELECT $q$ $$; $q$; SELECT 2;", []Statement{st(1, "SELECT $q$ $$; $q$;"), st(1, "SELECT 2;")}},
		{"parameter is not a dollar quote", "SELECT $1; SELECT $name; SELECT 3;",
			[]Statement{st(1, "SELECT $1;"), st(1, "SELECT $name;"), st(1, "SELECT 3;")}},
		{"dollar inside identifier", "SELECT a$b$; SELECT 2;", []Statement{st(1, "SELECT a$b$;"), st(1, "SELECT 2;")}},
		{"multi-line string keeps line count",
			"SELECT 'a\nb\nc';\nSELECT 2;",
			[]Statement{st(1, "SELECT 'a\nb\nc';"), st(4, "SELECT 2;")}},
		{"multi-line dollar quote keeps line count",
			"SELECT $$\n;\n$$;\n\nSELECT 2;",
			[]Statement{st(1, "SELECT $$\n;\n$$;"), st(5, "SELECT 2;")}},
		{"multi-line identifier and comment keep line count",
			"SELECT \"a\nb\" /*\n\n*/;\nSELECT 2;",
			[]Statement{st(1, "SELECT \"a\nb\" /*\n\n*/;"), st(5, "SELECT 2;")}},
		{"unterminated string", "SELECT 1;\nSELECT 'abc;\n", []Statement{st(1, "SELECT 1;"), {Text: "SELECT 'abc;", Line: 2}}},
		{"unterminated block comment in statement", "SELECT 1 /* ;", []Statement{{Text: "SELECT 1 /* ;", Line: 1}}},
		{"unterminated dollar quote", "SELECT $$ ;", []Statement{{Text: "SELECT $$ ;", Line: 1}}},
		{"dot commands", ".mode csv\nSELECT 1;\n  .headers off  \r\n.print a; b\nSELECT 2;",
			[]Statement{dot(1, ".mode csv"), st(2, "SELECT 1;"), dot(3, ".headers off"), dot(4, ".print a; b"), st(5, "SELECT 2;")}},
		{"dot inside a statement is SQL",
			"SELECT 1\n.5;\nSELECT 2; .mode csv\n",
			[]Statement{st(1, "SELECT 1\n.5;"), st(3, "SELECT 2;"), {Text: ".mode csv", Line: 3}}},
		{"dot after a comment line", "-- c\n.mode csv\n/* x */ .mode box\n",
			[]Statement{dot(2, ".mode csv"), {Text: ".mode box", Line: 3}}},
		{"dot command at end without newline", "SELECT 1;\n.mode json", []Statement{st(1, "SELECT 1;"), dot(2, ".mode json")}},
		{"CRLF", "SELECT 1;\r\n\r\nSELECT\r\n2;\r\n", []Statement{st(1, "SELECT 1;"), st(3, "SELECT\r\n2;")}},
		{"byte order mark", "\uFEFFSELECT 1;", []Statement{st(1, "SELECT 1;")}},
		{"unicode", "SELECT '日本;語' AS ü; SELECT 2;", []Statement{st(1, "SELECT '日本;語' AS ü;"), st(1, "SELECT 2;")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Split(c.src)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Split(%q)\n got  %#v\n want %#v", c.src, got, c.want)
			}
		})
	}
}

func TestReturnsRows(t *testing.T) {
	for _, c := range []struct {
		sql  string
		want bool
	}{
		{"SELECT 1", true},
		{"  -- c\n select 1", true},
		{"/* x */ FROM t", true},
		{"(SELECT 1) UNION (SELECT 2)", true},
		{"VALUES (1)", true},
		{"PRAGMA version", true},
		{"EXPLAIN SELECT 1", true},
		{"DESCRIBE t", true},
		{"SUMMARIZE t", true},
		{"EXECUTE p", true},
		{"WITH c AS (SELECT 1) SELECT * FROM c", true},
		{"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM c) FROM c", true},
		{"WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c", false},
		{"WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c RETURNING *", true},
		{"INSERT INTO t VALUES (1)", false},
		{"INSERT INTO t VALUES (1) RETURNING x", true},
		{`INSERT INTO t SELECT "returning" FROM (SELECT 1 AS "returning")`, false},
		{"INSERT INTO t VALUES ('RETURNING')", false},
		{"UPDATE t SET x = 1", false},
		{"DELETE FROM t RETURNING *", true},
		{"CREATE TABLE t AS SELECT 1", false},
		{"SET threads = 1", false},
		{"COPY t TO 'x.csv'", false},
		{"E'x'", false},
	} {
		if got := returnsRows(c.sql); got != c.want {
			t.Errorf("returnsRows(%q) = %v, want %v", c.sql, got, c.want)
		}
	}
}

func ExampleSplit() {
	script := `-- set up
CREATE TABLE t AS SELECT 'a;b' AS s;
.mode csv
SELECT *
FROM t;
SELECT 2`
	for _, s := range Split(script) {
		fmt.Printf("line %d dot=%v complete=%v: %s\n", s.Line, s.Dot, s.Complete, s.Text)
	}
	// Output:
	// line 2 dot=false complete=true: CREATE TABLE t AS SELECT 'a;b' AS s;
	// line 3 dot=true complete=true: .mode csv
	// line 4 dot=false complete=true: SELECT *
	// FROM t;
	// line 6 dot=false complete=false: SELECT 2
}
