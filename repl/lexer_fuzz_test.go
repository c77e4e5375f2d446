package repl

import (
	"strings"
	"testing"
)

// FuzzSplit checks what Split promises on any text (the seeds are in
// testdata/fuzz/FuzzSplit; go test runs them, go test -fuzz explores):
// it never panics; every statement is a piece of the input, in order, that
// starts on the line it says; a complete SQL statement ends in ';' and a dot
// command is one line; and a statement's text, split again, is that one
// statement (splitting loses nothing and cuts nowhere else).
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"SELECT 1;",
		"SELECT 'a;b'; SELECT \"x;y\" FROM t;",
		"-- c;\n/* a /* nested; */ still; */ SELECT 1;\n.mode csv\nSELECT $$x;y$$, $t$a;$$;b$t$;",
		"SELECT E'a\\'; b'; SELECT 2",
		".help\n  .tables x\nSELECT 1; .notdot;",
		"\uFEFFSELECT 1;\r\n\r\nSELECT 2 -- tail",
		"WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x RETURNING *;",
		"SELECT '", "/* unterminated", "$tag$ never closed", "\"open",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		stmts := Split(src)
		at := 0
		if strings.HasPrefix(src, "\uFEFF") {
			at = len("\uFEFF")
		}
		for i, st := range stmts {
			if st.Text == "" {
				t.Fatalf("statement %d is empty: %+v", i, stmts)
			}
			// The statement is the first occurrence of its text after the
			// previous one that starts on its line.
			pos := -1
			for from := at; from <= len(src); {
				j := strings.Index(src[from:], st.Text)
				if j < 0 {
					break
				}
				if 1+strings.Count(src[:from+j], "\n") == st.Line {
					pos = from + j
					break
				}
				from += j + 1
			}
			if pos < 0 {
				t.Fatalf("statement %d %q (line %d) is not in the input after offset %d: %q", i, st.Text, st.Line, at, src)
			}
			at = pos + len(st.Text)
			if st.Dot {
				if !st.Complete || strings.Contains(st.Text, "\n") || st.Text[0] != '.' {
					t.Fatalf("dot command %d %+v", i, st)
				}
				continue
			}
			if st.Complete && !strings.HasSuffix(st.Text, ";") {
				t.Fatalf("statement %d is complete but does not end in ';': %q", i, st.Text)
			}
			if !st.Complete && i != len(stmts)-1 {
				t.Fatalf("statement %d of %d is incomplete: %q", i, len(stmts), st.Text)
			}
			// Split again: the same single statement (a text that starts with
			// '.' or a byte-order mark reads differently at the start of a
			// script, so it is left out).
			if st.Text[0] == '.' || strings.HasPrefix(st.Text, "\uFEFF") {
				continue
			}
			again := Split(st.Text)
			if len(again) != 1 || again[0].Text != st.Text || again[0].Line != 1 || again[0].Complete != st.Complete || again[0].Dot {
				t.Fatalf("statement %d %q splits again as %+v", i, st.Text, again)
			}
		}
		// The helpers that read statements must not panic either.
		for _, st := range stmts {
			_ = returnsRows(st.Text)
		}
		_ = returnsRows(src)
	})
}
