// Package reference writes the generated parts of docs/sql.md: each
// function's argument table and result-column table, from the registry
// (sqlfuncs.Docs), between marker comments
//
//	<!-- generated: predict args -->
//	...
//	<!-- end generated -->
//
// ("predict columns" for the result columns, "segment engine_columns" for
// those a function returns with engine := when they differ). Everything
// outside the
// markers is hand-written and kept as it is. go generate ./sqlfuncs runs it
// (internal/gendocs); sqlfuncs' tests fail when the committed file differs.
package reference

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/ducksight/ducksight/sqlfuncs"
)

// endMarker closes every generated block.
const endMarker = "<!-- end generated -->"

// beginMarker matches the line opening a generated block and captures the
// function and the table ("args", "columns" or "engine_columns").
var beginMarker = regexp.MustCompile(`^<!-- generated: ([a-z_]+) (args|columns|engine_columns) -->$`)

// Rewrite returns md with every generated block replaced by the table docs
// give for it. It fails when a block names an unknown function or table,
// is not closed, or is missing: every function with arguments has an args
// block, every function a columns block.
func Rewrite(md []byte, docs []sqlfuncs.Doc) ([]byte, error) {
	tables := map[string]string{}
	for _, d := range docs {
		if len(d.Args) > 0 {
			tables[d.Name+" args"] = ArgsTable(d.Args)
		}
		tables[d.Name+" columns"] = ColumnsTable(d.Columns)
		if len(d.EngineColumns) > 0 {
			tables[d.Name+" engine_columns"] = ColumnsTable(d.EngineColumns)
		}
	}
	seen := map[string]bool{}
	var out bytes.Buffer
	lines := strings.SplitAfter(string(md), "\n")
	for i := 0; i < len(lines); i++ {
		out.WriteString(lines[i])
		m := beginMarker.FindStringSubmatch(strings.TrimRight(lines[i], "\n"))
		if m == nil {
			continue
		}
		key := m[1] + " " + m[2]
		table, ok := tables[key]
		if !ok {
			return nil, fmt.Errorf("line %d: generated block %q: no such function or table in the registry", i+1, key)
		}
		if seen[key] {
			return nil, fmt.Errorf("line %d: generated block %q appears twice", i+1, key)
		}
		seen[key] = true
		j := i + 1
		for j < len(lines) && strings.TrimRight(lines[j], "\n") != endMarker {
			if beginMarker.MatchString(strings.TrimRight(lines[j], "\n")) {
				break
			}
			j++
		}
		if j == len(lines) || strings.TrimRight(lines[j], "\n") != endMarker {
			return nil, fmt.Errorf("line %d: generated block %q is not closed by %s", i+1, key, endMarker)
		}
		out.WriteString(table)
		out.WriteString(lines[j])
		i = j
	}
	var missing []string
	for _, d := range docs {
		for _, key := range []string{d.Name + " args", d.Name + " columns", d.Name + " engine_columns"} {
			if _, want := tables[key]; want && !seen[key] {
				missing = append(missing, "<!-- generated: "+key+" -->")
			}
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no generated block for: %s (add each marker line and %s to its function's section)", strings.Join(missing, ", "), endMarker)
	}
	return out.Bytes(), nil
}

// ArgsTable is the markdown table of a function's arguments: name, type,
// default, range or accepted values, meaning.
func ArgsTable(args []sqlfuncs.ArgDoc) string {
	var b strings.Builder
	b.WriteString("| argument | type | default | range | meaning |\n|---|---|---|---|---|\n")
	for _, a := range args {
		row(&b, a.Name, a.Type, a.Default, a.Range, a.Doc)
	}
	return b.String()
}

// ColumnsTable is the markdown table of a function's result columns.
func ColumnsTable(cols []sqlfuncs.ColumnDoc) string {
	var b strings.Builder
	b.WriteString("| column | type | meaning |\n|---|---|---|\n")
	for _, c := range cols {
		row(&b, c.Name, c.Type, c.Doc)
	}
	return b.String()
}

// row writes one table row, escaping the cells' pipes.
func row(b *strings.Builder, cells ...string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" ")
		b.WriteString(strings.ReplaceAll(c, "|", `\|`))
		b.WriteString(" |")
	}
	b.WriteString("\n")
}
