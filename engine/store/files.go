package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ducksight/ducksight/dserr"
)

// Only regular files are read or replaced. import_model opens a path
// without blocking (a FIFO would wait for a writer forever), checks what it
// opened, refuses anything but a regular file and anything above
// MaxFileSize, and reads through a limit, checking the statement's context
// between chunks. export_model writes a temporary file in the target's
// directory and renames it over the target only when the target is absent
// or a regular file (through a symbolic link: the link's target); a device,
// FIFO, socket or directory, or a link to one, is refused, and so is a path
// ending in a separator.

// MaxFileSize is the largest model file ReadFile reads: 64 MiB. Reading
// and checking a file takes a few times its size in memory, so the cap
// bounds what one import_model can take.
const MaxFileSize = 64 << 20

// tempMarker is in the name of every temporary file WriteFile creates:
// "." + the target's name + tempMarker + a random suffix. ReadFile refuses
// such names, so a file left by a killed export is never taken for a
// model.
const tempMarker = ".ducksight-tmp-"

// LeftoverAge is how old a temporary file of an earlier export to the
// same path must be (its last modification) before WriteFile removes it:
// a file that old was left by an export that was killed, not one that is
// still writing.
const LeftoverAge = 10 * time.Minute

// isTemp reports whether a file name is one of WriteFile's temporary
// files.
func isTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempMarker)
}

// readChunk is how much ReadFile reads between two checks of its context.
const readChunk = 1 << 20

// ReadFile reads and checks the model file at path (see UnmarshalFile),
// without a context.
func ReadFile(path string) (*Record, error) {
	return ReadFileContext(context.Background(), path)
}

// ReadFileContext reads and checks the model file at path (see
// UnmarshalFile). Only a regular file of at most MaxFileSize bytes is read;
// the open never blocks (a FIFO is refused at once), and the read stops
// with a dserr.Cancelled error when ctx ends. A file that does not start
// with '{' is refused after its first bytes, so pointing it at a large
// data file reads nothing more. Errors have argument "path" and a message
// that starts with the quoted path.
func ReadFileContext(ctx context.Context, path string) (*Record, error) {
	rec, err := readFile(ctx, path)
	return rec, atPath(path, err)
}

func readFile(ctx context.Context, path string) (*Record, error) {
	if isTemp(filepath.Base(path)) {
		return nil, bad("is a temporary file of an unfinished export_model, not a model file")
	}
	fh, err := os.OpenFile(path, os.O_RDONLY|openNoBlock, 0)
	if err != nil {
		return nil, fileErr("cannot read", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fileErr("cannot read", err)
	}
	if st.IsDir() {
		return nil, bad("cannot read: is a directory")
	}
	if !st.Mode().IsRegular() {
		return nil, bad("cannot read: is not a regular file (%s); import_model reads only regular files", fileKind(st.Mode()))
	}
	if st.Size() > MaxFileSize {
		return nil, bad("is %d bytes; model files are at most %d bytes (64 MiB)", st.Size(), MaxFileSize)
	}
	r := &ctxReader{ctx: ctx, r: io.LimitReader(fh, MaxFileSize+1)}
	// The size from fstat sizes the buffer (with the room bytes.Buffer
	// wants free before each read, so it never doubles); the limit holds
	// whatever the file does meanwhile.
	buf := bytes.NewBuffer(make([]byte, 0, min(st.Size(), MaxFileSize)+2*bytes.MinRead))
	first := true
	for {
		n, err := buf.ReadFrom(io.LimitReader(r, readChunk))
		if err != nil {
			if ctx.Err() != nil {
				return nil, dserr.Cancel("", "path", ctx.Err())
			}
			return nil, fileErr("cannot read", err)
		}
		if first {
			first = false
			b := bytes.TrimLeft(buf.Bytes(), " \t\r\n")
			if len(b) == 0 && n < readChunk {
				return nil, bad("not a ducksight model file: empty")
			}
			if len(b) > 0 && b[0] != '{' {
				return nil, bad("not a ducksight model file: not a JSON object")
			}
		}
		if buf.Len() > MaxFileSize {
			return nil, bad("is more than %d bytes (it grew while being read); model files are at most 64 MiB", MaxFileSize)
		}
		if n < readChunk {
			break
		}
	}
	return UnmarshalFile(buf.Bytes())
}

// ctxReader fails a Read once its context has ended.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// fileKind names a file mode's type for errors.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// WriteFile writes rec as a model file at path and returns the number of
// bytes written. Like DuckDB's COPY it replaces an existing file, but
// atomically, and only a regular file: the content goes to a temporary
// file in the same directory, which is synced and renamed over path, so a
// reader sees the old file or the complete new one, never a part, and a
// failed write leaves the old file as it was. A symbolic link at path is
// followed (the link stays, its target is replaced), and must lead to a
// regular file or to nothing in an existing directory. A directory,
// device, FIFO or socket at path (or behind the link) is refused, as is a
// path ending in a separator. A replaced file keeps its permission bits, a
// new one gets 0644. Temporary files of earlier exports to the same target
// that were left behind (by a kill) and are older than LeftoverAge are
// removed. Errors are as ReadFile's.
func WriteFile(path string, rec *Record) (int64, error) {
	n, err := writeFile(path, rec)
	return n, atPath(path, err)
}

func writeFile(path string, rec *Record) (int64, error) {
	if strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(os.PathSeparator)) {
		return 0, bad("must name a file: it ends in a path separator")
	}
	if isTemp(filepath.Base(path)) {
		return 0, bad("is a name export_model uses for its temporary files")
	}
	b, err := MarshalFile(rec)
	if err != nil {
		return 0, dserr.Wrap(dserr.Internal, "", "model", err)
	}
	if len(b) > MaxFileSize {
		// Every file export writes is one import reads.
		return 0, dserr.New(dserr.InvalidArgument, "", "model",
			"model %q version %d makes a file of %d bytes; model files are at most %d bytes (64 MiB), the most import_model reads",
			rec.Name, rec.Version, len(b), MaxFileSize)
	}
	target, mode, err := replaceable(path)
	if err != nil {
		return 0, err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	removeLeftovers(dir, base, time.Now())
	tmp, err := os.CreateTemp(dir, "."+base+tempMarker+"*")
	if err != nil {
		return 0, fileErr("cannot write", err)
	}
	renamed := false
	defer func() {
		if !renamed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(b); err != nil {
		return 0, fileErr("cannot write", err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return 0, fileErr("cannot write", err)
	}
	if err := tmp.Sync(); err != nil {
		return 0, fileErr("cannot write", err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fileErr("cannot write", err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return 0, fileErr("cannot write", err)
	}
	renamed = true
	// Make the rename itself durable (best effort: not every system can
	// sync a directory).
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return int64(len(b)), nil
}

// replaceable returns the file an export to path replaces (path, or the
// end of the symbolic links at path) and the permission bits the new file
// gets, or an error when that is not an absent or a regular file.
func replaceable(path string) (string, fs.FileMode, error) {
	st, err := os.Lstat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return path, 0o644, nil
		}
		return "", 0, fileErr("cannot write", err)
	}
	target := path
	if st.Mode()&fs.ModeSymlink != 0 {
		target, err = filepath.EvalSymlinks(path)
		if err != nil {
			return "", 0, bad("cannot write: is a symbolic link that does not lead to a file (%v); export_model replaces only regular files", causeOf(err))
		}
		if st, err = os.Lstat(target); err != nil {
			return "", 0, fileErr("cannot write", err)
		}
	}
	switch {
	case st.IsDir():
		return "", 0, bad("is a directory")
	case !st.Mode().IsRegular():
		return "", 0, bad("cannot write: is %s, not a regular file; export_model replaces only regular files", fileKind(st.Mode()))
	}
	return target, st.Mode().Perm(), nil
}

// causeOf is err without its path or paths (the message has them
// already).
func causeOf(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// removeLeftovers removes the temporary files of earlier exports to
// dir/base that were last modified more than LeftoverAge before now:
// regular files named "." + base + tempMarker + suffix, never followed
// through a link. A younger one may belong to an export still writing,
// and stays. Failures are ignored (a leftover is harmless: nothing reads
// it).
func removeLeftovers(dir, base string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + tempMarker
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < LeftoverAge {
			continue
		}
		_ = os.Remove(filepath.Join(dir, e.Name()))
	}
}
