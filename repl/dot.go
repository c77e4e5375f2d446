package repl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/dserr"
)

// dotCommand is one row of the dot command table.
type dotCommand struct {
	name  string // with the dot: ".mode"
	args  string // argument synopsis for usage lines: "MODE"
	help  string // one line for .help
	nargs [2]int // minimum and maximum argument count; -1: no maximum
	run   func(ctx context.Context, s *Session, d dotCall) error
}

// dotCall is one invocation of a dot command.
type dotCall struct {
	name   string   // the command's name, with the dot
	script string   // name of the script it appears in
	args   []string // arguments, unquoted
}

func (c *dotCommand) usage() string {
	if c.args == "" {
		return c.name
	}
	return c.name + " " + c.args
}

// dotCommands is the one table of dot commands: Execute dispatches on it and
// .help lists it. It is filled in init because .help refers to it.
var dotCommands []dotCommand

func init() {
	dotCommands = []dotCommand{
		{".bail", "on|off", "stop at the first error", [2]int{1, 1}, func(_ context.Context, s *Session, d dotCall) error {
			return setBool(&s.opts.Bail, d.args[0])
		}},
		{".cd", "DIR", "change the working directory to DIR", [2]int{1, 1}, dotCd},
		{".changes", "on|off", "after each statement that changes rows, print how many it changed and the total so far", [2]int{1, 1}, dotChanges},
		{".chart", "[FILE.png|FILE.svg]", "draw the last result as a line or bar chart, on the output or to a PNG or SVG file", [2]int{0, 1}, dotChart},
		{".columns", "", "draw box and table results column-wise: one row per column with its name, type and values", [2]int{0, 0}, func(_ context.Context, s *Session, _ dotCall) error {
			s.opts.Columns = true
			return nil
		}},
		{".databases", "", "list the names and files of the attached databases", [2]int{0, 0}, dotDatabases},
		{".dump", "[TABLE...]", "print SQL that recreates the tables (matching the LIKE patterns TABLE), their rows, views and indexes, and the stored models", [2]int{0, -1}, dotDump},
		{".echo", "on|off", "print each statement before running it", [2]int{1, 1}, func(_ context.Context, s *Session, d dotCall) error {
			return setBool(&s.opts.Echo, d.args[0])
		}},
		{".exit", "", "end the session (same as .quit)", [2]int{0, 0}, dotQuit},
		{".functions", "[NAME]", "list ducksight's SQL functions with signature and summary; with NAME, those whose name contains it, each with its arguments' types, defaults, ranges and meanings", [2]int{0, 1}, dotFunctions},
		{".headers", "on|off", "show or hide column names", [2]int{1, 1}, func(_ context.Context, s *Session, d dotCall) error {
			var on bool
			if err := setBool(&on, d.args[0]); err != nil {
				return err
			}
			s.opts.NoHeader = !on
			return nil
		}},
		{".help", "[COMMAND]", "list dot commands, or show one", [2]int{0, 1}, dotHelp},
		{".import", "FILE TABLE", "read the CSV file FILE (read_csv, its types and dialect detected) into TABLE, created when it does not exist", [2]int{2, 2}, dotImport},
		{".maxrows", "N", "show only the first and last rows of results longer than N in box and table mode (0: all; default 40 on a terminal)", [2]int{1, 1}, func(_ context.Context, s *Session, d dotCall) error {
			n, err := strconv.Atoi(d.args[0])
			if err != nil || n < 0 {
				return fmt.Errorf("%w: %q (want a row count, 0 for all)", ErrBadArgument, d.args[0])
			}
			s.opts.MaxRows, s.opts.MaxRowsSet = n, true
			return nil
		}},
		{".maxwidth", "[N]", "fit box and table results to N columns, shortening wide columns before leaving any out (0: the terminal's width), or show it", [2]int{0, 1}, func(_ context.Context, s *Session, d dotCall) error {
			if len(d.args) == 0 {
				_, err := fmt.Fprintf(s.out, "current max width: %d\n", max(s.opts.MaxWidth, 0))
				return err
			}
			n, err := strconv.Atoi(d.args[0])
			if err != nil || n < 0 {
				return fmt.Errorf("%w: %q (want a width in columns, 0 for the terminal's)", ErrBadArgument, d.args[0])
			}
			s.opts.MaxWidth = n
			return nil
		}},
		{".mode", "[MODE [TABLE]]", "set the output mode (" + modeNames() + "; TABLE for insert), or show it", [2]int{0, 2}, func(_ context.Context, s *Session, d dotCall) error {
			if len(d.args) == 0 {
				mode := s.opts.Mode
				if mode == "" {
					mode = "box"
				}
				_, err := fmt.Fprintf(s.out, "current output mode: %s\n", mode)
				return err
			}
			spec, ok := lookupMode(d.args[0])
			if !ok {
				return fmt.Errorf("%w %q (modes: %s)", ErrUnknownMode, d.args[0], modeNames())
			}
			if len(d.args) == 2 && spec.Name != "insert" {
				return fmt.Errorf("%w: TABLE can only be used with .mode insert", ErrUsage)
			}
			s.opts.Mode = spec.Name
			s.opts.ColSeparator, s.opts.RowSeparator = "", ""
			if spec.Name == "insert" {
				s.opts.Table = ""
				if len(d.args) == 2 {
					s.opts.Table = d.args[1]
				}
			}
			return nil
		}},
		{".models", "", "list the stored models: SELECT name, version, task, positive, label, metric, valid_metric, created_at FROM models()", [2]int{0, 0}, dotModels},
		{".nullvalue", "TEXT", "print NULL as TEXT in the text modes (default: NULL in tables, line, column, html and latex, empty in csv, tabs, list and ascii; quote and insert always write NULL)", [2]int{1, 1}, func(_ context.Context, s *Session, d dotCall) error {
			text := d.args[0]
			s.opts.NullValue = &text
			return nil
		}},
		{".once", "FILE", "send the next command's results to FILE", [2]int{1, 1}, dotOnce},
		{".open", "[FILE]", "close the database and open FILE (in memory without FILE); on error the old one stays open", [2]int{0, 1}, dotOpen},
		{".output", "[FILE]", "send results to FILE, or back to stdout without FILE", [2]int{0, 1}, dotOutput},
		{".print", "TEXT...", "print the arguments, separated by spaces", [2]int{0, -1}, func(_ context.Context, s *Session, d dotCall) error {
			_, err := fmt.Fprintln(s.out, strings.Join(d.args, " "))
			return err
		}},
		{".prompt", "MAIN [CONTINUE]", "set the interactive shell's prompt and continuation prompt", [2]int{1, 2}, dotPrompt},
		{".quit", "", "end the session: run nothing more (not an error)", [2]int{0, 0}, dotQuit},
		{".read", "FILE", "run the script in FILE (relative to the current script's directory)", [2]int{1, 1}, dotRead},
		{".rows", "", "draw box and table results row-wise (default; see .columns)", [2]int{0, 0}, func(_ context.Context, s *Session, _ dotCall) error {
			s.opts.Columns = false
			return nil
		}},
		{".schema", "[PATTERN]", "print the CREATE statements of tables, views and indexes (of the tables matching the LIKE PATTERN)", [2]int{0, 1}, dotSchema},
		{".separator", "COL [ROW]", "separate fields with COL and records with ROW in list, tabs, csv, quote and ascii mode (ROW: also line mode); .mode resets both", [2]int{1, 2}, func(_ context.Context, s *Session, d dotCall) error {
			s.opts.ColSeparator = d.args[0]
			if len(d.args) == 2 {
				s.opts.RowSeparator = d.args[1]
			}
			return nil
		}},
		{".shell", "CMD ARGS...", "run CMD ARGS... with /bin/sh", [2]int{1, -1}, dotShell},
		{".show", "", "show the current settings", [2]int{0, 0}, dotShow},
		{".system", "CMD ARGS...", "run CMD ARGS... with /bin/sh (same as .shell)", [2]int{1, -1}, dotShell},
		{".tables", "[PATTERN]", "list the tables and views (matching the LIKE PATTERN), without ducksight's own schema", [2]int{0, 1}, dotTables},
		{".timer", "on|off", "print the run time of each SQL statement", [2]int{1, 1}, func(_ context.Context, s *Session, d dotCall) error {
			return setBool(&s.opts.Timer, d.args[0])
		}},
		{".width", "[N...]", "set the minimum widths of the columns of column mode, in order (negative: right-aligned); none: clear them", [2]int{0, -1}, func(_ context.Context, s *Session, d dotCall) error {
			widths := make([]int, len(d.args))
			for i, a := range d.args {
				n, err := strconv.Atoi(a)
				if err != nil {
					return fmt.Errorf("%w: %q (want a column width)", ErrBadArgument, a)
				}
				widths[i] = n
			}
			s.opts.ColumnWidths = widths
			return nil
		}},
	}
}

func dotQuit(_ context.Context, s *Session, _ dotCall) error {
	s.quit = true
	return nil
}

func lookupDot(name string) *dotCommand {
	for i := range dotCommands {
		if dotCommands[i].name == name {
			return &dotCommands[i]
		}
	}
	return nil
}

// unknownDot is the error of a dot command not in the table, naming the
// nearest one when one is close (a typo: .tabels, .moddels).
func unknownDot(name string) error {
	names := make([]string, len(dotCommands))
	for i, c := range dotCommands {
		names[i] = c.name
	}
	if near, ok := dserr.Closest(name, names); ok {
		return fmt.Errorf("%w %q (did you mean %s? see .help)", ErrUnknownDotCommand, name, near)
	}
	return fmt.Errorf("%w %q (see .help)", ErrUnknownDotCommand, name)
}

// dot runs the dot command line of the script named script.
func (s *Session) dot(ctx context.Context, script, line string) error {
	args := splitArgs(line)
	if len(args) == 0 {
		return unknownDot(line)
	}
	name := args[0]
	args = args[1:]
	c := lookupDot(name)
	if c == nil {
		return unknownDot(name)
	}
	if len(args) < c.nargs[0] || c.nargs[1] >= 0 && len(args) > c.nargs[1] {
		return fmt.Errorf("%w: %s", ErrUsage, c.usage())
	}
	return c.run(ctx, s, dotCall{name: name, script: script, args: args})
}

func setBool(dst *bool, arg string) error {
	switch strings.ToLower(arg) {
	case "on", "yes", "true", "1":
		*dst = true
	case "off", "no", "false", "0":
		*dst = false
	default:
		return fmt.Errorf("%w: %q (want on or off)", ErrBadArgument, arg)
	}
	return nil
}

func dotHelp(_ context.Context, s *Session, d dotCall) error {
	cmds := dotCommands
	if len(d.args) == 1 {
		name := d.args[0]
		if !strings.HasPrefix(name, ".") {
			name = "." + name
		}
		c := lookupDot(name)
		if c == nil {
			return unknownDot(name)
		}
		cmds = []dotCommand{*c}
	}
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.usage()))
	}
	var b strings.Builder
	for _, c := range cmds {
		fmt.Fprintf(&b, "%-*s  %s\n", width, c.usage(), c.help)
	}
	_, err := fmt.Fprint(s.out, b.String())
	return err
}

// dotRead runs another script in the same session. Its failures are printed
// with its own name and counted in the session, so .read itself fails only
// when the file cannot be read.
func dotRead(ctx context.Context, s *Session, d dotCall) error {
	path := d.args[0]
	if !filepath.IsAbs(path) && !strings.HasPrefix(d.script, "<") {
		path = filepath.Join(filepath.Dir(d.script), path)
	}
	if s.depth >= maxReadDepth {
		return fmt.Errorf(".read %s: scripts nested more than %d deep", path, maxReadDepth)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf(".read: %w", err)
	}
	s.depth++
	defer func() { s.depth-- }()
	s.RunScript(ctx, path, string(src))
	return nil
}

// splitArgs splits a dot command line into words. A word may be quoted with
// ' (taken literally) or " (with backslash escapes \" \\ \n \t).
func splitArgs(line string) []string {
	var args []string
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			return args
		}
		var b strings.Builder
		switch q := line[i]; q {
		case '\'', '"':
			i++
			for i < len(line) && line[i] != q {
				if q == '"' && line[i] == '\\' && i+1 < len(line) {
					i++
					switch line[i] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						b.WriteByte(line[i])
					}
				} else {
					b.WriteByte(line[i])
				}
				i++
			}
			i++ // closing quote
		default:
			for i < len(line) && line[i] != ' ' && line[i] != '\t' {
				b.WriteByte(line[i])
				i++
			}
		}
		args = append(args, b.String())
	}
}

// dotShow prints the current settings as the DuckDB shell's .show does:
// names right-aligned to 12 columns, strings in C-style quotes.
func dotShow(_ context.Context, s *Session, _ dotCall) error {
	o := s.opts
	mode := o.Mode
	if mode == "" {
		mode = "box"
	}
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	spec, _ := lookupMode(mode)
	ro := spec.options(RenderOptions{ColSeparator: o.ColSeparator, RowSeparator: o.RowSeparator, NullValue: o.NullValue})
	col, row, null := ro.ColSeparator, ro.RowSeparator, *ro.NullValue
	output := "stdout"
	if s.outFile != nil {
		output = s.outFile.Name()
	}
	filename := s.path
	if filename == "" {
		filename = ":memory:"
	}
	var widths strings.Builder
	for _, w := range o.ColumnWidths {
		fmt.Fprintf(&widths, "%d ", w)
	}
	var b strings.Builder
	for _, kv := range [][2]string{
		{"echo", onOff(o.Echo)},
		{"headers", onOff(!o.NoHeader)},
		{"mode", mode},
		{"nullvalue", cString(null)},
		{"output", output},
		{"colseparator", cString(col)},
		{"rowseparator", cString(row)},
		{"width", widths.String()},
		{"filename", filename},
	} {
		fmt.Fprintf(&b, "%12.12s: %s\n", kv[0], kv[1])
	}
	_, err := fmt.Fprint(s.out, b.String())
	return err
}

// cString quotes s as the DuckDB shell's .show does: in double quotes, with
// \\, \", \t, \n, \r and other unprintable bytes (as \ooo) escaped.
func cString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b.WriteString(`\\`)
		case c == '"':
			b.WriteString(`\"`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
