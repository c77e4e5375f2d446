package repl

import (
	"strconv"
	"strings"
)

// colType is a DuckDB type parsed from its name as database/sql reports it
// (ColumnType.DatabaseTypeName): "INTEGER", "DECIMAL(10,3)", "VARCHAR[]",
// "DOUBLE[3]", `STRUCT("a" INTEGER, "b" VARCHAR)`, "MAP(VARCHAR, INTEGER)",
// `UNION("n" INTEGER, "s" VARCHAR)`. Values are formatted from their Go value;
// the type adds what the value lost: the field order of a STRUCT, whether a
// []byte is a BLOB or a UUID, which parts of a time.Time a DATE or TIME has.
type colType struct {
	// id is the upper-case base name ("INTEGER", "TIMESTAMP WITH TIME ZONE",
	// "DECIMAL") or one of "LIST", "ARRAY", "STRUCT", "MAP", "UNION".
	id     string
	scale  int      // DECIMAL
	args   string   // the parenthesized arguments of other types, verbatim
	size   int      // ARRAY
	elem   *colType // LIST and ARRAY
	key    *colType // MAP
	value  *colType // MAP
	fields []field  // STRUCT and UNION
}

type field struct {
	name string
	typ  *colType
}

// parseType parses a DuckDB type name. It never fails: what it does not
// understand becomes a type with that id and no children.
func parseType(name string) *colType {
	p := typeParser{s: name}
	t := p.parse()
	if t == nil {
		return &colType{id: strings.ToUpper(strings.TrimSpace(name))}
	}
	return t
}

type typeParser struct {
	s   string
	pos int
}

func (p *typeParser) skipBlanks() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *typeParser) peek() byte {
	p.skipBlanks()
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *typeParser) parse() *colType {
	p.skipBlanks()
	start := p.pos
	for p.pos < len(p.s) && !strings.ContainsRune("()[],", rune(p.s[p.pos])) {
		p.pos++
	}
	id := strings.ToUpper(strings.TrimSpace(p.s[start:p.pos]))
	if id == "" {
		return nil
	}
	t := &colType{id: id}
	if p.peek() == '(' {
		p.pos++
		switch id {
		case "STRUCT", "UNION":
			for p.peek() != ')' {
				name, ok := p.fieldName()
				if !ok {
					return nil
				}
				ft := p.parse()
				if ft == nil {
					return nil
				}
				t.fields = append(t.fields, field{name, ft})
				if p.peek() == ',' {
					p.pos++
				}
			}
			p.pos++
		case "MAP":
			t.key = p.parse()
			if t.key == nil || p.peek() != ',' {
				return nil
			}
			p.pos++
			t.value = p.parse()
			if t.value == nil || p.peek() != ')' {
				return nil
			}
			p.pos++
		default:
			start := p.pos
			depth := 1
			for p.pos < len(p.s) && depth > 0 {
				switch p.s[p.pos] {
				case '(':
					depth++
				case ')':
					depth--
				}
				p.pos++
			}
			if depth > 0 {
				return nil
			}
			t.args = p.s[start : p.pos-1]
			if id == "DECIMAL" || id == "NUMERIC" {
				if _, s, ok := strings.Cut(t.args, ","); ok {
					t.scale, _ = strconv.Atoi(strings.TrimSpace(s))
				}
			}
		}
	}
	for p.peek() == '[' {
		end := strings.IndexByte(p.s[p.pos:], ']')
		if end < 0 {
			return nil
		}
		n := strings.TrimSpace(p.s[p.pos+1 : p.pos+end])
		p.pos += end + 1
		if n == "" {
			t = &colType{id: "LIST", elem: t}
		} else {
			size, _ := strconv.Atoi(n)
			t = &colType{id: "ARRAY", elem: t, size: size}
		}
	}
	return t
}

// fieldName reads a STRUCT or UNION field name: "quoted" (with "" escapes)
// or a bare word.
func (p *typeParser) fieldName() (string, bool) {
	if p.peek() == '"' {
		var b strings.Builder
		p.pos++
		for p.pos < len(p.s) {
			c := p.s[p.pos]
			p.pos++
			if c == '"' {
				if p.pos < len(p.s) && p.s[p.pos] == '"' {
					b.WriteByte('"')
					p.pos++
					continue
				}
				return b.String(), true
			}
			b.WriteByte(c)
		}
		return "", false
	}
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] != ' ' && !strings.ContainsRune("()[],", rune(p.s[p.pos])) {
		p.pos++
	}
	return p.s[start:p.pos], p.pos > start
}

// isNumeric reports whether values of t are numbers, which tables align right.
func (t *colType) isNumeric() bool {
	switch t.id {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
		"UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "NUMERIC", "BIGNUM", "VARINT",
		"INT1", "INT2", "INT4", "INT8", "INT", "REAL":
		return true
	}
	return false
}

// display is the type as the second header row of a box shows it, following
// the DuckDB CLI: lower case, integers by size ("int32"), nested types
// spelled out ("struct(a int32, b varchar)[]").
func (t *colType) display() string {
	switch t.id {
	case "LIST":
		return t.elem.display() + "[]"
	case "ARRAY":
		return t.elem.display() + "[" + strconv.Itoa(t.size) + "]"
	case "MAP":
		return "map(" + t.key.display() + ", " + t.value.display() + ")"
	case "STRUCT", "UNION":
		var b strings.Builder
		b.WriteString(strings.ToLower(t.id) + "(")
		for i, f := range t.fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(displayFieldName(f.name) + " " + f.typ.display())
		}
		return b.String() + ")"
	}
	name, ok := displayNames[t.id]
	if !ok {
		name = strings.ToLower(t.id)
	}
	if t.args != "" {
		name += "(" + strings.ReplaceAll(t.args, " ", "") + ")"
	}
	return name
}

var displayNames = map[string]string{
	"TINYINT": "int8", "SMALLINT": "int16", "INTEGER": "int32", "BIGINT": "int64",
	"HUGEINT": "int128", "UTINYINT": "uint8", "USMALLINT": "uint16", "UINTEGER": "uint32",
	"UBIGINT": "uint64", "UHUGEINT": "uint128", "TIMESTAMPTZ": "timestamp with time zone",
	"TIMETZ": "time with time zone",
}

// displayFieldName quotes a field name unless it is a plain lower-case word.
func displayFieldName(name string) string {
	plain := name != ""
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || i > 0 && '0' <= c && c <= '9') {
			plain = false
		}
	}
	if plain {
		return name
	}
	return quoteIdent(name)
}
