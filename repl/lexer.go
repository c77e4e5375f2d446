package repl

import "strings"

// Statement is one unit of a script: an SQL statement or a dot command.
type Statement struct {
	// Text is the statement as written, from its first significant character
	// through the terminating ';' (included). Comments before the statement are
	// not part of it; comments inside it are. For a dot command, Text is the line
	// without surrounding blanks.
	Text string
	// Line is the 1-based line of the statement's first character (the first
	// non-blank, non-comment character), for FILE:LINE messages.
	Line int
	// Dot reports a dot command such as `.mode csv`: a line whose first non-blank
	// character is '.' while no SQL statement is open. It ends at the end of its
	// line.
	Dot bool
	// Complete reports that an SQL statement was ended by ';' outside any string,
	// quoted identifier or comment. The last statement of a script may be
	// incomplete; it is returned all the same, and a REPL uses Complete to decide
	// whether to ask for a continuation line. Dot commands are always complete.
	Complete bool
}

// Split cuts src into statements and dot commands, in order.
//
// A ';' ends a statement unless it is inside a single-quoted string (where a
// doubled quote stands for one, and in E'...' a backslash escapes the next
// character), a double-quoted identifier, a dollar-quoted string ($$...$$ or
// $tag$...$tag$), a -- line comment or a /* */ block comment (which nest, as
// in DuckDB). Text that holds only blanks, comments and stray ';' is not a
// statement.
func Split(src string) []Statement {
	var out []Statement
	s := scanner{src: src, line: 1}
	if strings.HasPrefix(src, "\uFEFF") {
		s.pos = len("\uFEFF")
	}
	atLineStart := true // only blanks since the last newline
	for s.pos < len(src) {
		c := src[s.pos]
		switch {
		case c == '\n':
			s.pos++
			s.line++
			atLineStart = true
		case isBlank(c):
			s.pos++
		case c == ';':
			s.pos++
			atLineStart = false
		case s.commentStart():
			s.skipComment()
			atLineStart = false
		case c == '.' && atLineStart:
			end := strings.IndexByte(src[s.pos:], '\n')
			if end < 0 {
				end = len(src) - s.pos
			}
			text := strings.TrimSpace(src[s.pos : s.pos+end])
			out = append(out, Statement{Text: text, Line: s.line, Dot: true, Complete: true})
			s.pos += end
		default:
			start, line := s.pos, s.line
			complete := s.skipStatement()
			out = append(out, Statement{Text: strings.TrimRightFunc(src[start:s.pos], isSpaceRune), Line: line, Complete: complete})
			atLineStart = false
		}
	}
	return out
}

// scanner walks SQL text byte by byte; every construct it skips keeps line up
// to date.
type scanner struct {
	src  string
	pos  int
	line int
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }

func isSpaceRune(r rune) bool { return r == '\n' || r < 0x80 && isBlank(byte(r)) }

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' || c == '$' }

// commentStart reports whether a comment starts at the current position.
func (s *scanner) commentStart() bool {
	rest := s.src[s.pos:]
	return strings.HasPrefix(rest, "--") || strings.HasPrefix(rest, "/*")
}

// skipComment skips a -- comment up to (not including) its newline, or a
// possibly nested /* */ comment. An unterminated block comment runs to the end.
func (s *scanner) skipComment() {
	if s.src[s.pos] == '-' {
		for s.pos < len(s.src) && s.src[s.pos] != '\n' {
			s.pos++
		}
		return
	}
	s.pos += 2
	depth := 1
	for s.pos < len(s.src) && depth > 0 {
		switch {
		case strings.HasPrefix(s.src[s.pos:], "/*"):
			depth++
			s.pos += 2
		case strings.HasPrefix(s.src[s.pos:], "*/"):
			depth--
			s.pos += 2
		default:
			s.advance()
		}
	}
}

// advance moves one byte, counting newlines.
func (s *scanner) advance() {
	if s.src[s.pos] == '\n' {
		s.line++
	}
	s.pos++
}

// skipStatement moves past one SQL statement and its ';'. It reports whether
// the ';' was found before the end of the input.
func (s *scanner) skipStatement() (complete bool) {
	for s.pos < len(s.src) {
		if s.src[s.pos] == ';' {
			s.pos++
			return true
		}
		s.skipToken()
	}
	return false
}

// skipToken skips one lexical unit that may contain ';': a string, quoted
// identifier, dollar-quoted string or comment, or else a single byte.
func (s *scanner) skipToken() {
	c := s.src[s.pos]
	switch {
	case s.commentStart():
		s.skipComment()
	case c == '\'':
		escapes := s.pos > 0 && (s.src[s.pos-1] == 'e' || s.src[s.pos-1] == 'E') &&
			(s.pos == 1 || !isIdentChar(s.src[s.pos-2]))
		s.skipQuoted('\'', escapes)
	case c == '"':
		s.skipQuoted('"', false)
	case c == '$':
		if tag, ok := s.dollarTag(); ok {
			s.pos += len(tag)
			end := strings.Index(s.src[s.pos:], tag)
			if end < 0 {
				end = len(s.src) - s.pos
			} else {
				end += len(tag)
			}
			s.line += strings.Count(s.src[s.pos:s.pos+end], "\n")
			s.pos += end
			return
		}
		s.pos++
	case isIdentStart(c):
		// Skip whole words so that a $ inside an identifier (a$b$) is not
		// taken for the start of a dollar quote.
		for s.pos < len(s.src) && isIdentChar(s.src[s.pos]) {
			s.pos++
		}
	default:
		s.advance()
	}
}

// skipQuoted skips a string or identifier opened by quote at the current
// position; a doubled quote stands for itself, and with backslash escapes
// (E'...') a backslash escapes the next byte.
func (s *scanner) skipQuoted(quote byte, backslash bool) {
	s.pos++
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case backslash && c == '\\' && s.pos+1 < len(s.src):
			s.pos++
			s.advance()
		case c == quote:
			if s.pos+1 < len(s.src) && s.src[s.pos+1] == quote {
				s.pos += 2
				continue
			}
			s.pos++
			return
		default:
			s.advance()
		}
	}
}

// dollarTag returns the opening delimiter of a dollar-quoted string at the
// current position: "$$" or "$tag$" where tag is an identifier without '$'. A
// parameter such as $1 or $name is not one.
func (s *scanner) dollarTag() (string, bool) {
	rest := s.src[s.pos:]
	i := 1
	if i < len(rest) && isIdentStart(rest[i]) {
		for i < len(rest) && rest[i] != '$' && isIdentChar(rest[i]) {
			i++
		}
	}
	if i < len(rest) && rest[i] == '$' {
		return rest[:i+1], true
	}
	return "", false
}

// words calls fn with each keyword or identifier of an SQL statement that is
// outside strings, quoted identifiers and comments, with its parenthesis
// depth, until fn returns false. A '(' met at depth 0 before any word is
// reported as the word "(".
func words(sql string, fn func(word string, depth int) bool) {
	s := scanner{src: sql, line: 1}
	depth := 0
	seen := false
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '(':
			if !seen && depth == 0 && !fn("(", 0) {
				return
			}
			seen = true
			depth++
			s.pos++
		case c == ')':
			depth--
			s.pos++
		case isIdentStart(c):
			start := s.pos
			s.skipToken()
			w := s.src[start:s.pos]
			if len(w) == 1 && s.pos < len(s.src) && s.src[s.pos] == '\'' {
				// A prefix such as E'...' or X'...' belongs to the string.
				continue
			}
			seen = true
			if !fn(w, depth) {
				return
			}
		default:
			s.skipToken()
		}
	}
}

// returnsRows reports whether DuckDB answers the statement with a result set
// of its own (a query, or DML with RETURNING), as opposed to the status
// result (a "Count" or "Success" column) of DDL, DML and utility statements.
// A query keeps its rows even when they look like a status result.
func returnsRows(sql string) bool {
	first := ""
	words(sql, func(w string, depth int) bool {
		first = strings.ToUpper(w)
		return false
	})
	switch first {
	case "(", "SELECT", "FROM", "VALUES", "TABLE", "PRAGMA", "CALL", "EXPLAIN", "DESCRIBE", "DESC",
		"SHOW", "SUMMARIZE", "EXECUTE", "PIVOT", "PIVOT_WIDER", "UNPIVOT", "PIVOT_LONGER":
		return true
	case "WITH":
		// WITH ... SELECT is a query; WITH ... INSERT/UPDATE/DELETE is DML.
		verb := ""
		words(sql, func(w string, depth int) bool {
			switch u := strings.ToUpper(w); u {
			case "SELECT", "FROM", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE":
				if depth == 0 {
					verb = u
					return false
				}
			}
			return true
		})
		if verb != "INSERT" && verb != "UPDATE" && verb != "DELETE" {
			return true
		}
		fallthrough
	case "INSERT", "UPDATE", "DELETE", "MERGE":
		returning := false
		words(sql, func(w string, depth int) bool {
			returning = depth == 0 && strings.EqualFold(w, "RETURNING")
			return !returning
		})
		return returning
	}
	return false
}
