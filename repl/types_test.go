package repl

import "testing"

func TestParseTypeDisplay(t *testing.T) {
	for _, c := range []struct {
		name, display string
		numeric       bool
	}{
		{"INTEGER", "int32", true},
		{"BIGINT", "int64", true},
		{"UHUGEINT", "uint128", true},
		{"DOUBLE", "double", true},
		{"DECIMAL(10,3)", "decimal(10,3)", true},
		{"VARCHAR", "varchar", false},
		{"TIMESTAMPTZ", "timestamp with time zone", false},
		{"TIMESTAMP WITH TIME ZONE", "timestamp with time zone", false},
		{"INTEGER[]", "int32[]", false},
		{"DOUBLE[3]", "double[3]", false},
		{"VARCHAR[][2]", "varchar[][2]", false},
		{`STRUCT("a" INTEGER, "b c" VARCHAR)`, `struct(a int32, "b c" varchar)`, false},
		{`STRUCT("""q" INTEGER)[]`, `struct("""q" int32)[]`, false},
		{`STRUCT(a INTEGER, B DECIMAL(4,1)[])`, `struct(a int32, "B" decimal(4,1)[])`, false},
		{"MAP(VARCHAR, INTEGER[])", "map(varchar, int32[])", false},
		{`MAP(INTEGER[], STRUCT("x" VARCHAR))`, "map(int32[], struct(x varchar))", false},
		{`UNION("num" INTEGER, "str" VARCHAR)`, "union(num int32, str varchar)", false},
		{"ENUM", "enum", false},
		{"", "", false},
		{"STRUCT(", "struct(", false}, // unparsable: kept as a name
	} {
		typ := parseType(c.name)
		if got := typ.display(); got != c.display {
			t.Errorf("parseType(%q).display() = %q, want %q", c.name, got, c.display)
		}
		if got := typ.isNumeric(); got != c.numeric {
			t.Errorf("parseType(%q).isNumeric() = %v, want %v", c.name, got, c.numeric)
		}
	}
	s := parseType(`STRUCT("b" INTEGER, "a" STRUCT("x" DOUBLE[]))`)
	if len(s.fields) != 2 || s.fields[0].name != "b" || s.fields[1].name != "a" ||
		s.fields[1].typ.fields[0].typ.id != "LIST" || s.fields[1].typ.fields[0].typ.elem.id != "DOUBLE" {
		t.Errorf("nested struct parsed wrong: %+v", s)
	}
	if d := parseType("DECIMAL(18, 4)"); d.scale != 4 {
		t.Errorf("DECIMAL(18, 4) scale = %d", d.scale)
	}
}
