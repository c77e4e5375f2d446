package repl

import (
	"bufio"
	"fmt"
	"io"
	"slices"
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
	// Width, when positive, is the width of the terminal in columns: box and
	// table results wider than that keep columns from both ends, replace
	// the middle ones with a single "…" column and say so in the footer
	// ("3 rows  12 columns (5 shown)"). 0 never leaves a column out.
	Width int
	// NullValue, when not nil, is how NULL prints in the text modes (box,
	// table, markdown, line, csv, tabs, list). nil keeps each mode's default:
	// "NULL" in box, table, markdown and line, an empty field in csv, tabs
	// and list. JSON always writes null. NULLs inside a LIST, STRUCT or MAP
	// print as NULL, as DuckDB casts them.
	NullValue *string
}

// null returns the text of a NULL: NullValue, or def when it is unset.
func (o RenderOptions) null(def string) string {
	if o.NullValue != nil {
		return *o.NullValue
	}
	return def
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
			row[i] = cell{truncate(escapeControl(r.opts.null("NULL")), r.opts.MaxWidth), true}
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

	// Columns that do not fit the terminal give way to a "…" column.
	shown, cut := fitColumns(widths, r.opts.Width)
	hidden := 0
	if slices.Contains(shown, -1) {
		hidden = len(r.cols) - (len(shown) - 1)
	}
	var footer, colsNote string
	switch {
	case elided:
		footer = fmt.Sprintf("%d rows (%d shown)", r.total, len(r.head)+len(tail))
	case r.total == 0 && r.opts.NoHeader && hidden == 0:
		return r.w.Flush()
	case r.total == 0 || hidden > 0:
		footer = plural(r.total, "row")
	}
	if hidden > 0 {
		colsNote = fmt.Sprintf("%d columns (%d shown)", len(r.cols), len(r.cols)-hidden)
	}
	text := func(s string) string { return truncate(s, cut) }
	sw := make([]int, len(shown))
	for k, i := range shown {
		switch {
		case i < 0:
			sw[k] = 1
		case cut > 0:
			sw[k] = min(widths[i], cut)
		default:
			sw[k] = widths[i]
		}
	}
	inner := func() int {
		n := len(sw) - 1
		for _, w := range sw {
			n += w + 2
		}
		return n
	}
	var footers []string // lines of the footer
	switch {
	case colsNote != "" && max(inner(), Width(footer)+2+Width(colsNote)+2)+2 > r.opts.Width:
		// Both on one line would make the table too wide.
		footers = []string{footer, colsNote}
	case colsNote != "":
		footers = []string{footer + strings.Repeat(" ", max(inner()-4-Width(footer)-Width(colsNote), 0)+2) + colsNote}
	case footer != "":
		footers = []string{footer}
	}
	for _, l := range footers {
		// The footer spans the table; widen the last column if it must.
		if need := Width(l) + 2 - inner(); need > 0 {
			sw[len(sw)-1] += need
		}
	}

	f := r.frame
	r.rule(sw, f.tl, f.tj, f.tr)
	if !r.opts.NoHeader {
		r.line(sw, func(k int) string {
			if shown[k] < 0 {
				return center("…", sw[k])
			}
			return center(text(names[shown[k]]), sw[k])
		})
		if f.types {
			r.line(sw, func(k int) string {
				if shown[k] < 0 {
					return pad("", sw[k])
				}
				return center(text(types[shown[k]]), sw[k])
			})
		}
		r.rule(sw, f.ml, f.mj, f.mr)
	}
	data := func(row []cell) {
		r.line(sw, func(k int) string {
			if shown[k] < 0 {
				return center("…", sw[k])
			}
			return r.align(text(row[shown[k]].text), shown[k], sw[k])
		})
	}
	for _, row := range r.head {
		data(row)
	}
	if elided {
		for range 3 {
			r.line(sw, func(k int) string {
				if shown[k] < 0 {
					return center("·", sw[k])
				}
				return r.align("·", shown[k], sw[k])
			})
		}
	}
	for _, row := range tail {
		data(row)
	}
	if len(footers) > 0 {
		n := inner()
		if r.total > 0 || r.opts.NoHeader {
			r.rule(sw, f.ml, f.bj, f.mr)
		}
		for _, l := range footers {
			r.w.WriteString(f.v + " " + pad(l, n-2) + " " + f.v + "\n")
		}
		r.w.WriteString(f.bl + strings.Repeat(f.h, n) + f.br + "\n")
	} else {
		r.rule(sw, f.bl, f.bj, f.br)
	}
	return r.w.Flush()
}

// fitColumns chooses the columns of a table whose columns are widths wide
// that fit in limit terminal columns (0: no limit). It returns the indexes
// of the columns to draw, with -1 for a "…" column that stands in for the
// ones left out: columns are taken alternately from the left and the right
// end while they fit. The first column is always kept; when even it does not
// fit, cut is the width its cells are cut to (else 0).
func fitColumns(widths []int, limit int) (shown []int, cut int) {
	total := 1 // the left edge; each column adds its width, 2 blanks and a rule
	for _, w := range widths {
		total += w + 3
	}
	if limit <= 0 || total <= limit {
		shown = make([]int, len(widths))
		for i := range shown {
			shown[i] = i
		}
		return shown, 0
	}
	budget := limit - 1 - 4 // the left edge and the "…" column
	var left, right []int
	for l, r := 0, len(widths)-1; l <= r; {
		i := l
		if len(right) < len(left) {
			i = r
		}
		if widths[i]+3 > budget {
			break
		}
		budget -= widths[i] + 3
		if i == l {
			left = append(left, i)
			l++
		} else {
			right = append(right, i)
			r--
		}
	}
	if len(left) == 0 {
		left = []int{0}
		cut = max(budget-3, 1)
		right = nil
	}
	shown = append(left, -1)
	for i := len(right) - 1; i >= 0; i-- {
		shown = append(shown, right[i])
	}
	return shown, cut
}

// plural spells n things: "1 row", "0 rows".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
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
		text := r.opts.null("NULL")
		if values[i] != nil {
			text = cellText(values[i], c)
		}
		row[i] = markdownCell(text, r.opts.MaxWidth)
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
	null string // NULL's field text (RenderOptions.NullValue), "" by default
	eol  string // "\r\n" for csv (RFC 4180), "\n" for tabs and list
}

func newCSV(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	return newSeparated(w, cols, opts, ",")
}

func newSeparated(w *bufio.Writer, cols []column, opts RenderOptions, sep string) Renderer {
	r := &separatedRenderer{w: w, cols: cols, sep: sep, null: opts.null(""), eol: "\n"}
	if sep == "," {
		r.eol = "\r\n" // RFC 4180 (and the DuckDB shell's csv mode)
	}
	if !opts.NoHeader && len(cols) > 0 {
		for i, c := range cols {
			if i > 0 {
				w.WriteString(sep)
			}
			w.WriteString(r.field(c.name, false))
		}
		w.WriteString(r.eol)
	}
	return r
}

func (r *separatedRenderer) field(s string, null bool) string {
	if null {
		if r.sep == "," && r.null != "" {
			return r.field(r.null, false)
		}
		return escapeControl(r.null)
	}
	if r.sep != "," {
		return escapeControl(s)
	}
	switch {
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
	_, err := r.w.WriteString(r.eol)
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
	null  string
}

func newLine(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	r := &lineRenderer{w: w, cols: cols, null: opts.null("NULL")}
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
		text := r.null
		if values[i] != nil {
			text = cellText(values[i], c)
		}
		r.w.WriteString(strings.Repeat(" ", r.width-Width(c.name)) + c.name + " = " + escapeControl(text) + "\n")
	}
	return nil
}

func (r *lineRenderer) End() error { return r.w.Flush() }
