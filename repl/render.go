package repl

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Column describes one column of a result set.
type Column struct {
	Name string
	// Type is the DuckDB type name as database/sql's
	// ColumnType.DatabaseTypeName reports it: "INTEGER", "DECIMAL(10,3)",
	// `STRUCT("a" INTEGER)[]`. It guides formatting; "" means unknown.
	Type string
}

// RenderOptions tune a renderer.
type RenderOptions struct {
	// NoHeader leaves out the header: column names (and types) in tables,
	// the header line of csv, tabs and list.
	NoHeader bool
	// MaxRows, when positive, makes box and table show only the first and
	// last rows of longer results, with a "·" marker between them and a
	// footer with the total row count.
	MaxRows int
	// MaxWidth, when positive, cuts box, table and markdown cells wider than
	// this many columns, ending them with "…".
	MaxWidth int
}

// A Renderer writes one result set to its writer. Row is called once per
// row, with the values database/sql scanned into *any (nil for NULL); the
// renderer may keep the slice, so the caller passes a fresh one each time.
// End finishes the output; nothing may follow it.
type Renderer interface {
	Row(values []any) error
	End() error
}

// Mode describes an output mode.
type Mode struct {
	Name string
	Help string
}

type modeSpec struct {
	Mode
	new func(w *bufio.Writer, cols []column, opts RenderOptions) Renderer
}

// modes is the one table of output modes: .mode, the command-line flags
// and .help are all derived from it.
var modes = []modeSpec{
	{Mode{"box", "tables drawn with Unicode box characters, with column types (default)"}, newBox},
	{Mode{"csv", "comma-separated values (RFC 4180)"}, newCSV},
	{Mode{"json", "one JSON array of objects per result"}, newJSON},
	{Mode{"jsonlines", "one JSON object per line"}, newJSONLines},
	{Mode{"line", "one value per line: column = value"}, newLine},
	{Mode{"list", "values separated by |"}, func(w *bufio.Writer, c []column, o RenderOptions) Renderer { return newSeparated(w, c, o, "|") }},
	{Mode{"markdown", "Markdown table"}, newMarkdown},
	{Mode{"table", "ASCII-art table"}, newTable},
	{Mode{"tabs", "tab-separated values"}, func(w *bufio.Writer, c []column, o RenderOptions) Renderer { return newSeparated(w, c, o, "\t") }},
}

// Modes lists the output modes in name order.
func Modes() []Mode {
	out := make([]Mode, len(modes))
	for i, m := range modes {
		out[i] = m.Mode
	}
	return out
}

func lookupMode(name string) (modeSpec, bool) {
	if name == "duckbox" {
		name = "box"
	}
	for _, m := range modes {
		if m.Name == name {
			return m, true
		}
	}
	return modeSpec{}, false
}

func modeNames() string {
	var names []string
	for _, m := range modes {
		names = append(names, m.Name)
	}
	return strings.Join(names, ", ")
}

// column is a Column with its type parsed.
type column struct {
	name    string
	typ     *colType
	numeric bool
}

// NewRenderer starts a result set with the given columns in an output mode
// (see Modes; "" is box).
func NewRenderer(w io.Writer, mode string, cols []Column, opts RenderOptions) (Renderer, error) {
	if mode == "" {
		mode = "box"
	}
	spec, ok := lookupMode(mode)
	if !ok {
		return nil, fmt.Errorf("%w %q (modes: %s)", ErrUnknownMode, mode, modeNames())
	}
	cs := make([]column, len(cols))
	for i, c := range cols {
		t := parseType(c.Type)
		cs[i] = column{name: c.Name, typ: t, numeric: t.isNumeric()}
	}
	bw := bufio.NewWriter(w)
	if (spec.Name == "box" || spec.Name == "table") && isExplain(cols) {
		return &explainRenderer{w: bw}, nil
	}
	return spec.new(bw, cs, opts), nil
}

// Result is a whole result set, for Render.
type Result struct {
	Columns []Column
	Rows    [][]any
}

// Render writes a whole result set in an output mode.
func Render(w io.Writer, mode string, res Result, opts RenderOptions) error {
	r, err := NewRenderer(w, mode, res.Columns, opts)
	if err != nil {
		return err
	}
	for _, row := range res.Rows {
		if err := r.Row(row); err != nil {
			return err
		}
	}
	return r.End()
}

// cellText formats one value for the text modes; NULL is "NULL".
func cellText(v any, c column) string {
	return formatValue(v, c.typ, false)
}

// ---- box and table ----

type frame struct {
	// corners and joints, top to bottom, left to right
	tl, tj, tr, ml, mj, mr, bl, bj, br string
	h, v                               string
	types                              bool
}

var (
	boxFrame   = frame{"┌", "┬", "┐", "├", "┼", "┤", "└", "┴", "┘", "─", "│", true}
	tableFrame = frame{"+", "+", "+", "+", "+", "+", "+", "+", "+", "-", "|", false}
)

type cell struct {
	text string
	null bool
}

// tableRenderer draws box and table modes. It needs every shown row before
// it can size the columns; with MaxRows it keeps only the first and last.
type tableRenderer struct {
	w     *bufio.Writer
	cols  []column
	opts  RenderOptions
	frame frame
	head  [][]cell
	tail  [][]cell // ring buffer of the last rows once head is full
	next  int      // next slot of tail to overwrite
	total int
}

func newBox(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	return &tableRenderer{w: w, cols: cols, opts: opts, frame: boxFrame}
}

func newTable(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	return &tableRenderer{w: w, cols: cols, opts: opts, frame: tableFrame}
}

func (r *tableRenderer) Row(values []any) error {
	row := make([]cell, len(r.cols))
	for i, c := range r.cols {
		if values[i] == nil {
			row[i] = cell{"NULL", true}
		} else {
			row[i] = cell{text: truncate(escapeControl(cellText(values[i], c)), r.opts.MaxWidth)}
		}
	}
	r.total++
	max := r.opts.MaxRows
	switch {
	case max <= 0 || len(r.head) < max-max/2:
		r.head = append(r.head, row)
	case len(r.tail) < max/2:
		r.tail = append(r.tail, row)
	case max/2 > 0:
		r.tail[r.next] = row
		r.next = (r.next + 1) % len(r.tail)
	}
	return nil
}

func (r *tableRenderer) End() error {
	if len(r.cols) == 0 {
		return r.w.Flush()
	}
	tail := append(r.tail[r.next:len(r.tail):len(r.tail)], r.tail[:r.next]...)
	elided := r.total > len(r.head)+len(tail)
	var footer string
	switch {
	case elided:
		footer = fmt.Sprintf("%d rows (%d shown)", r.total, len(r.head)+len(tail))
	case r.total == 0:
		if r.opts.NoHeader {
			return r.w.Flush()
		}
		footer = "0 rows"
	}

	names := make([]string, len(r.cols))
	types := make([]string, len(r.cols))
	widths := make([]int, len(r.cols))
	for i, c := range r.cols {
		names[i] = truncate(escapeControl(c.name), r.opts.MaxWidth)
		types[i] = truncate(c.typ.display(), r.opts.MaxWidth)
		if !r.opts.NoHeader {
			widths[i] = Width(names[i])
			if r.frame.types {
				widths[i] = max(widths[i], Width(types[i]))
			}
		}
		widths[i] = max(widths[i], 1)
	}
	for _, rows := range [][][]cell{r.head, tail} {
		for _, row := range rows {
			for i, c := range row {
				widths[i] = max(widths[i], Width(c.text))
			}
		}
	}
	if footer != "" {
		// The footer spans the table; widen the last column if it must.
		inner := len(widths) - 1
		for _, w := range widths {
			inner += w + 2
		}
		if need := Width(footer) + 2 - inner; need > 0 {
			widths[len(widths)-1] += need
		}
	}

	f := r.frame
	r.rule(widths, f.tl, f.tj, f.tr)
	if !r.opts.NoHeader {
		r.line(widths, func(i int) string { return center(names[i], widths[i]) })
		if f.types {
			r.line(widths, func(i int) string { return center(types[i], widths[i]) })
		}
		r.rule(widths, f.ml, f.mj, f.mr)
	}
	for _, row := range r.head {
		r.line(widths, func(i int) string { return r.align(row[i].text, i, widths[i]) })
	}
	if elided {
		for range 3 {
			r.line(widths, func(i int) string { return r.align("·", i, widths[i]) })
		}
	}
	for _, row := range tail {
		r.line(widths, func(i int) string { return r.align(row[i].text, i, widths[i]) })
	}
	if footer != "" {
		inner := len(widths) - 1
		for _, w := range widths {
			inner += w + 2
		}
		if r.total > 0 || r.opts.NoHeader {
			r.rule(widths, f.ml, f.bj, f.mr)
		}
		r.w.WriteString(f.v + " " + pad(footer, inner-2) + " " + f.v + "\n")
		r.w.WriteString(f.bl + strings.Repeat(f.h, inner) + f.br + "\n")
	} else {
		r.rule(widths, f.bl, f.bj, f.br)
	}
	return r.w.Flush()
}

func (r *tableRenderer) align(s string, i, w int) string {
	if r.cols[i].numeric {
		return strings.Repeat(" ", w-Width(s)) + s
	}
	return pad(s, w)
}

func (r *tableRenderer) rule(widths []int, left, joint, right string) {
	r.w.WriteString(left)
	for i, w := range widths {
		if i > 0 {
			r.w.WriteString(joint)
		}
		r.w.WriteString(strings.Repeat(r.frame.h, w+2))
	}
	r.w.WriteString(right + "\n")
}

func (r *tableRenderer) line(widths []int, text func(i int) string) {
	r.w.WriteString(r.frame.v)
	for i := range widths {
		r.w.WriteString(" " + text(i) + " " + r.frame.v)
	}
	r.w.WriteString("\n")
}

// pad fills s with blanks on the right to w columns.
func pad(s string, w int) string {
	if n := w - Width(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// center centers s in w columns; an odd blank goes to the right.
func center(s string, w int) string {
	n := w - Width(s)
	if n <= 0 {
		return s
	}
	return strings.Repeat(" ", n/2) + s + strings.Repeat(" ", n-n/2)
}

// isExplain recognizes the result of EXPLAIN, whose plan is already drawn.
func isExplain(cols []Column) bool {
	return len(cols) == 2 && cols[0].Name == "explain_key" && cols[1].Name == "explain_value"
}

// explainRenderer prints EXPLAIN plans as they are, as the DuckDB CLI does.
type explainRenderer struct{ w *bufio.Writer }

func (r *explainRenderer) Row(values []any) error {
	if s, ok := values[1].(string); ok {
		r.w.WriteString(strings.TrimRight(s, "\n") + "\n")
	}
	return nil
}

func (r *explainRenderer) End() error { return r.w.Flush() }

// ---- markdown ----

type markdownRenderer struct {
	w    *bufio.Writer
	cols []column
	opts RenderOptions
	rows [][]string
}

func newMarkdown(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	return &markdownRenderer{w: w, cols: cols, opts: opts}
}

func (r *markdownRenderer) Row(values []any) error {
	row := make([]string, len(r.cols))
	for i, c := range r.cols {
		row[i] = markdownCell(cellText(values[i], c), r.opts.MaxWidth)
	}
	r.rows = append(r.rows, row)
	return nil
}

func markdownCell(s string, maxWidth int) string {
	return strings.ReplaceAll(truncate(escapeControl(s), maxWidth), "|", `\|`)
}

func (r *markdownRenderer) End() error {
	if len(r.cols) == 0 {
		return r.w.Flush()
	}
	names := make([]string, len(r.cols))
	widths := make([]int, len(r.cols))
	for i, c := range r.cols {
		names[i] = markdownCell(c.name, r.opts.MaxWidth)
		widths[i] = max(Width(names[i]), 3)
	}
	for _, row := range r.rows {
		for i, s := range row {
			widths[i] = max(widths[i], Width(s))
		}
	}
	line := func(text func(i int) string) {
		r.w.WriteString("|")
		for i := range r.cols {
			r.w.WriteString(" " + text(i) + " |")
		}
		r.w.WriteString("\n")
	}
	line(func(i int) string { return pad(names[i], widths[i]) })
	r.w.WriteString("|")
	for i, c := range r.cols {
		if c.numeric {
			r.w.WriteString(strings.Repeat("-", widths[i]+1) + ":|")
		} else {
			r.w.WriteString(strings.Repeat("-", widths[i]+2) + "|")
		}
	}
	r.w.WriteString("\n")
	for _, row := range r.rows {
		line(func(i int) string {
			if r.cols[i].numeric {
				return strings.Repeat(" ", widths[i]-Width(row[i])) + row[i]
			}
			return pad(row[i], widths[i])
		})
	}
	return r.w.Flush()
}

// ---- csv, tabs, list ----

// separatedRenderer writes one line per row. With "," it is RFC 4180 CSV:
// fields holding a comma, quote, CR or LF, or with blanks at either end, are
// quoted with "" for a quote inside; an empty string is "" while NULL is
// empty. Otherwise control characters in values are escaped (\t, \n), so a
// row stays one line.
type separatedRenderer struct {
	w    *bufio.Writer
	cols []column
	sep  string
}

func newCSV(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	return newSeparated(w, cols, opts, ",")
}

func newSeparated(w *bufio.Writer, cols []column, opts RenderOptions, sep string) Renderer {
	r := &separatedRenderer{w: w, cols: cols, sep: sep}
	if !opts.NoHeader && len(cols) > 0 {
		for i, c := range cols {
			if i > 0 {
				w.WriteString(sep)
			}
			w.WriteString(r.field(c.name, false))
		}
		w.WriteString("\n")
	}
	return r
}

func (r *separatedRenderer) field(s string, null bool) string {
	if r.sep != "," {
		if null {
			return ""
		}
		return escapeControl(s)
	}
	switch {
	case null:
		return ""
	case s == "", strings.ContainsAny(s, ",\"\r\n"), isSpaceRune(rune(s[0])), isSpaceRune(rune(s[len(s)-1])):
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func (r *separatedRenderer) Row(values []any) error {
	for i, c := range r.cols {
		if i > 0 {
			r.w.WriteString(r.sep)
		}
		if values[i] == nil {
			r.w.WriteString(r.field("", true))
		} else {
			r.w.WriteString(r.field(cellText(values[i], c), false))
		}
	}
	_, err := r.w.WriteString("\n")
	return err
}

func (r *separatedRenderer) End() error { return r.w.Flush() }

// ---- json, jsonlines ----

type jsonRenderer struct {
	w     *bufio.Writer
	cols  []column
	lines bool // jsonlines: one object per line, no array
	rows  int
	buf   []byte
}

func newJSON(w *bufio.Writer, cols []column, _ RenderOptions) Renderer {
	return &jsonRenderer{w: w, cols: cols}
}

func newJSONLines(w *bufio.Writer, cols []column, _ RenderOptions) Renderer {
	return &jsonRenderer{w: w, cols: cols, lines: true}
}

func (r *jsonRenderer) Row(values []any) error {
	b := r.buf[:0]
	switch {
	case r.lines:
	case r.rows == 0:
		b = append(b, '[')
	default:
		b = append(b, ",\n"...)
	}
	b = append(b, '{')
	for i, c := range r.cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, c.name)
		b = append(b, ':')
		b = appendJSON(b, values[i], c.typ)
	}
	b = append(b, '}')
	if r.lines {
		b = append(b, '\n')
	}
	r.rows++
	r.buf = b
	_, err := r.w.Write(b)
	return err
}

func (r *jsonRenderer) End() error {
	switch {
	case r.lines:
	case r.rows == 0:
		r.w.WriteString("[]\n")
	default:
		r.w.WriteString("]\n")
	}
	return r.w.Flush()
}

// ---- line ----

// lineRenderer writes each row as "name = value" lines, names aligned
// right, with a blank line between rows. Control characters in values are
// escaped (\n), so that each value stays on its line.
type lineRenderer struct {
	w     *bufio.Writer
	cols  []column
	width int
	rows  int
}

func newLine(w *bufio.Writer, cols []column, _ RenderOptions) Renderer {
	r := &lineRenderer{w: w, cols: cols}
	for _, c := range cols {
		r.width = max(r.width, Width(c.name))
	}
	return r
}

func (r *lineRenderer) Row(values []any) error {
	if r.rows > 0 {
		r.w.WriteString("\n")
	}
	r.rows++
	for i, c := range r.cols {
		r.w.WriteString(strings.Repeat(" ", r.width-Width(c.name)) + c.name + " = " + escapeControl(cellText(values[i], c)) + "\n")
	}
	return nil
}

func (r *lineRenderer) End() error { return r.w.Flush() }
