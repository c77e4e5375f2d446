package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/dserr"
)

// TestNamesWithControlCharacters: Save, Load and Drop refuse a name with a
// control character as an error of argument model, and touch nothing: a
// name "a\x00qqq" never reaches model "a".
func TestNamesWithControlCharacters(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	if _, err := Save(ctx, db, rec("a")); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a\x00", "a\x00qqq", "a\nb", "a\tb", "\x7f", "a\u0085", "a\u200b\x1b", "", "  ", "a\xff"} {
		check := func(what string, err error) {
			t.Helper()
			var de *dserr.Error
			if !errors.Is(err, dserr.InvalidArgument) || !errors.As(err, &de) || de.Arg != "model" || !strings.HasPrefix(de.Msg, "must") && !strings.Contains(de.Msg, "UTF-8") {
				t.Errorf("%s %q: %v", what, n, err)
			}
		}
		_, err := Save(ctx, db, rec(n))
		check("save", err)
		_, err = Load(ctx, db, n, 0)
		check("load", err)
		_, err = Drop(ctx, db, n, 0)
		check("drop", err)
	}
	list, err := List(ctx, db)
	if err != nil || len(list) != 1 || list[0].Name != "a" || list[0].Version != 1 {
		t.Fatalf("models after refused calls: %+v %v", list, err)
	}
	for _, n := range []string{"a b", "o'brien", "模型", "a\u200bb"} {
		if err := CheckName(n); err != nil {
			t.Errorf("CheckName(%q): %v", n, err)
		}
	}
}
