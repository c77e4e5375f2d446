//go:build unix

package engine_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportExportFIFO: import_model from a FIFO with no writer returns an
// error at once (it used to block in open, out of reach of Ctrl-C), and
// export_model to a FIFO leaves the FIFO as it was (it used to be
// replaced by a regular file).
func TestImportExportFIFO(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(200)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('m', 'c', label := 'churned', features := ['age'], epochs := 1)`)
	done := make(chan error, 1)
	go func() {
		_, err := db.ExecContext(ctx, `SELECT * FROM import_model('x', ?)`, fifo)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), `import_model: path: "`+fifo+`": cannot read: is not a regular file (a named pipe)`) {
			t.Errorf("import from a FIFO: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("import_model from a FIFO blocked")
	}
	_, err := db.ExecContext(ctx, `SELECT * FROM export_model('m', ?)`, fifo)
	if err == nil || !strings.Contains(err.Error(), `export_model: path: "`+fifo+`": cannot write: is a named pipe, not a regular file`) {
		t.Errorf("export to a FIFO: %v", err)
	}
	var st syscall.Stat_t
	if err := syscall.Lstat(fifo, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFIFO {
		t.Errorf("the FIFO is no longer one: mode %o, %v", st.Mode, err)
	}
	if got := mustQueryStrings(t, ctx, db, `SELECT name FROM models()`); strings.Join(got, ",") != "m" {
		t.Errorf("models() = %q", got)
	}
}
