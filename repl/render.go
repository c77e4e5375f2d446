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
	// MaxWidth, when positive, is the total width in terminal columns that
	// box and table results fit in (the DuckDB shell's .maxwidth): a wider
	// result first has its columns wider than maxColWidth shortened, their
	// cells ending with "…", and when that is not enough, columns from the
	// middle are replaced by a single "…" column, keeping the first and
	// the last, and the footer says so ("3 rows  12 columns (5 shown)").
	// 0 never shortens or leaves out a column.
	MaxWidth int
	// MaxCellWidth, when positive, cuts box, table and markdown cells wider
	// than this many columns, ending them with "…", whatever MaxWidth.
	MaxCellWidth int
	// ColumnWidths are the minimum widths of the columns of column mode, in
	// order (the DuckDB shell's .width); a negative width right-aligns its
	// column. Columns past the end of the slice get 0.
	ColumnWidths []int
	// Columns draws box and table results column-wise (.columns): each
	// result column is a row that holds its name, its type and its values.
	Columns bool
	// ColSeparator and RowSeparator separate fields and records in list,
	// tabs, csv, quote and ascii mode, and RowSeparator the records of line
	// mode (.separator); "" is the mode's own: | and a newline in list, a
	// tab in tabs, a comma and CRLF in csv, a comma in quote, 0x1F and 0x1E
	// in ascii.
	ColSeparator, RowSeparator string
	// Table is the table the statements of insert mode insert into, quoted
	// as an SQL identifier when it must be; "" is "table", as in the DuckDB
	// shell.
	Table string
	// keywords are DuckDB's keywords, in lower case, which insert mode
	// quotes as identifiers; nil knows only "table".
	keywords map[string]bool
	// NullValue, when not nil, is how NULL prints in the text modes (box,
	// table, markdown, line, column, html, latex, csv, tabs, list, ascii).
	// nil keeps each mode's default: "NULL" in box, table, markdown, line,
	// column, html and latex, an empty field in csv, tabs, list and ascii.
	// JSON always writes null, quote and insert NULL. NULLs inside a LIST,
	// STRUCT or MAP print as NULL, as DuckDB casts them.
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
	// sep and eol are the mode's field and record separators unless
	// RenderOptions set them (DuckDB's "|" and "\n" where the mode has
	// none, as .show reports them); null is how NULL prints unless
	// RenderOptions.NullValue says.
	sep, eol, null string
	new            func(w *bufio.Writer, cols []column, opts RenderOptions) Renderer
}

// options returns opts with the mode's separators and NULL text where
// opts leave them unset.
func (m modeSpec) options(opts RenderOptions) RenderOptions {
	if opts.ColSeparator == "" {
		opts.ColSeparator = m.sep
	}
	if opts.RowSeparator == "" {
		opts.RowSeparator = m.eol
	}
	if opts.NullValue == nil {
		null := m.null
		opts.NullValue = &null
	}
	return opts
}

// modes is the one table of output modes: .mode, the command-line flags
// and .help are all derived from it.
var modes = []modeSpec{
	{Mode{"ascii", "columns and rows separated by 0x1F and 0x1E"}, "\x1f", "\x1e", "", separated(sepRaw)},
	{Mode{"box", "tables drawn with Unicode box characters, with column types (default)"}, "|", "\n", "NULL", newBox},
	{Mode{"column", "columns padded to a common width (see .width)"}, "|", "\n", "NULL", newColumn},
	{Mode{"csv", "comma-separated values (RFC 4180)"}, ",", "\r\n", "", separated(sepCSV)},
	{Mode{"html", "HTML table rows"}, "|", "\n", "NULL", newHTML},
	{Mode{"insert", "SQL INSERT statements into TABLE (.mode insert TABLE; default \"table\")"}, "|", "\n", "NULL", newInsert},
	{Mode{"json", "one JSON array of objects per result"}, "|", "\n", "NULL", newJSON},
	{Mode{"jsonlines", "one JSON object per line"}, "|", "\n", "NULL", newJSONLines},
	{Mode{"latex", "LaTeX tabular environment"}, "|", "\n", "NULL", newLatex},
	{Mode{"line", "one value per line: column = value"}, "|", "\n", "NULL", newLine},
	{Mode{"list", "values separated by |"}, "|", "\n", "", separated(sepEscaped)},
	{Mode{"markdown", "Markdown table"}, "|", "\n", "NULL", newMarkdown},
	{Mode{"quote", "values as SQL literals, separated by commas"}, ",", "\n", "NULL", newQuote},
	{Mode{"table", "ASCII-art table"}, "|", "\n", "NULL", newTable},
	{Mode{"tabs", "tab-separated values"}, "\t", "\n", "", separated(sepEscaped)},
	{Mode{"trash", "no output (the query still runs)"}, "|", "\n", "NULL", newTrash},
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
	if (spec.Name == "box" || spec.Name == "table") && isExplain(cols) && !opts.Columns {
		return &explainRenderer{w: bw}, nil
	}
	return spec.new(bw, cs, spec.options(opts)), nil
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
			row[i] = cell{truncate(escapeControl(r.opts.null("NULL")), r.opts.MaxCellWidth), true}
		} else {
			row[i] = cell{text: truncate(escapeControl(cellText(values[i], c)), r.opts.MaxCellWidth)}
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
	cols, head, types := r.cols, r.head, r.frame.types
	if r.opts.Columns && r.total > 0 {
		cols, head = r.pivot(tail)
		tail, types = nil, false
	}

	names := make([]string, len(cols))
	typeNames := make([]string, len(cols))
	widths := make([]int, len(cols))
	for i, c := range cols {
		names[i] = truncate(escapeControl(c.name), r.opts.MaxCellWidth)
		typeNames[i] = truncate(c.typ.display(), r.opts.MaxCellWidth)
		if !r.opts.NoHeader {
			widths[i] = Width(names[i])
			if types {
				widths[i] = max(widths[i], Width(typeNames[i]))
			}
		}
		widths[i] = max(widths[i], 1)
	}
	for _, rows := range [][][]cell{head, tail} {
		for _, row := range rows {
			for i, c := range row {
				widths[i] = max(widths[i], Width(c.text))
			}
		}
	}

	// Columns that do not fit the width are shortened, then give way to a
	// "…" column.
	shown, sw := layoutColumns(widths, r.opts.MaxWidth)
	hidden := 0
	if slices.Contains(shown, -1) {
		hidden = len(cols) - (len(shown) - 1)
	}
	var footer, colsNote string
	switch {
	case elided:
		footer = fmt.Sprintf("%d rows (%d shown)", r.total, len(r.head)+len(r.tail))
	case r.total == 0 && r.opts.NoHeader && hidden == 0:
		return r.w.Flush()
	case r.total == 0 || hidden > 0:
		footer = plural(r.total, "row")
	}
	if hidden > 0 {
		colsNote = fmt.Sprintf("%d columns (%d shown)", len(cols), len(cols)-hidden)
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
	case colsNote != "" && max(inner(), Width(footer)+2+Width(colsNote)+2)+2 > r.opts.MaxWidth:
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
	numeric := func(i int) bool { return cols[i].numeric }

	f := r.frame
	r.rule(sw, f.tl, f.tj, f.tr)
	if !r.opts.NoHeader {
		r.line(sw, func(k int) string {
			if shown[k] < 0 {
				return center("…", sw[k])
			}
			return center(truncate(names[shown[k]], sw[k]), sw[k])
		})
		if types {
			r.line(sw, func(k int) string {
				if shown[k] < 0 {
					return pad("", sw[k])
				}
				return center(truncate(typeNames[shown[k]], sw[k]), sw[k])
			})
		}
		r.rule(sw, f.ml, f.mj, f.mr)
	}
	data := func(row []cell) {
		r.line(sw, func(k int) string {
			if shown[k] < 0 {
				return center("…", sw[k])
			}
			return align(truncate(row[shown[k]].text, sw[k]), numeric(shown[k]), sw[k])
		})
	}
	for _, row := range head {
		data(row)
	}
	if elided && !r.opts.Columns {
		for range 3 {
			r.line(sw, func(k int) string {
				if shown[k] < 0 {
					return center("·", sw[k])
				}
				return align("·", numeric(shown[k]), sw[k])
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

// pivot turns the shown rows (head, then tail) column-wise, as the DuckDB
// shell's .columns draws them: one row per result column with its name,
// its type and its values, under the header Column, Type, Row 1, Row 2,
// ... (the rows' numbers in the result).
func (r *tableRenderer) pivot(tail [][]cell) ([]column, [][]cell) {
	varchar := parseType("VARCHAR")
	cols := []column{{name: "Column", typ: varchar}, {name: "Type", typ: varchar}}
	for i := range r.head {
		cols = append(cols, column{name: fmt.Sprintf("Row %d", i+1), typ: varchar})
	}
	for i := range tail {
		cols = append(cols, column{name: fmt.Sprintf("Row %d", r.total-len(tail)+i+1), typ: varchar})
	}
	rows := make([][]cell, len(r.cols))
	for c, col := range r.cols {
		row := []cell{{text: truncate(escapeControl(col.name), r.opts.MaxCellWidth)}, {text: col.typ.display()}}
		for _, src := range [][][]cell{r.head, tail} {
			for _, v := range src {
				row = append(row, v[c])
			}
		}
		rows[c] = row
	}
	return cols, rows
}

// maxColWidth is the width that box and table shorten wide columns to
// before they leave any column out (the DuckDB shell's max_col_width).
const maxColWidth = 20

// layoutColumns fits the columns of a table, widths wide, into limit
// terminal columns (0: no limit), as the DuckDB shell's box renderer does.
// It returns the indexes of the columns to draw, with -1 for a "…" column
// that stands in for the ones left out, and the width of each.
//
// A table wider than limit first has its columns wider than maxColWidth
// shortened: the widest are narrowed to a common width until the table
// fits, but none below maxColWidth. When that is not enough, those columns
// are maxColWidth wide and columns are left out from the middle (the
// middle one, then its left and right neighbours in turn) until the table
// fits; the first column always stays. Room left over goes back to the
// shortened columns that are shown, left to right.
func layoutColumns(widths []int, limit int) (shown, sw []int) {
	w := slices.Clone(widths)
	total := 1 // the left edge; each column adds its width, 2 blanks and a rule
	for _, x := range w {
		total += x + 3
	}
	pruned := make([]bool, len(w))
	if limit > 0 && total > limit {
		orig := slices.Clone(w)
		need, avail := total-limit, 0
		for _, x := range w {
			avail += max(x-maxColWidth, 0)
		}
		if avail >= need {
			shortenWidest(w, need)
			total = limit
		} else {
			for i, x := range w {
				if x > maxColWidth {
					total -= x - maxColWidth
					w[i] = maxColWidth
				}
			}
			total += 3 + 1 // the "…" column
			kept, offset := len(w), 0
			for total > limit && kept > 1 {
				c := len(w)/2 + offset
				if offset >= 0 {
					offset = -offset - 1
				} else {
					offset = -offset
				}
				if c <= 0 || c >= len(w) || pruned[c] {
					continue
				}
				total -= w[c] + 3
				pruned[c] = true
				kept--
			}
			if total > limit { // the first column alone is too wide
				cut := min(total-limit, w[0]-1)
				w[0] -= cut
				total -= cut
			}
			space := limit - total
			for c := 0; c < len(w) && space > 0; c++ {
				if pruned[c] || w[c] >= orig[c] {
					continue
				}
				inc := min(space, orig[c]-w[c])
				w[c] += inc
				space -= inc
			}
		}
	}
	split := false
	for c := range w {
		switch {
		case !pruned[c]:
			shown = append(shown, c)
			sw = append(sw, w[c])
		case !split:
			shown = append(shown, -1)
			sw = append(sw, 1)
			split = true
		}
	}
	return shown, sw
}

// shortenWidest narrows the columns of widths wider than maxColWidth by
// need columns in all, the widest first: the widest are narrowed to the
// width of the next widest, then both together, and so on, as the DuckDB
// shell does; when a group cannot all lose the same amount, the columns
// listed last in it lose one more.
func shortenWidest(widths []int, need int) {
	groups := map[int][]int{} // how much a column can lose -> the columns
	var keys []int
	for i, x := range widths {
		s := max(x-maxColWidth, 0)
		if _, ok := groups[s]; !ok {
			keys = append(keys, s)
		}
		groups[s] = append(groups[s], i)
	}
	slices.Sort(keys)
	cut := make([]int, len(widths))
	for need > 0 {
		k := len(keys) - 1
		largest, list := keys[k], groups[keys[k]]
		second := 0
		if k > 0 {
			second = keys[k-1]
		}
		step := largest - second
		if step*len(list) >= need {
			per := need / len(list)
			for _, c := range list {
				cut[c] += per
			}
			need -= per * len(list)
			for i := len(list); i > 0 && need > 0; i-- {
				cut[list[i-1]]++
				need--
			}
			break
		}
		for _, c := range list {
			cut[c] += step
		}
		need -= step * len(list)
		if k == 0 {
			break // not reached: the caller made sure there is enough to cut
		}
		groups[second] = append(groups[second], list...)
		keys = keys[:k]
	}
	for i := range widths {
		widths[i] -= cut[i]
	}
}

// plural spells n things: "1 row", "0 rows".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// align pads s to w columns, on the left for numbers.
func align(s string, numeric bool, w int) string {
	if numeric {
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
		row[i] = markdownCell(text, r.opts.MaxCellWidth)
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
		names[i] = markdownCell(c.name, r.opts.MaxCellWidth)
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

// separatedRenderer writes one record per row, fields separated by sep
// and records ended by eol (RenderOptions.ColSeparator and RowSeparator,
// or the mode's own). In csv mode it is RFC 4180 CSV: fields holding the
// separator, a quote, CR or LF, or with blanks at either end, are quoted
// with "" for a quote inside; an empty string is "" while NULL is empty.
// In list and tabs mode control characters in values are escaped (\t,
// \n), so a row stays one line; ascii mode, whose separators are not
// text, writes values as they are.
type separatedRenderer struct {
	w    *bufio.Writer
	cols []column
	sep  string
	null string // NULL's field text (RenderOptions.NullValue), "" by default
	eol  string
	kind sepKind
}

// sepKind is how a mode of separated values writes a field.
type sepKind int

const (
	sepEscaped sepKind = iota // control characters escaped (list, tabs)
	sepCSV                    // quoted as RFC 4180 says (csv)
	sepRaw                    // as it is (ascii)
)

// separated makes the renderer of a mode of separated values of the given
// kind, with RenderOptions' separators.
func separated(kind sepKind) func(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	return func(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
		r := &separatedRenderer{w: w, cols: cols, sep: opts.ColSeparator, null: opts.null(""), eol: opts.RowSeparator, kind: kind}
		if !opts.NoHeader && len(cols) > 0 {
			for i, c := range cols {
				if i > 0 {
					w.WriteString(r.sep)
				}
				w.WriteString(r.field(c.name, false))
			}
			w.WriteString(r.eol)
		}
		return r
	}
}

func (r *separatedRenderer) field(s string, null bool) string {
	if null {
		if r.kind == sepCSV && r.null != "" {
			return r.field(r.null, false)
		}
		s = r.null
	}
	switch r.kind {
	case sepRaw:
		return s
	case sepEscaped:
		return escapeControl(s)
	}
	if null {
		return "" // csv: NULL is an empty field, "" an empty string
	}
	switch {
	case s == "", strings.ContainsAny(s, "\"\r\n"), strings.Contains(s, r.sep), isSpaceRune(rune(s[0])), isSpaceRune(rune(s[len(s)-1])):
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
// right to the widest name (at least 5 columns, as in the DuckDB shell),
// with a blank line between rows. Lines end with RenderOptions.RowSeparator
// ("\n" by default). Control characters in values are escaped (\n), so
// that each value stays on its line.
type lineRenderer struct {
	w     *bufio.Writer
	cols  []column
	width int
	rows  int
	null  string
	eol   string
}

func newLine(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	r := &lineRenderer{w: w, cols: cols, null: opts.null("NULL"), width: 5, eol: opts.RowSeparator}
	for _, c := range cols {
		r.width = max(r.width, Width(c.name))
	}
	return r
}

func (r *lineRenderer) Row(values []any) error {
	if r.rows > 0 {
		r.w.WriteString(r.eol)
	}
	r.rows++
	for i, c := range r.cols {
		text := r.null
		if values[i] != nil {
			text = cellText(values[i], c)
		}
		r.w.WriteString(strings.Repeat(" ", r.width-Width(c.name)) + c.name + " = " + escapeControl(text) + r.eol)
	}
	return nil
}

func (r *lineRenderer) End() error { return r.w.Flush() }
