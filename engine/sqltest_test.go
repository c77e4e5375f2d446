//go:build duckdb_arrow

package engine_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/engine"
)

// TestSQL runs the SQL behaviour tests testdata/sql/*.test, one subtest per
// file, each against a fresh engine. The format is documented in
// testdata/sql/README.md.
//
// go test -tags duckdb_arrow ./engine/ -run TestSQL -rewrite regenerates the
// expected rows of every query record in place, for a reviewed update.

var rewrite = flag.Bool("rewrite", false, "rewrite the expected results of query records in testdata/sql/*.test")

const sqlTestDir = "../testdata/sql"

// fileTimeout bounds one file's run, so a hang fails instead of stalling
// CI; generous, as testTimeout is, for the race detector on a busy machine.
const fileTimeout = 5 * time.Minute

func TestSQL(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(sqlTestDir, "*.test"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no *.test files in %s", sqlTestDir)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".test"), func(t *testing.T) {
			runSQLTestFile(t, f, t.TempDir())
		})
	}
}

// sqlRecord is one record of a .test file.
type sqlRecord struct {
	kind     string // "statement ok", "statement error", "query", "restart"
	line     int    // 1-based line of the record's header
	sql      string
	types    string // query: one letter per column
	sortMode string // query: "nosort" or "rowsort"
	expected []string
	// sepLine is the 0-based index of the "----" line (-1 when absent) and
	// endLine the 0-based index one past the record's last line.
	sepLine, endLine int
}

// sqlFile is a parsed .test file.
type sqlFile struct {
	path    string
	lines   []string
	db      string // "memory" or "file"
	records []*sqlRecord
}

func parseSQLTestFile(path string) (*sqlFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	f := &sqlFile{path: path, lines: lines, db: "memory"}
	errAt := func(i int, format string, a ...any) error {
		return fmt.Errorf("%s:%d: %s", path, i+1, fmt.Sprintf(format, a...))
	}
	i := 0
	for i < len(lines) {
		line := strings.TrimSpace(lines[i])
		if line == "" {
			i++
			continue
		}
		if strings.HasPrefix(line, "#") {
			if d, ok := strings.CutPrefix(line, "# db:"); ok {
				if len(f.records) > 0 {
					return nil, errAt(i, "# db: must come before the first record")
				}
				switch d = strings.TrimSpace(d); d {
				case "memory", "file":
					f.db = d
				default:
					return nil, errAt(i, "# db: want memory or file, got %q", d)
				}
			}
			i++
			continue
		}
		r := &sqlRecord{line: i + 1, sepLine: -1}
		fields := strings.Fields(line)
		switch {
		case line == "restart":
			r.kind = "restart"
			i++
			r.endLine = i
			f.records = append(f.records, r)
			continue
		case line == "statement ok":
			r.kind = line
		case line == "statement error":
			r.kind = line
		case fields[0] == "query":
			r.kind = "query"
			if len(fields) < 2 || len(fields) > 3 {
				return nil, errAt(i, "want: query <types> [nosort|rowsort]")
			}
			r.types = fields[1]
			for _, c := range r.types {
				if !strings.ContainsRune("ITRB", c) {
					return nil, errAt(i, "unknown column type %q (want I, R, B or T)", c)
				}
			}
			r.sortMode = "nosort"
			if len(fields) == 3 {
				r.sortMode = fields[2]
				if r.sortMode != "nosort" && r.sortMode != "rowsort" {
					return nil, errAt(i, "unknown sort mode %q (want nosort or rowsort)", r.sortMode)
				}
			}
		default:
			return nil, errAt(i, "unknown record %q (want statement ok, statement error, query or restart)", line)
		}
		i++
		var sqlLines []string
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" && lines[i] != "----" {
			sqlLines = append(sqlLines, lines[i])
			i++
		}
		r.sql = strings.Join(sqlLines, "\n")
		if r.sql == "" {
			return nil, errAt(r.line-1, "record without SQL")
		}
		if i < len(lines) && lines[i] == "----" {
			r.sepLine = i
			i++
			for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
				r.expected = append(r.expected, lines[i])
				i++
			}
		}
		r.endLine = i
		switch r.kind {
		case "statement ok":
			if r.sepLine >= 0 {
				return nil, errAt(r.line-1, "statement ok takes no ---- section")
			}
		case "statement error":
			if r.sepLine < 0 || len(r.expected) == 0 {
				return nil, errAt(r.line-1, "statement error needs ---- and the expected error text")
			}
		case "query":
			if r.sepLine < 0 && !*rewrite {
				return nil, errAt(r.line-1, "query needs ---- and the expected rows (or run with -rewrite)")
			}
		}
		f.records = append(f.records, r)
	}
	return f, nil
}

// reporter is the part of *testing.T the runner uses (an interface so the
// harness's own test can record the failures it reports).
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Failed() bool
}

// sqlRunner runs one file's records on one connection, so session state
// (TEMP tables, transactions, SET) carries from record to record.
type sqlRunner struct {
	t      reporter
	file   *sqlFile
	tmpDir string
	dbPath string
	eng    *engine.Engine
	conn   *sql.Conn
	ctx    context.Context
}

// runSQLTestFile runs the records of the file at path; tmpDir is what
// ${TMPDIR} stands for.
func runSQLTestFile(t reporter, path, tmpDir string) {
	t.Helper()
	f, err := parseSQLTestFile(path)
	if err != nil {
		t.Fatalf("%v", err)
	}
	// One context for the whole file, cancelled after the engine is closed
	// and a grace period (see testContext in engine_test.go for why not one
	// per record).
	ctx, cancel := context.WithTimeout(context.Background(), fileTimeout)
	defer cancel()
	r := &sqlRunner{t: t, file: f, tmpDir: tmpDir, ctx: ctx}
	if f.db == "file" {
		r.dbPath = filepath.Join(r.tmpDir, "test.duckdb")
	}
	r.open()
	defer r.close()
	results := map[*sqlRecord][]string{}
	for _, rec := range f.records {
		if got, ok := r.run(rec); ok && rec.kind == "query" {
			results[rec] = got
		}
	}
	if *rewrite {
		r.rewriteFile(results)
	}
}

func (r *sqlRunner) open() {
	r.t.Helper()
	e, err := engine.Open(r.ctx, r.dbPath)
	if err != nil {
		r.t.Fatalf("%s: open: %v", r.file.path, err)
	}
	c, err := e.DB().Conn(r.ctx)
	if err != nil {
		_ = e.Close()
		r.t.Fatalf("%s: connection: %v", r.file.path, err)
	}
	r.eng, r.conn = e, c
}

func (r *sqlRunner) close() {
	r.t.Helper()
	if r.conn != nil {
		if err := r.conn.Close(); err != nil {
			r.t.Errorf("%s: closing the connection: %v", r.file.path, err)
		}
		r.conn = nil
	}
	if r.eng != nil {
		if err := r.eng.Close(); err != nil {
			r.t.Errorf("%s: closing the engine: %v", r.file.path, err)
		}
		r.eng = nil
	}
}

// subst replaces ${TMPDIR} with the file's temporary directory.
func (r *sqlRunner) subst(s string) string {
	return strings.ReplaceAll(s, "${TMPDIR}", r.tmpDir)
}

// unsubst is subst's inverse, for rewritten expectations.
func (r *sqlRunner) unsubst(s string) string {
	return strings.ReplaceAll(s, r.tmpDir, "${TMPDIR}")
}

func (r *sqlRunner) where(rec *sqlRecord) string {
	return fmt.Sprintf("%s:%d", r.file.path, rec.line)
}

// run runs one record and reports a mismatch. For a query it returns the
// formatted rows and whether it ran.
func (r *sqlRunner) run(rec *sqlRecord) ([]string, bool) {
	t := r.t
	t.Helper()
	if rec.kind == "restart" {
		if r.dbPath == "" {
			t.Errorf("%s: restart needs # db: file", r.where(rec))
			return nil, false
		}
		r.close()
		r.open()
		return nil, false
	}
	ctx := r.ctx
	query := r.subst(rec.sql)
	switch rec.kind {
	case "statement ok":
		if _, err := r.conn.ExecContext(ctx, query); err != nil {
			t.Errorf("%s: statement failed\nSQL:\n%s\nerror: %v", r.where(rec), query, err)
		}
		return nil, false
	case "statement error":
		want := r.subst(strings.Join(rec.expected, "\n"))
		_, err := r.conn.ExecContext(ctx, query)
		if err == nil {
			t.Errorf("%s: statement succeeded, want an error\nSQL:\n%s\nexpected error containing:\n%s", r.where(rec), query, want)
		} else if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: wrong error\nSQL:\n%s\nexpected error containing:\n%s\nactual error:\n%v", r.where(rec), query, want, err)
		}
		return nil, false
	}
	got, err := r.query(ctx, rec, query)
	if err != nil {
		t.Errorf("%s: query failed\nSQL:\n%s\nexpected:\n%s\nerror: %v", r.where(rec), query, r.subst(strings.Join(rec.expected, "\n")), err)
		return nil, false
	}
	if *rewrite {
		return got, true
	}
	want := make([]string, len(rec.expected))
	for i, l := range rec.expected {
		want[i] = r.subst(l)
	}
	if rec.sortMode == "rowsort" {
		sort.Strings(want)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: wrong result\nSQL:\n%s\nexpected:\n%s\nactual:\n%s", r.where(rec), query, strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
	return got, true
}

// query runs a query record and formats its rows.
func (r *sqlRunner) query(ctx context.Context, rec *sqlRecord, query string) ([]string, error) {
	rows, err := r.conn.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if len(cols) != len(rec.types) {
		return nil, fmt.Errorf("the query returns %d columns %v, the record declares %d (%s)", len(cols), cols, len(rec.types), rec.types)
	}
	var out []string
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		cells := make([]string, len(cols))
		for i, v := range vals {
			s, err := formatSQLValue(rune(rec.types[i]), v)
			if err != nil {
				return nil, fmt.Errorf("row %d, column %d (%s): %w", len(out)+1, i+1, cols[i], err)
			}
			cells[i] = s
		}
		out = append(out, strings.Join(cells, "\t"))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if rec.sortMode == "rowsort" {
		sort.Strings(out)
	}
	return out, nil
}

// formatSQLValue formats one value for a column of type typ (see README.md):
// NULL as NULL; I integers in decimal; R numbers with 6 significant digits
// (strconv 'g'); B true or false; T anything, the empty string as (empty).
// A value that does not fit its column type is an error.
func formatSQLValue(typ rune, v any) (string, error) {
	if v == nil {
		return "NULL", nil
	}
	switch typ {
	case 'I':
		switch x := v.(type) {
		case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
			return fmt.Sprint(x), nil
		case *big.Int:
			return x.String(), nil
		}
		return "", fmt.Errorf("declared I, got %T %v", v, v)
	case 'R':
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case float32:
			f = float64(x)
		case duckdb.Decimal:
			f = x.Float64()
		case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
			f, _ = strconv.ParseFloat(fmt.Sprint(x), 64)
		case *big.Int:
			f, _ = new(big.Float).SetInt(x).Float64()
		default:
			return "", fmt.Errorf("declared R, got %T %v", v, v)
		}
		if f == 0 {
			f = 0 // -0 prints as 0
		}
		return strconv.FormatFloat(f, 'g', 6, 64), nil
	case 'B':
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), nil
		}
		return "", fmt.Errorf("declared B, got %T %v", v, v)
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	case time.Time:
		s = x.Format(time.RFC3339Nano)
	default:
		s = fmt.Sprint(x)
	}
	if s == "" {
		return "(empty)", nil
	}
	s = strings.NewReplacer("\t", `\t`, "\n", `\n`).Replace(s)
	return s, nil
}

// rewriteFile writes the file back with the query records' expected rows
// replaced by the actual ones.
func (r *sqlRunner) rewriteFile(results map[*sqlRecord][]string) {
	if r.t.Failed() {
		r.t.Errorf("%s: not rewritten: the run had failures", r.file.path)
		return
	}
	var out []string
	next := 0
	for _, rec := range r.file.records {
		got, ok := results[rec]
		if !ok {
			continue
		}
		end := rec.sepLine
		if end < 0 {
			end = rec.endLine
		}
		out = append(out, r.file.lines[next:end]...)
		out = append(out, "----")
		for _, l := range got {
			out = append(out, r.unsubst(l))
		}
		next = rec.endLine
	}
	out = append(out, r.file.lines[next:]...)
	text := strings.Join(out, "\n") + "\n"
	if text == strings.Join(r.file.lines, "\n")+"\n" {
		return
	}
	if err := os.WriteFile(r.file.path, []byte(text), 0o644); err != nil {
		r.t.Fatalf("%v", err)
	}
	r.t.Logf("rewrote %s", r.file.path)
}

// TestSQLFormat checks the harness itself: the value formatting and that a
// wrong expectation is reported with the record's file and line.
func TestSQLFormat(t *testing.T) {
	cases := []struct {
		typ  rune
		v    any
		want string
	}{
		{'I', int64(-3), "-3"},
		{'I', int32(7), "7"},
		{'I', big.NewInt(1 << 62), "4611686018427387904"},
		{'R', 1.0 / 3, "0.333333"},
		{'R', 0.1 + 0.2, "0.3"},
		{'R', 1234567.0, "1.23457e+06"},
		{'R', math.Copysign(0, -1), "0"},
		{'R', int64(52000), "52000"},
		{'R', math.NaN(), "NaN"},
		{'B', true, "true"},
		{'T', "", "(empty)"},
		{'T', "a\tb", `a\tb`},
		{'T', true, "true"},
		{'I', nil, "NULL"},
	}
	for _, c := range cases {
		got, err := formatSQLValue(c.typ, c.v)
		if err != nil || got != c.want {
			t.Errorf("formatSQLValue(%c, %#v) = %q, %v; want %q", c.typ, c.v, got, err, c.want)
		}
	}
	for _, c := range []struct {
		typ rune
		v   any
	}{{'I', 1.5}, {'I', "1"}, {'R', "1"}, {'B', int64(1)}} {
		if got, err := formatSQLValue(c.typ, c.v); err == nil {
			t.Errorf("formatSQLValue(%c, %#v) = %q, want a type error", c.typ, c.v, got)
		}
	}

	// A file with one wrong expectation, run under a recording testing.T.
	dir := t.TempDir()
	path := filepath.Join(dir, "wrong.test")
	src := "# a comment\n\nstatement ok\nCREATE TABLE t AS SELECT 1 AS x\n\nquery I\nSELECT x + 1\nFROM t\n----\n3\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := parseSQLTestFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.records) != 2 || f.records[1].line != 6 || f.records[1].sql != "SELECT x + 1\nFROM t" {
		t.Fatalf("parsed %+v", f.records)
	}
	rec := &recordingT{}
	rec.run(func() { runSQLTestFile(rec, path, dir) })
	msgs := rec.errors
	if len(msgs) != 1 {
		t.Fatalf("got %d failures, want 1: %q", len(msgs), msgs)
	}
	for _, want := range []string{path + ":6", "SELECT x + 1\nFROM t", "expected:\n3", "actual:\n2"} {
		if !strings.Contains(msgs[0], want) {
			t.Errorf("failure message lacks %q:\n%s", want, msgs[0])
		}
	}

	// -rewrite replaces wrong and missing expectations and nothing else.
	src = "# keep\n\nquery I\nSELECT 1 + 1\n----\n3\n\nstatement error\nSELECT * FROM nope\n----\nnope\n\nquery IT rowsort\nSELECT * FROM (VALUES (2, 'b'), (1, '${TMPDIR}')) v\n\n# end\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := *rewrite
	*rewrite = true
	rec = &recordingT{}
	rec.run(func() { runSQLTestFile(rec, path, dir) })
	*rewrite = saved
	if len(rec.errors) > 0 {
		t.Fatalf("rewrite run failed: %q", rec.errors)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "# keep\n\nquery I\nSELECT 1 + 1\n----\n2\n\nstatement error\nSELECT * FROM nope\n----\nnope\n\nquery IT rowsort\nSELECT * FROM (VALUES (2, 'b'), (1, '${TMPDIR}')) v\n----\n1\t${TMPDIR}\n2\tb\n\n# end\n"
	if string(got) != want {
		t.Errorf("rewritten file:\n%s\nwant:\n%s", got, want)
	}
	rec = &recordingT{}
	rec.run(func() { runSQLTestFile(rec, path, dir) })
	if len(rec.errors) > 0 {
		t.Errorf("the rewritten file fails: %q", rec.errors)
	}

	for _, bad := range []string{
		"statement error\nSELECT 1\n",      // no expected error
		"query X\nSELECT 1\n----\n1\n",     // unknown type
		"query I sorted\nSELECT 1\n----\n", // unknown sort mode
		"select 1\n",                       // unknown record
		"statement ok\nSELECT 1\n----\n1\n",
	} {
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := parseSQLTestFile(path); err == nil {
			t.Errorf("parse of %q succeeded, want an error", bad)
		}
	}
}

// recordingT is a reporter that records failures instead of failing.
type recordingT struct {
	errors []string
	fatal  bool
}

type fatalSentinel struct{}

func (r *recordingT) Helper()             {}
func (r *recordingT) Logf(string, ...any) {}
func (r *recordingT) Failed() bool        { return len(r.errors) > 0 }
func (r *recordingT) Errorf(f string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(f, args...))
}
func (r *recordingT) Fatalf(f string, args ...any) {
	r.Errorf(f, args...)
	r.fatal = true
	panic(fatalSentinel{})
}

// run runs f, stopping at the first Fatalf as testing.T would.
func (r *recordingT) run(f func()) {
	defer func() {
		if x := recover(); x != nil {
			if _, ok := x.(fatalSentinel); !ok {
				panic(x)
			}
		}
	}()
	f()
}
