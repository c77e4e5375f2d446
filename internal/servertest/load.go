//go:build scaleout

package servertest

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/duckdb/duckdb-go/v2"
	"github.com/shopspring/decimal"

	"github.com/ducksight/ducksight/engine/sqlgen"
)

// Table names the ClickHouse tables LoadClickHouse made for one DuckDB
// table, all in Database and present on both servers unless said.
type Table struct {
	// Database is the ClickHouse database.
	Database string
	// Name is the Distributed table over TwoShards: the whole table,
	// split between the shards.
	Name string
	// OneShard is the Distributed table over OneShard: the whole table, on
	// shard 1 alone.
	OneShard string
	// Local is the MergeTree table holding each shard's part of the rows.
	Local string
	// Whole is the MergeTree table holding all rows, on server 1 only
	// (OneShard reads it).
	Whole string
	// Rows counts the rows on each shard of Name.
	Rows [2]int64
}

// column is one column of a DuckDB table and its ClickHouse counterpart.
type column struct {
	name     string
	duck     string // DuckDB type, as DESCRIBE prints it
	ch       string // ClickHouse type, without Nullable
	nullable bool   // the column holds a NULL
}

var decimalType = regexp.MustCompile(`^DECIMAL\((\d+),(\d+)\)$`)

// clickHouseType maps a DuckDB type to the ClickHouse 18.16 type that holds
// its values exactly.
func clickHouseType(duck string) (string, error) {
	switch duck {
	case "BOOLEAN", "UTINYINT":
		return "UInt8", nil
	case "TINYINT":
		return "Int8", nil
	case "SMALLINT":
		return "Int16", nil
	case "INTEGER":
		return "Int32", nil
	case "BIGINT":
		return "Int64", nil
	case "USMALLINT":
		return "UInt16", nil
	case "UINTEGER":
		return "UInt32", nil
	case "UBIGINT":
		return "UInt64", nil
	case "FLOAT":
		return "Float32", nil
	case "DOUBLE":
		return "Float64", nil
	case "VARCHAR":
		return "String", nil
	case "DATE":
		return "Date", nil
	case "TIMESTAMP", "TIMESTAMP_S":
		// 18.16 has no DateTime64: whole seconds, checked row by row.
		return "DateTime", nil
	}
	if m := decimalType.FindStringSubmatch(duck); m != nil {
		return "Decimal(" + m[1] + ", " + m[2] + ")", nil
	}
	return "", fmt.Errorf("no ClickHouse 18.16 type for DuckDB %s", duck)
}

// quoteCH and quoteDuck quote a ClickHouse identifier and a DuckDB or
// PostgreSQL one, as model_sql and the pushed-down queries do.
var (
	quoteCH   = sqlgen.ClickHouse.Ident
	quoteDuck = sqlgen.DuckDB.Ident
)

// describe lists the columns of DuckDB table source, with whether each
// holds a NULL.
func describe(ctx context.Context, db *sql.DB, source string) ([]column, error) {
	rows, err := db.QueryContext(ctx, "DESCRIBE SELECT * FROM "+quoteDuck(source))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return nil, err
		}
		ch, err := clickHouseType(typ)
		if err != nil {
			return nil, fmt.Errorf("column %s: %v", name, err)
		}
		cols = append(cols, column{name: name, duck: typ, ch: ch})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("%s has no columns", source)
	}
	var q strings.Builder
	q.WriteString("SELECT ")
	for i, c := range cols {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "count(*) - count(%s)", quoteDuck(c.name))
	}
	q.WriteString(" FROM " + quoteDuck(source))
	nulls := make([]int64, len(cols))
	dst := make([]any, len(cols))
	for i := range nulls {
		dst[i] = &nulls[i]
	}
	if err := db.QueryRowContext(ctx, q.String()).Scan(dst...); err != nil {
		return nil, err
	}
	for i := range cols {
		cols[i].nullable = nulls[i] > 0
	}
	return cols, nil
}

func (c column) chType() string {
	if c.nullable {
		return "Nullable(" + c.ch + ")"
	}
	return c.ch
}

// chValue converts a value scanned from DuckDB to what clickhouse-go
// appends to a column of type c.chType().
func (c column) chValue(v any) (any, error) {
	if v == nil {
		if !c.nullable {
			return nil, fmt.Errorf("column %s: NULL in a column without NULLs", c.name)
		}
		return nil, nil
	}
	var out any
	switch x := v.(type) {
	case bool:
		var b uint8
		if x {
			b = 1
		}
		out = b
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, string:
		out = x
	case time.Time:
		if c.ch == "DateTime" && x.Nanosecond() != 0 {
			return nil, fmt.Errorf("column %s: %v has a fraction of a second; ClickHouse 18.16's DateTime holds whole seconds", c.name, x)
		}
		out = x.UTC()
	case duckdb.Decimal:
		out = decimal.NewFromBigInt(new(big.Int).Set(x.Value), -int32(x.Scale))
	default:
		return nil, fmt.Errorf("column %s: cannot load a %T", c.name, v)
	}
	if !c.nullable {
		return out, nil
	}
	switch x := out.(type) {
	case uint8:
		return &x, nil
	case int8:
		return &x, nil
	case int16:
		return &x, nil
	case int32:
		return &x, nil
	case int64:
		return &x, nil
	case uint16:
		return &x, nil
	case uint32:
		return &x, nil
	case uint64:
		return &x, nil
	case float32:
		return &x, nil
	case float64:
		return &x, nil
	case string:
		return &x, nil
	case time.Time:
		return &x, nil
	case decimal.Decimal:
		return &x, nil
	}
	return out, nil
}

func exec1(ctx context.Context, conn driver.Conn, query string) error {
	if err := conn.Exec(ctx, query); err != nil {
		return fmt.Errorf("%s: %w", query, err)
	}
	return nil
}

// LoadClickHouse copies DuckDB table source (read through db) to the
// ClickHouse servers as name in database (created when missing; tables of
// the same names are replaced):
//   - name_whole on server 1: all rows, a MergeTree ordered by key;
//   - name_local on each server: the rows whose cityHash64(key) is even on
//     shard 1, odd on shard 2;
//   - name on both servers: Distributed over TwoShards reading name_local;
//   - name_1shard on both servers: Distributed over OneShard reading
//     name_whole.
//
// Column types are the exact counterparts of DuckDB's (BOOLEAN becomes
// UInt8, TIMESTAMP DateTime in whole seconds), Nullable only for columns
// that hold a NULL. Values cross the native protocol in binary, so doubles
// arrive bit for bit. key must be a column without NULLs.
func LoadClickHouse(t testing.TB, db *sql.DB, s *Servers, source, database, name, key string) Table {
	t.Helper()
	tab, err := loadClickHouse(context.Background(), db, s, source, database, name, key)
	if err != nil {
		t.Fatalf("servertest: load %s into ClickHouse %s.%s: %v", source, database, name, err)
	}
	return tab
}

func loadClickHouse(ctx context.Context, db *sql.DB, s *Servers, source, database, name, key string) (Table, error) {
	tab := Table{Database: database, Name: name, OneShard: name + "_1shard", Local: name + "_local", Whole: name + "_whole"}
	cols, err := describe(ctx, db, source)
	if err != nil {
		return tab, err
	}
	keyFound := false
	var defs strings.Builder
	for i, c := range cols {
		if i > 0 {
			defs.WriteString(", ")
		}
		defs.WriteString(quoteCH(c.name) + " " + c.chType())
		if c.name == key {
			keyFound = true
			if c.nullable {
				return tab, fmt.Errorf("key %s holds NULLs", key)
			}
		}
	}
	if !keyFound {
		return tab, fmt.Errorf("key %s is not a column of %s", key, source)
	}
	db1, qk := quoteCH(database), quoteCH(key)
	conns := make([]driver.Conn, len(s.ClickHouse))
	for i := range conns {
		if conns[i], err = s.open(i); err != nil {
			return tab, err
		}
		defer conns[i].Close()
	}
	mergeTree := "(" + defs.String() + ") ENGINE = MergeTree ORDER BY " + qk
	for i, conn := range conns {
		stmts := []string{
			"CREATE DATABASE IF NOT EXISTS " + db1,
			"DROP TABLE IF EXISTS " + db1 + "." + quoteCH(tab.Name),
			"DROP TABLE IF EXISTS " + db1 + "." + quoteCH(tab.OneShard),
			"DROP TABLE IF EXISTS " + db1 + "." + quoteCH(tab.Local),
			"DROP TABLE IF EXISTS " + db1 + "." + quoteCH(tab.Whole),
			"CREATE TABLE " + db1 + "." + quoteCH(tab.Local) + " " + mergeTree,
		}
		if i == 0 {
			stmts = append(stmts, "CREATE TABLE "+db1+"."+quoteCH(tab.Whole)+" "+mergeTree)
		}
		stmts = append(stmts,
			"CREATE TABLE "+db1+"."+quoteCH(tab.Name)+" AS "+db1+"."+quoteCH(tab.Local)+
				" ENGINE = Distributed("+TwoShards+", "+db1+", "+quoteCH(tab.Local)+")",
			"CREATE TABLE "+db1+"."+quoteCH(tab.OneShard)+" AS "+db1+"."+quoteCH(tab.Local)+
				" ENGINE = Distributed("+OneShard+", "+db1+", "+quoteCH(tab.Whole)+")")
		for _, q := range stmts {
			if err := exec1(ctx, conn, q); err != nil {
				return tab, err
			}
		}
	}
	if err := copyRows(ctx, db, conns[0], source, db1+"."+quoteCH(tab.Whole), cols); err != nil {
		return tab, err
	}
	// The split happens in ClickHouse, from the whole table on server 1.
	whole := db1 + "." + quoteCH(tab.Whole)
	if err := exec1(ctx, conns[0], "INSERT INTO "+db1+"."+quoteCH(tab.Local)+
		" SELECT * FROM "+whole+" WHERE cityHash64("+qk+") % 2 = 0"); err != nil {
		return tab, err
	}
	if err := exec1(ctx, conns[1], "INSERT INTO "+db1+"."+quoteCH(tab.Local)+
		" SELECT * FROM remote('"+s.ClickHouse[0]+"', "+db1+", "+quoteCH(tab.Whole)+") WHERE cityHash64("+qk+") % 2 = 1"); err != nil {
		return tab, err
	}
	for i, conn := range conns {
		var n uint64
		if err := conn.QueryRow(ctx, "SELECT count() FROM "+db1+"."+quoteCH(tab.Local)).Scan(&n); err != nil {
			return tab, err
		}
		tab.Rows[i] = int64(n)
	}
	var total int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteDuck(source)).Scan(&total); err != nil {
		return tab, err
	}
	if tab.Rows[0]+tab.Rows[1] != total {
		return tab, fmt.Errorf("shards hold %d + %d rows, %s has %d", tab.Rows[0], tab.Rows[1], source, total)
	}
	return tab, nil
}

// copyRows inserts every row of DuckDB table source into ClickHouse table
// dest, in batches of the native protocol. The INSERT names its columns:
// ClickHouse 18.16 answers a bare `INSERT INTO t FORMAT Native` with a
// header block without columns, and a batch prepared on it refuses every
// row ("expected 0 arguments").
func copyRows(ctx context.Context, db *sql.DB, conn driver.Conn, source, dest string, cols []column) error {
	names := make([]string, len(cols))
	chNames := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteDuck(c.name)
		chNames[i] = quoteCH(c.name)
	}
	insert := "INSERT INTO " + dest + " (" + strings.Join(chNames, ", ") + ")"
	rows, err := db.QueryContext(ctx, "SELECT "+strings.Join(names, ", ")+" FROM "+quoteDuck(source))
	if err != nil {
		return err
	}
	defer rows.Close()
	const batchRows = 50000
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	row := make([]any, len(cols))
	for more := true; more; {
		batch, err := conn.PrepareBatch(ctx, insert)
		if err != nil {
			return err
		}
		n := 0
		for n < batchRows {
			if more = rows.Next(); !more {
				break
			}
			if err := rows.Scan(ptrs...); err != nil {
				batch.Abort()
				return err
			}
			for i, c := range cols {
				if row[i], err = c.chValue(vals[i]); err != nil {
					batch.Abort()
					return err
				}
			}
			if err := batch.Append(row...); err != nil {
				batch.Abort()
				return err
			}
			n++
		}
		if n == 0 {
			batch.Abort()
			break
		}
		if err := batch.Send(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// LoadPostgres copies DuckDB table source (read through db) to PostgreSQL
// as table name (replaced when it exists), with psql's COPY: BOOLEAN stays
// boolean, integers and doubles keep their types (doubles in the shortest
// text that reads back to the same bits), VARCHAR becomes text, DATE and
// TIMESTAMP keep theirs.
func LoadPostgres(t testing.TB, db *sql.DB, s *Servers, source, name string) {
	t.Helper()
	if err := loadPostgres(context.Background(), db, s, source, name); err != nil {
		t.Fatalf("servertest: load %s into PostgreSQL %s: %v", source, name, err)
	}
}

func postgresType(duck string) (string, error) {
	switch duck {
	case "BOOLEAN":
		return "boolean", nil
	case "TINYINT", "SMALLINT", "UTINYINT":
		return "smallint", nil
	case "INTEGER", "USMALLINT":
		return "integer", nil
	case "BIGINT", "UINTEGER":
		return "bigint", nil
	case "FLOAT":
		return "real", nil
	case "DOUBLE":
		return "double precision", nil
	case "VARCHAR":
		return "text", nil
	case "DATE":
		return "date", nil
	case "TIMESTAMP":
		return "timestamp", nil
	}
	if m := decimalType.FindStringSubmatch(duck); m != nil {
		return "numeric(" + m[1] + ", " + m[2] + ")", nil
	}
	return "", fmt.Errorf("no PostgreSQL type for DuckDB %s", duck)
}

func loadPostgres(ctx context.Context, db *sql.DB, s *Servers, source, name string) error {
	cols, err := describe(ctx, db, source)
	if err != nil {
		return err
	}
	var defs strings.Builder
	for i, c := range cols {
		pt, err := postgresType(c.duck)
		if err != nil {
			return fmt.Errorf("column %s: %v", c.name, err)
		}
		if i > 0 {
			defs.WriteString(", ")
		}
		defs.WriteString(quoteDuck(c.name) + " " + pt)
	}
	// DuckDB writes the CSV: doubles as the shortest text that reads back to
	// the same double, which PostgreSQL's float8in reads exactly.
	rows, err := db.QueryContext(ctx, "SELECT * FROM "+quoteDuck(source))
	if err != nil {
		return err
	}
	defer rows.Close()
	var csv strings.Builder
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			if i > 0 {
				csv.WriteByte(',')
			}
			if err := writeCSV(&csv, v); err != nil {
				return fmt.Errorf("column %s: %v", cols[i].name, err)
			}
		}
		csv.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		return err
	}
	script := "DROP TABLE IF EXISTS " + quoteDuck(name) + ";\nCREATE TABLE " + quoteDuck(name) + " (" + defs.String() + ");\n" +
		"COPY " + quoteDuck(name) + " FROM STDIN WITH (FORMAT csv);\n" + csv.String() + "\\.\n"
	_, err = s.psql(ctx, script)
	return err
}

// writeCSV writes one value as a PostgreSQL CSV field: NULL as an empty
// unquoted field, text always quoted.
func writeCSV(b *strings.Builder, v any) error {
	switch x := v.(type) {
	case nil:
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		fmt.Fprint(b, x)
	case float32:
		b.WriteString(strconv.FormatFloat(float64(x), 'g', -1, 32))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case string:
		b.WriteString(`"` + strings.ReplaceAll(x, `"`, `""`) + `"`)
	case time.Time:
		b.WriteString(x.UTC().Format("2006-01-02 15:04:05.999999"))
	case duckdb.Decimal:
		b.WriteString(decimal.NewFromBigInt(x.Value, -int32(x.Scale)).String())
	default:
		return fmt.Errorf("cannot write a %T", v)
	}
	return nil
}

// psql runs script with psql against s.Postgres, stopping at the first
// error, and returns what it printed: unaligned, tab-separated, without
// headers, floats in the shortest text that reads back to the same bits.
func (s *Servers) psql(ctx context.Context, script string) (string, error) {
	bin, err := exec.LookPath("psql")
	if err != nil {
		bin = "/usr/lib/postgresql/15/bin/psql"
	}
	cmd := exec.CommandContext(ctx, bin, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", s.Postgres)
	cmd.Stdin = strings.NewReader("SET extra_float_digits = 3;\n" + script)
	var out, errb strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("psql: %v: %s", err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// PostgresQuery runs one query in PostgreSQL and returns its rows as text
// (NULL as ""); doubles print in the shortest text that reads back to the
// same bits (strconv.ParseFloat gives the server's value exactly).
func (s *Servers) PostgresQuery(t testing.TB, query string) [][]string {
	t.Helper()
	out, err := s.psql(context.Background(), strings.TrimRight(strings.TrimSpace(query), ";")+";\n")
	if err != nil {
		t.Fatalf("servertest: PostgreSQL: %v", err)
	}
	if out == "" {
		return nil
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}
