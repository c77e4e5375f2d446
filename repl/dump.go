package repl

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
)

// .dump prints SQL that recreates the current database's tables with their
// rows, then its views and indexes, in one transaction, as the DuckDB
// shell's .dump does: BEGIN TRANSACTION; CREATE SCHEMA for schemas other
// than main; each table's CREATE TABLE followed by one INSERT per row;
// views and indexes; COMMIT. Unlike .tables and .schema it includes
// ducksight's schema, so the dump of a database brings its stored models
// along. TEMP objects are left out.
//
// Values are written as DuckDB prints them (CAST(v AS VARCHAR)), quoted
// except for integers and decimals (see sqlLiteral), and read back by the INSERT's cast to the column's
// type, which gives the same value: DuckDB prints DOUBLE and FLOAT in the
// shortest form that reads back to the same bits, BLOB with \xHH escapes,
// and LIST, STRUCT and MAP with their strings quoted. A DOUBLE or FLOAT -0.0
// is written as '-0.0' (its cast prints 0.0). Newlines, carriage returns
// and NUL in text are written with chr() inside concat(...), so that each
// INSERT stays on one line.

// dumpObjects selects the tables (kind 1), views (2) and indexes (3) of the
// current database whose (table) name or schema.name matches the ILIKE
// pattern $1, in creation order within each kind.
const dumpObjects = `
SELECT kind, oid, schema_name, name, sql FROM (
    SELECT 1 AS kind, table_oid AS oid, database_name, schema_name, table_name AS name, sql
      FROM duckdb_tables() WHERE NOT internal
    UNION ALL
    SELECT 2, view_oid, database_name, schema_name, view_name, sql
      FROM duckdb_views() WHERE NOT internal
    UNION ALL
    SELECT 3, index_oid, database_name, schema_name, table_name, sql
      FROM duckdb_indexes() WHERE sql IS NOT NULL
)
WHERE database_name = current_database()
  AND (name ILIKE $1 OR schema_name || '.' || name ILIKE $1)
ORDER BY kind, oid`

// dumpColumns lists the columns of the table with oid $1.
const dumpColumns = `SELECT column_name, data_type FROM duckdb_columns()
WHERE table_oid = $1 ORDER BY column_index`

type dumpObject struct {
	kind              int
	oid               int64
	schema, name, sql string
}

func dotDump(ctx context.Context, s *Session, d dotCall) error {
	patterns := d.args
	if len(patterns) == 0 {
		patterns = []string{"%"}
	}
	var objs []dumpObject
	seen := map[[2]int64]bool{}
	for _, p := range patterns {
		found, err := s.dumpObjects(ctx, p)
		if err != nil {
			return fmt.Errorf(".dump: %w", err)
		}
		for _, o := range found {
			if k := [2]int64{int64(o.kind), o.oid}; !seen[k] {
				seen[k] = true
				objs = append(objs, o)
			}
		}
	}
	// Patterns found objects in their own orders; restore kind, then
	// creation order.
	sortObjects(objs)

	w := s.out
	if _, err := io.WriteString(w, "BEGIN TRANSACTION;\n"); err != nil {
		return err
	}
	schemas := map[string]bool{"main": true}
	for _, o := range objs {
		if !schemas[o.schema] {
			schemas[o.schema] = true
			fmt.Fprintf(w, "CREATE SCHEMA IF NOT EXISTS %s;\n", quoteIdent(o.schema))
		}
	}
	for _, o := range objs {
		fmt.Fprintln(w, statement(o.sql))
		if o.kind != 1 {
			continue
		}
		if err := s.dumpRows(ctx, w, o); err != nil {
			fmt.Fprintln(w, "ROLLBACK; -- due to errors")
			return fmt.Errorf(".dump: table %s: %w", o.name, err)
		}
	}
	_, err := io.WriteString(w, "COMMIT;\n")
	return err
}

// statement is sql ending with exactly one ';'.
func statement(sql string) string {
	sql = strings.TrimSpace(sql)
	if !strings.HasSuffix(sql, ";") {
		sql += ";"
	}
	return sql
}

func sortObjects(objs []dumpObject) {
	for i := 1; i < len(objs); i++ {
		for j := i; j > 0; j-- {
			a, b := objs[j-1], objs[j]
			if a.kind < b.kind || a.kind == b.kind && a.oid <= b.oid {
				break
			}
			objs[j-1], objs[j] = b, a
		}
	}
}

func (s *Session) dumpObjects(ctx context.Context, pattern string) ([]dumpObject, error) {
	rows, err := s.conn.QueryContext(ctx, dumpObjects, pattern)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dumpObject
	for rows.Next() {
		var o dumpObject
		if err := rows.Scan(&o.kind, &o.oid, &o.schema, &o.name, &o.sql); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// dumpRows writes one INSERT per row of the table o.
func (s *Session) dumpRows(ctx context.Context, w io.Writer, o dumpObject) error {
	rows, err := s.conn.QueryContext(ctx, dumpColumns, o.oid)
	if err != nil {
		return err
	}
	var names, types []string
	for rows.Next() {
		var n, t string
		if err := rows.Scan(&n, &t); err != nil {
			rows.Close()
			return err
		}
		names, types = append(names, n), append(types, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(names) == 0 {
		return nil
	}
	table := quoteIdent(o.name)
	if o.schema != "main" {
		table = quoteIdent(o.schema) + "." + table
	}
	exprs := make([]string, len(names))
	for i, n := range names {
		c := quoteIdent(n)
		if types[i] == "DOUBLE" || types[i] == "FLOAT" {
			exprs[i] = fmt.Sprintf("CASE WHEN %s = 0 AND signbit(%s) THEN '-0.0' ELSE CAST(%s AS VARCHAR) END", c, c, c)
		} else {
			exprs[i] = "CAST(" + c + " AS VARCHAR)"
		}
	}
	rows, err = s.conn.QueryContext(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM "+table)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]sql.NullString, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var b strings.Builder
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		b.Reset()
		b.WriteString("INSERT INTO " + table + " VALUES(")
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(sqlLiteral(v, types[i]))
		}
		b.WriteString(");\n")
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return rows.Err()
}

// sqlLiteral is the SQL text of a value v of DuckDB type typ, printed by
// CAST(v AS VARCHAR): NULL; an integer of up to 18 digits or a DECIMAL as it
// is; anything else quoted, for the INSERT to cast: DOUBLE and FLOAT too,
// since DuckDB reads an unquoted 0.1 as a DECIMAL, and longer integers,
// which it may read as a DOUBLE.
func sqlLiteral(v sql.NullString, typ string) string {
	if !v.Valid {
		return "NULL"
	}
	switch {
	case isIntegerType(typ) && len(v.String) <= 18 && isDigits(strings.TrimPrefix(v.String, "-")),
		strings.HasPrefix(typ, "DECIMAL(") && isDigits(strings.Replace(strings.TrimPrefix(v.String, "-"), ".", "", 1)):
		return v.String
	}
	return stringLiteral(v.String)
}

// isIntegerType reports whether typ is one of DuckDB's integer types.
func isIntegerType(typ string) bool {
	switch typ {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
		"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT":
		return true
	}
	return false
}

// isDigits reports whether s is one or more decimal digits.
func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
