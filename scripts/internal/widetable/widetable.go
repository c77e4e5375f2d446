// Package widetable builds the 1M x 16 DOUBLE benchmark table of
// sqlfuncs/train_bench_test.go (and test tables drawn the same way) for the
// side-by-side scripts, and writes such a table as .npy files for numpy.
package widetable

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
)

// SQL returns the statements that build the table name of
// sqlfuncs/train_bench_test.go (BenchmarkTrainLogistic) over i in [lo, hi):
// 16 DOUBLE columns uniform on [-1, 1) from hash(i*16+k), and a BOOLEAN
// label y drawn from a logistic model of them with the uniform noise
// (hash(noise+i) % 1e6) / 1e6. With lo = 0 and noise = 0 this is the
// benchmark's table (which hashes rowid, equal to i there).
func SQL(name string, lo, hi, noise int64) []string {
	var cols, names, logit []string
	for k := 1; k <= 16; k++ {
		cols = append(cols, fmt.Sprintf("((hash(i * 16 + %d) %% 20000) / 10000.0 - 1)::DOUBLE AS c%d", k, k))
		names = append(names, fmt.Sprintf("c%d", k))
		logit = append(logit, fmt.Sprintf("%g * c%d", float64((k%5)-2)*0.7, k))
	}
	return []string{
		fmt.Sprintf(`CREATE TABLE %s0 AS SELECT i, %s FROM range(%d, %d) t(i)`, name, strings.Join(cols, ", "), lo, hi),
		fmt.Sprintf(`CREATE TABLE %s AS SELECT %s, (hash(%d + i) %% 1000000) / 1000000.0 < 1 / (1 + exp(-(%s))) AS y FROM %s0`,
			name, strings.Join(names, ", "), noise, strings.Join(logit, " + "), name),
		fmt.Sprintf(`DROP TABLE %s0`, name),
	}
}

// ScanSQL is DuckDB's SELECT sum(c1)+...+sum(c16) over table: the baseline
// that the benchmarks' times are measured against.
func ScanSQL(table string) string {
	var sums []string
	for k := 1; k <= 16; k++ {
		sums = append(sums, fmt.Sprintf("sum(c%d)", k))
	}
	return `SELECT ` + strings.Join(sums, "+") + ` FROM ` + table
}

// WriteNpy writes table's c1..c16 as an n x 16 float64 .npy file and y as
// an n float64 (0/1) one, in table order, and returns n.
func WriteNpy(ctx context.Context, db *sql.DB, table, xPath, yPath string) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		return 0, err
	}
	xf, err := os.Create(xPath)
	if err != nil {
		return 0, err
	}
	defer xf.Close()
	xw := bufio.NewWriterSize(xf, 1<<20)
	npyHeader(xw, fmt.Sprintf("(%d, 16)", n))
	y := make([]float64, 0, n)
	q := `SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, y FROM ` + table
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var x [16]float64
	var yi bool
	dst := make([]any, 17)
	for k := range x {
		dst[k] = &x[k]
	}
	dst[16] = &yi
	var buf [16 * 8]byte
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return 0, err
		}
		for k, v := range x {
			binary.LittleEndian.PutUint64(buf[8*k:], math.Float64bits(v))
		}
		xw.Write(buf[:])
		if yi {
			y = append(y, 1)
		} else {
			y = append(y, 0)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(y) != n {
		return 0, fmt.Errorf("%s: read %d rows, counted %d", table, len(y), n)
	}
	if err := errors.Join(xw.Flush(), xf.Close()); err != nil {
		return 0, err
	}
	yf, err := os.Create(yPath)
	if err != nil {
		return 0, err
	}
	defer yf.Close()
	yw := bufio.NewWriterSize(yf, 1<<20)
	npyHeader(yw, fmt.Sprintf("(%d,)", n))
	for _, v := range y {
		binary.LittleEndian.PutUint64(buf[:8], math.Float64bits(v))
		yw.Write(buf[:8])
	}
	return n, errors.Join(yw.Flush(), yf.Close())
}

// npyHeader writes a version 1.0 .npy header for a C-order little-endian
// float64 array of the given shape (a Python tuple literal).
func npyHeader(w *bufio.Writer, shape string) {
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", shape)
	// magic (6) + version (2) + header length (2) + dict + '\n', padded to 64.
	pad := 63 - (10+len(dict))%64
	dict += strings.Repeat(" ", pad) + "\n"
	w.WriteString("\x93NUMPY\x01\x00")
	binary.Write(w, binary.LittleEndian, uint16(len(dict)))
	w.WriteString(dict)
}
