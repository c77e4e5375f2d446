package repl

import "testing"

func TestWidth(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"ü", 1},
		{"u\u0308", 1}, // u + combining diaeresis
		{"日本語", 6},
		{"한국어", 6},
		{"ｶﾀｶﾅ", 4}, // halfwidth katakana
		{"ＡＢ", 4},   // fullwidth Latin
		{"👍", 2},
		{"a\u200bb", 2}, // zero width space
		{"e\u0301\u0301", 1},
		{"·", 1},
		{"─│┌", 3},
		{"\x01", 0},
		{"\U00020000", 2}, // CJK extension B
	} {
		if got := Width(c.s); got != c.want {
			t.Errorf("Width(%q) = %d, want %d", c.s, got, c.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want string
	}{
		{"abcdef", 0, "abcdef"},
		{"abcdef", 6, "abcdef"},
		{"abcdef", 4, "abc…"},
		{"日本語テキスト", 5, "日本…"},
		{"日本語テキスト", 6, "日本…"},
		{"abc", 1, "…"},
	} {
		if got := truncate(c.s, c.w); got != c.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", c.s, c.w, got, c.want)
		}
	}
}

func TestEscapeControl(t *testing.T) {
	for _, c := range []struct{ s, want string }{
		{"plain ü", "plain ü"},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"\x01\x7f", `\x01\x7F`},
		{"bad\xffutf8", "bad\uFFFDutf8"},
	} {
		if got := escapeControl(c.s); got != c.want {
			t.Errorf("escapeControl(%q) = %q, want %q", c.s, got, c.want)
		}
	}
}
