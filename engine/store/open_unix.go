//go:build unix

package store

import "syscall"

// openNoBlock makes opening a FIFO return at once instead of waiting for
// a writer (reads of a regular file are not affected).
const openNoBlock = syscall.O_NONBLOCK
