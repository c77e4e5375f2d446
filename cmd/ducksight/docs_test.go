//go:build duckdb_arrow

package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/repl"
)

// docsBudget is the time_budget (seconds) the docs test gives a block
// marked `-- docs-test: time_budget`: its `time_budget := N` arguments run
// with this many seconds instead of the N a reader would use.
const docsBudget = 5

// docsLeaks are the demo's columns no example's model may take as a
// feature: its identifier, and outcomes known only after the fact or to the
// generator (docs/demo_customers.md).
const docsLeaks = `'customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'`

// docsBlock is one ```sql block of a document.
type docsBlock struct {
	line   int    // line of the opening fence
	sql    string // the block's text
	marker string // the text after `-- docs-test:`, "" when none
}

// docsMarker finds a block's marker comment.
var docsMarker = regexp.MustCompile(`(?m)^\s*--\s*docs-test:\s*(.*?)\s*$`)

// sqlBlocks returns the ```sql blocks of a Markdown document in order. It
// fails on an unclosed fence and on two markers in one block.
func sqlBlocks(t *testing.T, path string) []docsBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks []docsBlock
		cur    *docsBlock
		fenced bool // inside a fence of another language
		body   strings.Builder
		n      int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		fence := strings.HasPrefix(strings.TrimSpace(line), "```")
		switch {
		case cur != nil && fence:
			cur.sql = body.String()
			if m := docsMarker.FindAllStringSubmatch(cur.sql, -1); len(m) > 1 {
				t.Fatalf("%s:%d: more than one docs-test marker in one block", path, cur.line)
			} else if len(m) == 1 {
				cur.marker = m[0][1]
			}
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(line)
			body.WriteByte('\n')
		case fenced && fence:
			fenced = false
		case fence && strings.TrimSpace(line) == "```sql":
			cur = &docsBlock{line: n}
			body.Reset()
		case fence:
			fenced = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil || fenced {
		t.Fatalf("%s: a code fence is not closed", path)
	}
	return blocks
}

// returnsRows reports whether a statement is a query whose result the
// documentation shows: it must return at least one row.
func returnsRows(stmt string) bool {
	w := strings.ToUpper(strings.TrimLeft(stmt, "( \t\n"))
	for _, kw := range []string{"SELECT", "FROM", "WITH", "VALUES", "TABLE", "DESCRIBE", "SUMMARIZE", "SHOW", "PIVOT", "UNPIVOT"} {
		if strings.HasPrefix(w, kw) && (len(w) == len(kw) || !isWordByte(w[len(kw)])) {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// timeBudgetArg matches a time_budget argument, which a block marked
// `time_budget` runs with docsBudget.
var timeBudgetArg = regexp.MustCompile(`time_budget\s*:=\s*[0-9.]+`)

// TestDocsExamples runs every ```sql block of README.md and docs/*.md, in
// document order, on a fresh in-memory database per document (in a
// temporary working directory, for the files examples write), through the
// shell's Session as `ducksight -f` runs them. A block fails on any error,
// and on a query that returns no rows: the documents show what each query
// returns. At the end no stored model may take one of docsLeaks as a
// feature. Blocks that are not SQL to run are fenced otherwise (```text).
//
// A block may carry one marker comment, `-- docs-test: WHAT`:
//   - `needs clickhouse`: it needs a ClickHouse server, which this stage has
//     not; the block is listed as not run here, and runs in the scale-out
//     stage (TestScaleOutDocsExamples).
//   - `time_budget`: its `time_budget := N` arguments run with docsBudget
//     seconds, to keep the test short.
//
// Every marker in a document is counted and logged, and an unknown one
// fails, so a marker cannot silently disable a block.
func TestDocsExamples(t *testing.T) {
	for _, doc := range docsFiles(t) {
		t.Run(strings.ReplaceAll(doc, "/", "_"), func(t *testing.T) {
			runDocument(t, doc, nil)
		})
	}
}

// docsFiles lists README.md and docs/*.md, relative to the repository.
func docsFiles(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, doc := range docs {
		docs[i] = strings.TrimPrefix(doc, "../../")
	}
	return append([]string{"README.md"}, docs...)
}

// docsServers runs the blocks marked `needs clickhouse` (see
// TestScaleOutDocsExamples): rewrite returns the text such a block runs
// as, and check sees the output of each of its statements, as CSV records
// without a header, with the document's database.
type docsServers struct {
	rewrite func(t *testing.T, doc string, line int, sql string) string
	check   func(t *testing.T, db *sql.DB, doc string, line int, stmt string, records [][]string)
}

// runDocument runs the ```sql blocks of doc (relative to the repository)
// as TestDocsExamples describes; with servers, the blocks marked `needs
// clickhouse` run too, as servers rewrites them. It returns the number of
// marked blocks that ran.
func runDocument(t *testing.T, doc string, servers *docsServers) (ranMarked int) {
	path, err := filepath.Abs(filepath.Join("../..", doc))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blocks := sqlBlocks(t, path)
	if len(blocks) == 0 {
		if doc == "README.md" || doc == "docs/sql.md" {
			t.Fatalf("%s has no ```sql block", doc)
		}
		if n := len(docsMarker.FindAllString(string(raw), -1)); n > 0 {
			t.Errorf("%s: %d docs-test markers, and no ```sql block", doc, n)
		}
		return 0
	}
	t.Chdir(t.TempDir())
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var out, errs bytes.Buffer
	s, err := repl.NewSession(ctx, e.DB(), &out, &errs, &repl.Options{Mode: "csv", NoHeader: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	markers, skipped := 0, 0
	start := time.Now()
	for _, b := range blocks {
		src := b.sql
		var check func(line int, stmt string)
		switch b.marker {
		case "":
		case "needs clickhouse":
			markers++
			if servers == nil {
				skipped++
				t.Logf("%s:%d: not run (%s)", doc, b.line, b.marker)
				continue
			}
			ranMarked++
			src = servers.rewrite(t, doc, b.line, src)
			if servers.check != nil {
				check = func(line int, stmt string) {
					records, err := csv.NewReader(bytes.NewReader(out.Bytes())).ReadAll()
					if err != nil {
						t.Errorf("%s:%d: reading the output: %v", doc, line, err)
						return
					}
					servers.check(t, e.DB(), doc, line, stmt, records)
				}
			}
		case "time_budget":
			markers++
			if !timeBudgetArg.MatchString(src) {
				t.Errorf("%s:%d: marked time_budget but has no time_budget := N", doc, b.line)
			}
			src = timeBudgetArg.ReplaceAllString(src, fmt.Sprintf("time_budget := %d", docsBudget))
			t.Logf("%s:%d: runs with time_budget := %d", doc, b.line, docsBudget)
		default:
			t.Errorf("%s:%d: unknown marker %q", doc, b.line, b.marker)
			continue
		}
		blockStart := time.Now()
		for _, st := range repl.Split(src) {
			out.Reset()
			errs.Reset()
			err := s.Execute(ctx, doc, st)
			if err == nil && errs.Len() > 0 {
				err = fmt.Errorf("%s", errs.String())
			}
			if err != nil {
				t.Errorf("%s:%d: %s\n%v", doc, b.line+st.Line, st.Text, err)
				continue
			}
			if !st.Dot && returnsRows(st.Text) && out.Len() == 0 {
				t.Errorf("%s:%d: %s\nreturned no rows", doc, b.line+st.Line, st.Text)
			}
			if check != nil && !st.Dot {
				check(b.line+st.Line, st.Text)
			}
		}
		t.Logf("%s:%d: %.1fs", doc, b.line, time.Since(blockStart).Seconds())
	}
	leaks, err := e.DB().QueryContext(ctx, `SELECT name, version, f FROM
		(SELECT name, version, unnest(features) AS f FROM models()) WHERE f IN (`+docsLeaks+`) ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	for leaks.Next() {
		var name, feature string
		var version int
		if err := leaks.Scan(&name, &version, &feature); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s: model %s version %d takes %s as a feature", doc, name, version, feature)
	}
	if err := leaks.Err(); err != nil {
		t.Fatal(err)
	}
	leaks.Close()
	if found := len(docsMarker.FindAllString(string(raw), -1)); found != markers {
		t.Errorf("%s: %d docs-test markers in the text, %d on ```sql blocks the test read", doc, found, markers)
	}
	t.Logf("%s: %d blocks, %d markers, %d not run, %.1fs", doc, len(blocks), markers, skipped, time.Since(start).Seconds())
	return ranMarked
}
