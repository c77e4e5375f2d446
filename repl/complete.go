package repl

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Tab completion for the REPL. What the cursor is in decides the source:
//
//   - a dot command's name at the start of a line: the dot commands;
//   - a file argument of .read, .open, .output or .once: file paths;
//   - the string that is the first argument of a ducksight function taking a
//     model (predict('ch|): the stored model names;
//   - the string that is the data argument of a ducksight function
//     (evaluate('churn', 'te|): the tables and views (not inside other
//     string literals);
//   - a new argument of a ducksight function (..., ep|): its named arguments,
//     completed as `epochs := `;
//   - anywhere else: DuckDB's own autocomplete extension (sql_auto_complete,
//     built into the static library): keywords, tables, columns, functions,
//     schemas and files, as the DuckDB shell completes them.
//
// Completion runs SQL only on the session's connection, between statements,
// with user text passed as a bound parameter.

// FunctionInfo describes one of ducksight's SQL functions for completion and
// .functions: its name, whether it takes a model as first argument, its
// named arguments, and every argument's declaration.
type FunctionInfo struct {
	Name       string
	Kind       string // "table" or "scalar"
	Summary    string
	Signature  string // e.g. "predict(model VARCHAR, data VARCHAR, threshold := DOUBLE, version := INTEGER)"
	TakesModel bool
	Named      []string
	Args       []ArgInfo // positional then named, as declared; .functions NAME shows them
}

// ArgInfo describes one argument of a function, as docs/sql.md's argument
// table does.
type ArgInfo struct {
	Name    string
	Type    string // SQL type, e.g. "DOUBLE"
	Default string // as SQL text ("0.5", "'relu'") or in words ("the latest", "required")
	Range   string // allowed interval ("[0, 1]", ">= 1") or values ("'adam', 'sgd'"); "" for any
	Doc     string // one line
}

// completer completes the word under the cursor; pending is the text of the
// statement's earlier lines (empty at a fresh prompt).
type completer struct {
	s       *Session
	funcs   []FunctionInfo
	pending func() string
}

// timeout bounds the catalog queries one Tab press makes.
const completeTimeout = 2 * time.Second

// complete implements liner's WordCompleter: it returns the line's text
// before the completed word, the candidates for the word (each replacing
// it), and the text after the cursor.
func (c *completer) complete(line string, pos int) (head string, cands []string, tail string) {
	before, tail := line[:pos], line[pos:]
	pending := ""
	if c.pending != nil {
		pending = c.pending()
	}
	// Dot commands and their file arguments.
	if pending == "" && strings.HasPrefix(strings.TrimLeft(before, " \t"), ".") {
		trimmed := strings.TrimLeft(before, " \t")
		lead := before[:len(before)-len(trimmed)]
		if !strings.ContainsAny(trimmed, " \t") {
			for _, d := range dotCommands {
				if strings.HasPrefix(d.name, trimmed) {
					cands = append(cands, d.name+" ")
				}
			}
			return lead, cands, tail
		}
		name, _, _ := strings.Cut(trimmed, " ")
		switch name {
		case ".read", ".open", ".output", ".once":
			i := strings.LastIndexAny(before, " \t") + 1
			return before[:i], completePath(before[i:]), tail
		}
		return before, nil, tail
	}

	ctx := scanContext(pending + before)
	if ctx.inString {
		// A model name: the string must have begun on this line.
		if f := c.function(ctx.fn); f != nil && f.TakesModel && ctx.arg == 0 && ctx.start >= len(pending) {
			head = before[:ctx.start-len(pending)]
			for _, m := range c.models() {
				if strings.HasPrefix(m, ctx.text) {
					cands = append(cands, strings.ReplaceAll(m, "'", "''")+"'")
				}
			}
			if len(cands) > 0 {
				return head, cands, tail
			}
		}
		// A table or view: the data argument of a ducksight call.
		if f := c.function(ctx.fn); f != nil && ctx.arg < len(f.Args) && f.Args[ctx.arg].Name == "data" && ctx.start >= len(pending) {
			head = before[:ctx.start-len(pending)]
			for _, t := range c.tables() {
				if strings.HasPrefix(strings.ToLower(t), strings.ToLower(ctx.text)) {
					cands = append(cands, strings.ReplaceAll(t, "'", "''")+"'")
				}
			}
			if len(cands) > 0 {
				return head, cands, tail
			}
		}
		return before, nil, tail
	}
	word := trailingWord(before)
	head = before[:len(before)-len(word)]
	if f := c.function(ctx.fn); f != nil && ctx.arg > 0 && ctx.argStart {
		for _, n := range f.Named {
			if strings.HasPrefix(n, strings.ToLower(word)) {
				cands = append(cands, n+" := ")
			}
		}
		if len(cands) > 0 {
			return head, cands, tail
		}
	}
	return head, c.duckdb(pending+before, len(pending)+len(head), word), tail
}

func (c *completer) function(name string) *FunctionInfo {
	for i := range c.funcs {
		if strings.EqualFold(c.funcs[i].Name, name) {
			return &c.funcs[i]
		}
	}
	return nil
}

// models lists the stored model names (none when the store is empty or
// unreadable).
func (c *completer) models() []string {
	ctx, cancel := context.WithTimeout(context.Background(), completeTimeout)
	defer cancel()
	rows, err := c.s.conn.QueryContext(ctx, `SELECT DISTINCT name FROM models() ORDER BY name`)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			out = append(out, n)
		}
	}
	return out
}

// tables lists the tables and views .tables lists, sorted.
func (c *completer) tables() []string {
	ctx, cancel := context.WithTimeout(context.Background(), completeTimeout)
	defer cancel()
	objs, err := c.s.catalog(ctx, "")
	if err != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, o := range objs {
		if o.kind <= 2 && !seen[o.label] {
			seen[o.label] = true
			out = append(out, o.label)
		}
	}
	sort.Strings(out)
	return out
}

// duckdb asks DuckDB's autocomplete extension about text, keeping the
// suggestions that replace word (which starts at byte offset start of
// text) and extend it.
func (c *completer) duckdb(text string, start int, word string) []string {
	ctx, cancel := context.WithTimeout(context.Background(), completeTimeout)
	defer cancel()
	rows, err := c.s.conn.QueryContext(ctx, `SELECT suggestion, suggestion_start, coalesce(extra_char, '') FROM sql_auto_complete(?)`, text)
	if err != nil {
		return nil
	}
	defer rows.Close()
	lower := strings.ToLower(word)
	seen := map[string]bool{}
	var out []string
	for rows.Next() {
		var sug, extra string
		var at int
		if rows.Scan(&sug, &at, &extra) != nil || at != start {
			continue
		}
		if !strings.HasPrefix(strings.ToLower(sug), lower) || seen[sug] {
			continue
		}
		seen[sug] = true
		// Keep the user's case for keywords typed in upper case.
		if word != "" && word == strings.ToUpper(word) && sug == strings.ToLower(sug) {
			sug = strings.ToUpper(sug)
		}
		out = append(out, sug+extra)
	}
	return out
}

// completePath completes a file path prefix.
func completePath(prefix string) []string {
	dir, file := filepath.Split(prefix)
	look := dir
	if look == "" {
		look = "."
	}
	entries, err := os.ReadDir(look)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, file) || strings.HasPrefix(name, ".") && !strings.HasPrefix(file, ".") {
			continue
		}
		if e.IsDir() {
			name += string(filepath.Separator)
		}
		out = append(out, dir+name)
	}
	sort.Strings(out)
	return out
}

// trailingWord is the identifier-like word that ends s.
func trailingWord(s string) string {
	i := len(s)
	for i > 0 && (isIdentChar(s[i-1]) || s[i-1] == '.') {
		i--
	}
	return s[i:]
}

// callContext is where a cursor stands in a statement prefix.
type callContext struct {
	fn       string // innermost open function call ("" when none)
	arg      int    // index of the argument the cursor is in
	argStart bool   // only blanks and the current word since the argument began
	inString bool   // inside a single-quoted string
	text     string // the string's text so far ('' unescaped), when inString
	start    int    // the byte offset of the string's text, when inString
}

// scanContext reads a statement prefix the way the lexer does (strings,
// quoted identifiers, dollar quotes and comments) and tracks the open
// function calls.
func scanContext(src string) callContext {
	type frame struct {
		fn       string
		arg      int
		argBegin int
	}
	var stack []frame
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\'':
			j := i + 1
			var b strings.Builder
			closed := false
			for j < len(src) {
				if src[j] == '\'' {
					if j+1 < len(src) && src[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					closed = true
					j++
					break
				}
				b.WriteByte(src[j])
				j++
			}
			if !closed {
				cc := callContext{inString: true, text: b.String(), start: i + 1}
				if n := len(stack); n > 0 {
					cc.fn, cc.arg = stack[n-1].fn, stack[n-1].arg
				}
				return cc
			}
			i = j
		case c == '"':
			j := strings.IndexByte(src[i+1:], '"')
			if j < 0 {
				return callContext{}
			}
			i += j + 2
		case c == '$':
			end := strings.IndexByte(src[i+1:], '$')
			tag := ""
			if end >= 0 {
				tag = src[i : i+end+2]
			}
			if end < 0 || strings.ContainsAny(tag[1:len(tag)-1], " \t\n();,'") {
				i++
				continue
			}
			k := strings.Index(src[i+len(tag):], tag)
			if k < 0 {
				return callContext{} // in a dollar-quoted string
			}
			i += len(tag) + k + len(tag)
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			k := strings.IndexByte(src[i:], '\n')
			if k < 0 {
				return callContext{}
			}
			i += k + 1
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			k := strings.Index(src[i+2:], "*/")
			if k < 0 {
				return callContext{}
			}
			i += k + 4
		case c == '(':
			stack = append(stack, frame{fn: strings.ToLower(trailingWord(strings.TrimRight(src[:i], " \t\n"))), argBegin: i + 1})
			i++
		case c == ')':
			if n := len(stack); n > 0 {
				stack = stack[:n-1]
			}
			i++
		case c == ',':
			if n := len(stack); n > 0 {
				stack[n-1].arg++
				stack[n-1].argBegin = i + 1
			}
			i++
		case c == ';':
			stack = nil
			i++
		default:
			i++
		}
	}
	if len(stack) == 0 {
		return callContext{}
	}
	f := stack[len(stack)-1]
	rest := strings.TrimLeft(src[f.argBegin:], " \t\n")
	return callContext{fn: f.fn, arg: f.arg, argStart: rest == trailingWord(rest)}
}
