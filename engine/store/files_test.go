//go:build unix

package store

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ducksight/ducksight/dserr"
)

// TestWriteFileOnlyReplacesRegularFiles: an export to a FIFO, a socket, a
// directory, a device (a link to /dev/null stands in for one) or a link to
// any of them is refused and leaves it as it was, as is a path ending in
// a separator; no temporary file is left.
func TestWriteFileOnlyReplacesRegularFiles(t *testing.T) {
	dir := t.TempDir()
	rec := perceptronRecord(t)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{"to-fifo": fifo, "to-null": "/dev/null", "to-dir": sub, "to-sock": sock,
		"dangling": filepath.Join(dir, "missing", "x"), "to-link-to-null": filepath.Join(dir, "to-null")}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ path, want string }{
		{fifo, "is a named pipe, not a regular file"},
		{filepath.Join(dir, "to-fifo"), "is a named pipe, not a regular file"},
		{sock, "is a socket, not a regular file"},
		{filepath.Join(dir, "to-sock"), "is a socket, not a regular file"},
		{filepath.Join(dir, "to-null"), "is a character device, not a regular file"},
		{filepath.Join(dir, "to-link-to-null"), "is a character device, not a regular file"},
		{"/dev/null", "is a character device, not a regular file"},
		{sub, "is a directory"},
		{filepath.Join(dir, "to-dir"), "is a directory"},
		{filepath.Join(dir, "dangling"), "is a symbolic link that does not lead to a file"},
		{filepath.Join(dir, "new.json") + "/", "must name a file: it ends in a path separator"},
		{filepath.Join(dir, ".m.json"+tempMarker+"123"), "is a name export_model uses for its temporary files"},
	} {
		_, err := WriteFile(c.path, rec)
		if !errors.Is(err, dserr.InvalidArgument) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "path: ") {
			t.Errorf("WriteFile(%s): %v, want an error containing %q", c.path, err, c.want)
		}
	}
	for path, want := range map[string]os.FileMode{fifo: os.ModeNamedPipe, sock: os.ModeSocket, sub: os.ModeDir, "/dev/null": os.ModeCharDevice | os.ModeDevice} {
		st, err := os.Lstat(path)
		if err != nil || st.Mode().Type() != want {
			t.Errorf("%s is now %v (%v), want type %v", path, st.Mode(), err, want)
		}
	}
	for name := range links {
		if st, err := os.Lstat(filepath.Join(dir, name)); err != nil || st.Mode().Type() != os.ModeSymlink {
			t.Errorf("link %s replaced: %v %v", name, st, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if isTemp(e.Name()) {
			t.Errorf("a refused export left %s", e.Name())
		}
	}
	if entries, _ := os.ReadDir(sub); len(entries) != 0 {
		t.Errorf("an export into a directory wrote %v", entries)
	}
}

// TestLeftoverTempFiles: a temporary file of a killed export is never
// read as a model, and the next export to the same path removes those
// older than LeftoverAge, never a younger one (a concurrent export's), a
// leftover of another target, or a link.
func TestLeftoverTempFiles(t *testing.T) {
	dir := t.TempDir()
	rec := perceptronRecord(t)
	path := filepath.Join(dir, "m.json")
	b, err := MarshalFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, ".m.json"+tempMarker+"111")
	young := filepath.Join(dir, ".m.json"+tempMarker+"222")
	other := filepath.Join(dir, ".n.json"+tempMarker+"333")
	link := filepath.Join(dir, ".m.json"+tempMarker+"444")
	for _, p := range []string{old, young, other} {
		if err := os.WriteFile(p, b, 0o600); err != nil { // a complete file, even
			t.Fatal(err)
		}
	}
	if err := os.Symlink(other, link); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-LeftoverAge - time.Minute)
	for _, p := range []string{old, other} {
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(young, time.Now().Add(-LeftoverAge+time.Minute), time.Now().Add(-LeftoverAge+time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(old); !errors.Is(err, dserr.InvalidArgument) || !strings.Contains(err.Error(), "is a temporary file of an unfinished export_model") {
		t.Errorf("import of a leftover: %v", err)
	}
	if _, err := WriteFile(path, rec); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{old: false, young: true, other: true, link: true, path: true} {
		_, err := os.Lstat(p)
		if (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}

// TestReadFileOnlyRegularFiles: import reads only regular files: a FIFO
// (with no writer: the open used to block for ever) and a device are
// refused at once, a file above MaxFileSize before anything is read, and
// a cancelled context stops the read.
func TestReadFileOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "to-fifo")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("{"); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	for _, c := range []struct{ path, want string }{
		{fifo, "cannot read: is not a regular file (a named pipe)"},
		{link, "cannot read: is not a regular file (a named pipe)"},
		{"/dev/null", "cannot read: is not a regular file (a character device)"},
		{dir, "cannot read: is a directory"},
		{big, "is 67108865 bytes; model files are at most 67108864 bytes (64 MiB)"},
	} {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(c.path); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, dserr.InvalidArgument) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ReadFile(%s): %v, want an error containing %q", c.path, err, c.want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("ReadFile(%s) did not return: it blocked", c.path)
		}
	}
	// A read whose context has ended stops before its first chunk.
	path := filepath.Join(dir, "m.json")
	if _, err := WriteFile(path, perceptronRecord(t)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadFileContext(ctx, path); !errors.Is(err, dserr.Cancelled) {
		t.Errorf("read with a cancelled context: %v", err)
	}
	if _, err := ReadFileContext(context.Background(), path); err != nil {
		t.Errorf("read: %v", err)
	}
}

// An export whose file would be larger than import reads is refused before
// anything is written: every file export writes, import reads.
func TestWriteFileRefusesAboveImportCap(t *testing.T) {
	dir := t.TempDir()
	rec := *perceptronRecord(t)
	// A document just past the cap: the stored one with a long string field.
	pad := strings.Repeat("x", MaxFileSize)
	rec.Document = []byte(`{"pad":"` + pad + `"}`)
	target := filepath.Join(dir, "big.json")
	_, err := WriteFile(target, &rec)
	if err == nil || !strings.Contains(err.Error(), "model files are at most 67108864 bytes (64 MiB), the most import_model reads") {
		t.Fatalf("error %v, want the import cap named", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left: %v", entries)
	}
}
