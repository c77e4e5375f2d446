package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/peterh/liner"
)

// The interactive shell: github.com/peterh/liner for line editing, history
// (Ctrl-R searches it) and Tab completion; statements span lines until a
// ';' outside strings and comments (the lexer decides, as for scripts).

const (
	prompt         = "D "
	continuePrompt = "· "
)

// historyFile is where the REPL keeps its history: $XDG_STATE_HOME/ducksight/history
// when XDG_STATE_HOME is set, else ~/.ducksight_history.
func historyFile() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "ducksight", "history")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".ducksight_history")
}

// interactive runs the REPL on the terminal until Ctrl-D or .quit, and
// returns the number of statements that failed. Ctrl-C cancels the running
// statement (interrupt delivers the terminal's SIGINTs; nil: none) and
// returns to the prompt; at the prompt it clears the line.
func (s *Session) interactive(ctx context.Context, env Env) int {
	ln := liner.NewLiner()
	defer ln.Close()
	ln.SetCtrlCAborts(true)
	ln.SetMultiLineMode(true)
	ln.SetTabCompletionStyle(liner.TabPrints)

	var pending strings.Builder // the statement's lines so far
	comp := &completer{s: s, funcs: env.Functions, pending: pending.String}
	ln.SetWordCompleter(comp.complete)

	hist := historyFile()
	if f, err := os.Open(hist); err == nil {
		_, _ = ln.ReadHistory(f)
		f.Close()
	}
	defer func() {
		if hist == "" {
			return
		}
		_ = os.MkdirAll(filepath.Dir(hist), 0o755)
		if f, err := os.OpenFile(hist, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600); err == nil {
			_, _ = ln.WriteHistory(f)
			f.Close()
		}
	}()

	fmt.Fprintf(s.stdout, "%s %s\nEnter \".help\" for usage hints.\n", program, env.Version)
	for !s.Quit() {
		p, cont := s.prompts()
		if pending.Len() > 0 {
			p = cont
		}
		line, err := ln.Prompt(p)
		switch {
		case errors.Is(err, liner.ErrPromptAborted): // Ctrl-C: drop the statement
			pending.Reset()
			continue
		case errors.Is(err, io.EOF): // Ctrl-D
			if pending.Len() > 0 {
				pending.Reset()
				fmt.Fprintln(s.stdout)
				continue
			}
			fmt.Fprintln(s.stdout)
			return s.failures
		case err != nil:
			fmt.Fprintf(s.stderr, "%s: Error: %s\n", program, err)
			return s.failures + 1
		}
		if pending.Len() == 0 {
			switch strings.TrimSpace(line) {
			case "":
				continue
			}
		}
		pending.WriteString(line)
		pending.WriteByte('\n')
		sts := Split(pending.String())
		if len(sts) == 0 {
			// Only comments so far: keep reading only inside an open block
			// comment.
			if !openComment(pending.String()) {
				pending.Reset()
			}
			continue
		}
		if last := sts[len(sts)-1]; !last.Complete {
			continue
		}
		text := pending.String()
		pending.Reset()
		entry := strings.TrimRight(text, "\n")
		ln.AppendHistory(entry)
		appendHistory(hist, entry)
		s.runInteractive(ctx, env, text)
	}
	return s.failures
}

// appendHistory adds entry to the history file path at once, before the
// statement runs, so that the history keeps it whatever happens to the
// process next (a crash, kill -9); the clean exit rewrites the file with
// liner's (bounded) history.
func appendHistory(path, entry string) {
	if path == "" {
		return
	}
	_ = os.MkdirAll(filepath.Dir(path), 0o755)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	_, _ = f.WriteString(entry + "\n")
	_ = f.Close()
}

// openComment reports whether src ends inside a /* */ comment.
func openComment(src string) bool {
	depth := 0
	for i := 0; i < len(src); i++ {
		switch {
		case strings.HasPrefix(src[i:], "--") && depth == 0:
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				return false
			}
			i += j
		case strings.HasPrefix(src[i:], "/*"):
			depth++
			i++
		case strings.HasPrefix(src[i:], "*/") && depth > 0:
			depth--
			i++
		}
	}
	return depth > 0
}

// runInteractive runs one entry of the REPL (statements and dot commands)
// with a context that Ctrl-C cancels. An error is printed and the session
// goes on: bail does not end an interactive session, nor does an
// interruption.
func (s *Session) runInteractive(ctx context.Context, env Env, text string) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	if env.Interrupt != nil {
		// Drop a Ctrl-C pressed before the statement started.
		for len(env.Interrupt) > 0 {
			<-env.Interrupt
		}
		go func() {
			select {
			case <-env.Interrupt:
				cancel()
			case <-done:
			}
		}()
	}
	s.RunScript(ctx, "", text)
	close(done)
	cancel()
	s.stopped = false
}
