//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package repl

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// TestTerminalWidth runs a session whose stdout is a pseudo-terminal 40
// columns wide: box results are fitted to it, while a file gets them whole.
func TestTerminalWidth(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 40}); err != nil {
		t.Fatal(err)
	}
	if w := TerminalWidth(tty); w != 40 {
		t.Errorf("TerminalWidth(tty) = %d, want 40", w)
	}
	if w := TerminalWidth(&strings.Builder{}); w != 0 {
		t.Errorf("TerminalWidth(strings.Builder) = %d, want 0", w)
	}
	f, err := os.Create(t.TempDir() + "/out.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if w := TerminalWidth(f); w != 0 {
		t.Errorf("TerminalWidth(file) = %d, want 0", w)
	}

	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(ptmx)
		for sc.Scan() {
			lines <- strings.TrimRight(sc.Text(), "\r")
		}
		close(lines)
	}()
	db := openDB(t)
	var errOut strings.Builder
	s, err := NewSession(context.Background(), db, tty, &errOut, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const wide = "SELECT 1 AS c0, 2 AS c1, 3 AS c2, 4 AS c3, 5 AS c4, 6 AS c5, 7 AS c6, 8 AS c7, 9 AS c8, 10 AS c9;"
	s.RunScript(context.Background(), "w.sql", wide+"\n.print done\n")
	var got []string
	for l := range lines {
		if l == "done" {
			break
		}
		got = append(got, l)
	}
	want := []string{
		"┌───────┬───────┬───┬───────┬───────┐",
		"│  c0   │  c1   │ … │  c8   │  c9   │",
		"│ int32 │ int32 │   │ int32 │ int32 │",
		"├───────┼───────┼───┼───────┼───────┤",
		"│     1 │     2 │ … │     9 │    10 │",
		"├───────┴───────┴───┴───────┴───────┤",
		"│ 1 row        10 columns (4 shown) │",
		"└───────────────────────────────────┘",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || errOut.Len() != 0 {
		t.Errorf("on a 40-column terminal:\n%s\nwant\n%s\nstderr %q", strings.Join(got, "\n"), strings.Join(want, "\n"), errOut.String())
	}

	// .output to a file: the whole table.
	path := f.Name()
	s.RunScript(context.Background(), "w.sql", ".output "+path+"\n"+wide+"\n.output\n")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "…") || !strings.Contains(string(b), "│  c4   │") {
		t.Errorf("a file got an elided table:\n%s", b)
	}
}
