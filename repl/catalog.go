package repl

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// The dot commands that describe the database: .tables, .schema, .models
// and .functions. They look at the current database (and TEMP objects) and
// leave out ducksight's own schema, ducksight, where models are stored:
// .models lists those. User text reaches SQL only as bound parameters.

// internalSchema is the schema ducksight keeps its model store in.
const internalSchema = "ducksight"

// catalogObjects selects the tables (kind 1), views (2) and indexes (3) of
// the current database and of TEMP, outside ducksight's schema, whose name
// or schema.name matches the ILIKE pattern $1; for an index, the name is its
// table's. label is the name .tables prints: schema-qualified outside main.
const catalogObjects = `
SELECT kind, CASE WHEN schema_name = 'main' THEN name ELSE schema_name || '.' || name END, sql
FROM (
    SELECT 1 AS kind, database_name, schema_name, table_name AS name, sql
      FROM duckdb_tables() WHERE NOT internal
    UNION ALL
    SELECT 2, database_name, schema_name, view_name, sql
      FROM duckdb_views() WHERE NOT internal
    UNION ALL
    SELECT 3, database_name, schema_name, table_name, sql
      FROM duckdb_indexes() WHERE sql IS NOT NULL
)
WHERE database_name IN (current_database(), 'temp')
  AND NOT (database_name = current_database() AND schema_name = $2)
  AND (name ILIKE $1 OR schema_name || '.' || name ILIKE $1)
ORDER BY kind, 2, sql`

type catalogObject struct {
	kind       int
	label, sql string
}

// catalog lists the objects matching pattern ("" for all).
func (s *Session) catalog(ctx context.Context, pattern string) ([]catalogObject, error) {
	if pattern == "" {
		pattern = "%"
	}
	rows, err := s.conn.QueryContext(ctx, catalogObjects, pattern, internalSchema)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalogObject
	for rows.Next() {
		var o catalogObject
		if err := rows.Scan(&o.kind, &o.label, &o.sql); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// dotTables prints the names of the tables and views, sorted, in columns
// down then across, as the DuckDB and SQLite shells do.
func dotTables(ctx context.Context, s *Session, d dotCall) error {
	pattern := ""
	if len(d.args) == 1 {
		pattern = d.args[0]
	}
	objs, err := s.catalog(ctx, pattern)
	if err != nil {
		return fmt.Errorf(".tables: %w", err)
	}
	var names []string
	seen := map[string]bool{}
	for _, o := range objs {
		if o.kind <= 2 && !seen[o.label] {
			seen[o.label] = true
			names = append(names, o.label)
		}
	}
	sort.Strings(names)
	width := s.renderOptions().MaxWidth
	if width <= 0 {
		width = 80
	}
	_, err = fmt.Fprint(s.out, columns(names, width))
	return err
}

// columns lays names out in as many columns as fit in width terminal
// columns (at least one), filled top to bottom, then left to right.
func columns(names []string, width int) string {
	if len(names) == 0 {
		return ""
	}
	w := 0
	for _, n := range names {
		w = max(w, Width(n))
	}
	ncol := max((width+2)/(w+2), 1)
	nrow := (len(names) + ncol - 1) / ncol
	var b strings.Builder
	for r := 0; r < nrow; r++ {
		var line strings.Builder
		for i := r; i < len(names); i += nrow {
			if i > r {
				line.WriteString("  ")
			}
			line.WriteString(pad(names[i], w))
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	return b.String()
}

// dotSchema prints the CREATE statements of the tables, then the views, then
// the indexes, each sorted by name; with an argument, of those whose (table) name matches it (a
// LIKE pattern, case-insensitive, optionally schema-qualified).
func dotSchema(ctx context.Context, s *Session, d dotCall) error {
	pattern := ""
	if len(d.args) == 1 {
		pattern = d.args[0]
	}
	objs, err := s.catalog(ctx, pattern)
	if err != nil {
		return fmt.Errorf(".schema: %w", err)
	}
	if len(objs) == 0 && pattern != "" {
		return fmt.Errorf(".schema: no table or view matches %q", pattern)
	}
	var b strings.Builder
	for _, o := range objs {
		sql := strings.TrimSpace(o.sql)
		if !strings.HasSuffix(sql, ";") {
			sql += ";"
		}
		b.WriteString(sql + "\n")
	}
	_, err = fmt.Fprint(s.out, b.String())
	return err
}

// modelsQuery is what .models shows of SELECT * FROM models().
const modelsQuery = `SELECT name, version, task, positive, label, metric, valid_metric, created_at
FROM models() ORDER BY name, version`

func dotModels(ctx context.Context, s *Session, _ dotCall) error {
	if err := s.render(ctx, modelsQuery, false); err != nil {
		return fmt.Errorf(".models: %w", err)
	}
	return nil
}

// dotFunctions lists ducksight's SQL functions (those whose name contains
// the argument, when there is one): kind and signature, then the summary
// indented on the next line; with an argument, then each function's
// argument table (argTable).
func dotFunctions(_ context.Context, s *Session, d dotCall) error {
	if len(s.funcs) == 0 {
		return fmt.Errorf(".functions: ducksight's functions are not known to this session")
	}
	filter := ""
	if len(d.args) == 1 {
		filter = strings.ToLower(d.args[0])
	}
	var b strings.Builder
	for _, f := range s.funcs {
		if !strings.Contains(strings.ToLower(f.Name), filter) {
			continue
		}
		sig := f.Signature
		if sig == "" {
			sig = f.Name + "(...)"
		}
		fmt.Fprintf(&b, "%-7s %s\n", f.Kind, sig)
		if f.Summary != "" {
			fmt.Fprintf(&b, "%-7s %s\n", "", f.Summary)
		}
		if filter != "" {
			argTable(&b, f.Args)
		}
	}
	if b.Len() == 0 {
		return fmt.Errorf(".functions: no function name contains %q", d.args[0])
	}
	_, err := fmt.Fprint(s.out, b.String())
	return err
}

// argTable writes args as an aligned table indented under a function's
// summary: argument, type, default, range, meaning (the columns of
// docs/sql.md's argument tables). It writes nothing for no arguments.
func argTable(b *strings.Builder, args []ArgInfo) {
	if len(args) == 0 {
		return
	}
	rows := [][]string{{"argument", "type", "default", "range", "meaning"}}
	for _, a := range args {
		rows = append(rows, []string{a.Name, a.Type, a.Default, a.Range, a.Doc})
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], Width(c))
		}
	}
	for _, r := range rows {
		line := strings.Repeat(" ", 8)
		for i, c := range r {
			line += c
			if i < len(r)-1 {
				line += strings.Repeat(" ", widths[i]-Width(c)+2)
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}
