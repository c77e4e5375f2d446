//go:build duckdb_arrow

package sqlfuncs

import (
	"os"
	"strings"
	"testing"
)

// TestDocsCoverRegistry: docs/sql.md has a section for every registered
// function naming each of its arguments and result columns.
func TestDocsCoverRegistry(t *testing.T) {
	raw, err := os.ReadFile("../docs/sql.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(string(raw), "\n## ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		sections[strings.TrimSpace(name)] = body
	}
	if len(Docs()) != len(registry) {
		t.Fatalf("Docs() lists %d functions, registry has %d", len(Docs()), len(registry))
	}
	for _, d := range Docs() {
		body, ok := sections[d.Name]
		if !ok {
			t.Errorf("docs/sql.md has no section '## %s'", d.Name)
			continue
		}
		if !strings.Contains(body, d.Name+"(") {
			t.Errorf("%s: no signature in its section", d.Name)
		}
		for _, a := range d.Args {
			if !strings.Contains(body, "| "+a.Name+" | "+a.Type+" |") {
				t.Errorf("%s: argument %s (%s) not in its table", d.Name, a.Name, a.Type)
			}
		}
		for _, c := range d.Columns {
			if !strings.Contains(body, "| "+c.Name+" | "+c.Type+" |") {
				t.Errorf("%s: column %s (%s) not in its table", d.Name, c.Name, c.Type)
			}
		}
		if d.Summary == "" || d.Example == "" {
			t.Errorf("%s: registry entry lacks a summary or example", d.Name)
		}
	}
}
