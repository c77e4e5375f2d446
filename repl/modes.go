package repl

import (
	"bufio"
	"strings"
)

// This file holds the output modes that the DuckDB shell has besides the
// tables and the separated values of render.go: column, html, insert,
// quote, latex and trash.

// ---- column, latex ----

// columnRenderer writes column mode, columns padded to a common width and
// separated by two blanks under a line of dashes, or latex mode, a LaTeX
// tabular environment. Widths come from RenderOptions.ColumnWidths (a
// negative one right-aligns its column), the names and the values.
type columnRenderer struct {
	w      *bufio.Writer
	cols   []column
	opts   RenderOptions
	latex  bool
	rows   [][]string
	widths []int
	right  []bool
}

func newColumn(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	return &columnRenderer{w: w, cols: cols, opts: opts}
}

func newLatex(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	return &columnRenderer{w: w, cols: cols, opts: opts, latex: true}
}

func (r *columnRenderer) Row(values []any) error {
	row := make([]string, len(r.cols))
	for i, c := range r.cols {
		if values[i] == nil {
			row[i] = escapeControl(r.opts.null("NULL"))
		} else {
			row[i] = escapeControl(cellText(values[i], c))
		}
	}
	r.rows = append(r.rows, row)
	return nil
}

func (r *columnRenderer) End() error {
	if len(r.cols) == 0 {
		return r.w.Flush()
	}
	names := make([]string, len(r.cols))
	r.widths = make([]int, len(r.cols))
	r.right = make([]bool, len(r.cols))
	for i, c := range r.cols {
		if i < len(r.opts.ColumnWidths) {
			w := r.opts.ColumnWidths[i]
			if w < 0 {
				r.right[i], w = true, -w
			}
			r.widths[i] = w
		}
		names[i] = escapeControl(c.name)
		r.widths[i] = max(r.widths[i], Width(names[i]))
	}
	for _, row := range r.rows {
		for i, s := range row {
			r.widths[i] = max(r.widths[i], Width(s))
		}
	}
	sep, eol := "  ", "\n"
	if r.latex {
		sep, eol = " & ", " \\\\\n"
		r.w.WriteString(`\begin{tabular}{|`)
		for _, c := range r.cols {
			switch c.typ.id {
			case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL":
				r.w.WriteString("r")
			default:
				r.w.WriteString("l")
			}
		}
		r.w.WriteString("|}\n\\hline\n")
		// The DuckDB shell's latex header aligns every name left.
		r.line(names, make([]bool, len(names)), sep, eol)
		r.w.WriteString("\\hline\n")
	} else if !r.opts.NoHeader {
		r.line(names, r.right, sep, eol)
		dashes := make([]string, len(r.cols))
		for i, w := range r.widths {
			dashes[i] = strings.Repeat("-", w)
		}
		r.line(dashes, r.right, sep, eol)
	}
	for _, row := range r.rows {
		r.line(row, r.right, sep, eol)
	}
	if r.latex {
		r.w.WriteString("\\hline\n\\end{tabular}\n")
	}
	return r.w.Flush()
}

func (r *columnRenderer) line(texts []string, right []bool, sep, eol string) {
	for i, s := range texts {
		if i > 0 {
			r.w.WriteString(sep)
		}
		if right[i] {
			r.w.WriteString(strings.Repeat(" ", max(r.widths[i]-Width(s), 0)) + s)
		} else {
			r.w.WriteString(pad(s, r.widths[i]))
		}
	}
	r.w.WriteString(eol)
}

// ---- html ----

// htmlRenderer writes the rows of an HTML table, without the <table>
// element, as the DuckDB shell does: a <tr> of <th> names, then a <tr> of
// <td> values per row, one cell a line.
type htmlRenderer struct {
	w    *bufio.Writer
	cols []column
	null string
}

func newHTML(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	r := &htmlRenderer{w: w, cols: cols, null: opts.null("NULL")}
	if !opts.NoHeader && len(cols) > 0 {
		w.WriteString("<tr>")
		for _, c := range cols {
			w.WriteString("<th>" + htmlEscape(c.name) + "</th>\n")
		}
		w.WriteString("</tr>\n")
	}
	return r
}

func (r *htmlRenderer) Row(values []any) error {
	r.w.WriteString("<tr>")
	for i, c := range r.cols {
		text := r.null
		if values[i] != nil {
			text = cellText(values[i], c)
		}
		r.w.WriteString("<td>" + htmlEscape(text) + "</td>\n")
	}
	_, err := r.w.WriteString("</tr>\n")
	return err
}

func (r *htmlRenderer) End() error { return r.w.Flush() }

var htmlReplacer = strings.NewReplacer("<", "&lt;", "&", "&amp;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }

// ---- quote, insert ----

// quoteRenderer writes quote mode, values as SQL literals separated by
// commas (numbers, booleans and NULL bare, other values in single quotes),
// or insert mode, one INSERT statement per row.
type quoteRenderer struct {
	w      *bufio.Writer
	cols   []column
	opts   RenderOptions
	insert bool
	prefix string // insert: "INSERT INTO t(a,b) VALUES("
}

func newQuote(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	r := &quoteRenderer{w: w, cols: cols, opts: opts}
	if !opts.NoHeader && len(cols) > 0 {
		for i, c := range cols {
			if i > 0 {
				w.WriteString(r.opts.ColSeparator)
			}
			w.WriteString(quoteString(c.name))
		}
		w.WriteString(r.opts.RowSeparator)
	}
	return r
}

func newInsert(w *bufio.Writer, cols []column, opts RenderOptions) Renderer {
	r := &quoteRenderer{w: w, cols: cols, opts: opts, insert: true}
	table := opts.Table
	if table == "" {
		table = "table"
	}
	var b strings.Builder
	b.WriteString("INSERT INTO " + sqlIdent(table, opts.keywords))
	if !opts.NoHeader {
		b.WriteString("(")
		for i, c := range cols {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(sqlIdent(c.name, opts.keywords))
		}
		b.WriteString(")")
	}
	b.WriteString(" VALUES(")
	r.prefix = b.String()
	return r
}

func (r *quoteRenderer) Row(values []any) error {
	if r.insert {
		r.w.WriteString(r.prefix)
	}
	for i, c := range r.cols {
		if i > 0 {
			if r.insert {
				r.w.WriteString(",")
			} else {
				r.w.WriteString(r.opts.ColSeparator)
			}
		}
		switch {
		case values[i] == nil:
			r.w.WriteString("NULL")
		case c.numeric, !r.insert && c.typ.id == "BOOLEAN":
			r.w.WriteString(cellText(values[i], c))
		case r.insert:
			r.w.WriteString(stringLiteral(cellText(values[i], c)))
		default:
			r.w.WriteString(quoteString(cellText(values[i], c)))
		}
	}
	var err error
	if r.insert {
		_, err = r.w.WriteString(");\n")
	} else {
		_, err = r.w.WriteString(r.opts.RowSeparator)
	}
	return err
}

func (r *quoteRenderer) End() error { return r.w.Flush() }

// sqlIdent quotes name as an SQL identifier when it must be, as DuckDB
// does: unless it is lower-case letters, digits (not first) and
// underscores and no keyword (keywords, when known, lists DuckDB's in
// lower case).
func sqlIdent(name string, keywords map[string]bool) string {
	plain := name != ""
	for i := 0; plain && i < len(name); i++ {
		c := name[i]
		plain = c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9'
	}
	if plain && !keywords[name] && !(keywords == nil && name == "table") {
		return name
	}
	return quoteIdent(name)
}

// ---- trash ----

// trashRenderer reads the rows and prints nothing (trash mode: for timing
// a query without its output).
type trashRenderer struct{ w *bufio.Writer }

func newTrash(w *bufio.Writer, _ []column, _ RenderOptions) Renderer { return trashRenderer{w} }

func (trashRenderer) Row([]any) error { return nil }

func (r trashRenderer) End() error { return r.w.Flush() }
