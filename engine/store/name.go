package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ducksight/ducksight/dserr"
)

// CheckName checks a model name: not empty or blank, valid UTF-8, and no
// control character (NUL, newline, tab, DEL, the C1 range ...). Save, Load
// and Drop check every name they are given, so a name that could be cut
// short or mistaken for another on its way through C strings, terminals or
// logs never reaches the table. The error has argument "model" and no
// function (dserr.Wrap adds the caller's).
func CheckName(name string) error {
	if strings.TrimSpace(name) == "" {
		return dserr.New(dserr.InvalidArgument, "", "model", "must not be empty")
	}
	if !utf8.ValidString(name) {
		return dserr.New(dserr.InvalidArgument, "", "model", "%q is not valid UTF-8", name)
	}
	for i, r := range name {
		if unicode.IsControl(r) {
			return dserr.New(dserr.InvalidArgument, "", "model", "must not contain control characters, got %q (U+%04X at byte %d)", name, r, i)
		}
	}
	return nil
}
