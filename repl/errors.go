package repl

import "errors"

// Errors of the batch runner and dot commands, wrapped with %w and the detail.
var (
	// ErrUnknownMode: .mode or NewRenderer got a mode that is not in Modes.
	ErrUnknownMode = errors.New("unknown output mode")
	// ErrUnknownDotCommand: a dot command that is not in the table.
	ErrUnknownDotCommand = errors.New("unknown dot command")
	// ErrUsage: a dot command with the wrong number of arguments.
	ErrUsage = errors.New("usage")
	// ErrBadArgument: a dot command argument it cannot read.
	ErrBadArgument = errors.New("bad argument")
	// ErrInterrupted: the context was canceled (Ctrl-C) while or before a
	// statement ran.
	ErrInterrupted = errors.New("interrupted")
)
