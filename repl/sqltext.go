package repl

import "strings"

// SQL text the shell writes: .dump, .import, insert and quote mode.

// quoteIdent quotes name as a SQL identifier: "name", with " doubled.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// quoteString quotes s as a SQL string literal: 's', with ' doubled.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// stringLiteral quotes text as a SQL string literal; newlines, carriage
// returns and NUL bytes go in chr() calls inside concat(...), as the DuckDB
// shell's insert mode writes them.
func stringLiteral(text string) string {
	if !strings.ContainsAny(text, "\n\r\x00") {
		return quoteString(text)
	}
	var b strings.Builder
	b.WriteString("concat('")
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\n':
			b.WriteString("', chr(10), '")
		case '\r':
			b.WriteString("', chr(13), '")
		case 0:
			b.WriteString("', chr(0), '")
		case '\'':
			b.WriteString("''")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString("')")
	return b.String()
}
