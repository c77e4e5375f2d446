//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package repl

import (
	"io"
	"time"
)

// TerminalWidth returns the width in columns of the terminal w writes to;
// on this system it does not know how to ask, and always says 0 (not a
// terminal), so results are never cut to fit.
func TerminalWidth(w io.Writer) int { return 0 }

// cpuTimes is unknown on this system: .timer reports 0 user and sys time.
func cpuTimes() (user, sys time.Duration) { return 0, 0 }
