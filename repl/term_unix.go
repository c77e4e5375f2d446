//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package repl

import (
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// TerminalWidth returns the width in columns of the terminal w writes to,
// or 0 when w is not a terminal (a file, a pipe, a buffer) or its size is
// unknown. The REPL and the box renderer use it to fit results to the
// screen: TerminalWidth(os.Stdout).
func TerminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}

// cpuTimes returns the user and system CPU time the process has used so far.
func cpuTimes() (user, sys time.Duration) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}
