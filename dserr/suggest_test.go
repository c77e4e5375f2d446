package dserr

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestColumnList(t *testing.T) {
	if got, want := ColumnList([]string{"id", `say "hi"`}), `"id", "say \"hi\""`; got != want {
		t.Errorf("ColumnList = %s, want %s", got, want)
	}
	var many []string
	for i := range 33 {
		many = append(many, fmt.Sprintf("c%d", i))
	}
	got := ColumnList(many)
	if !strings.HasPrefix(got, `"c0", "c1", `) || !strings.HasSuffix(got, `"c28", "c29", and 3 more`) {
		t.Errorf("ColumnList of 33 = %s", got)
	}
}

func TestUnknownColumn(t *testing.T) {
	cols := []string{"customer_id", "churned", "plan"}
	for _, c := range []struct{ fn, arg, name, want string }{
		{"train_perceptron", "label", "churnd", `train_perceptron: label: column "churnd" not found in data (did you mean "churned"?)`},
		{"split", "by", "Customer_ID ", `split: by: column "Customer_ID " not found in data (did you mean "customer_id"?)`},
		{"", "exclude", "x", `exclude: column "x" not found in data (columns: "customer_id", "churned", "plan")`},
	} {
		err := UnknownColumn(c.fn, c.arg, c.name, cols)
		if err.Error() != c.want || !errors.Is(err, InvalidArgument) {
			t.Errorf("UnknownColumn(%q) = %v, want %s (InvalidArgument)", c.name, err, c.want)
		}
	}
}

// duckdbNamed is DuckDB 1.5's text of the error, as the duckdb-go driver
// returns it.
const duckdbNamed = `Binder Error: Invalid named parameter "hiden" for function train_perceptron
Candidates:
    activation ANY
    hidden ANY
    label ANY


LINE 1: SELECT * FROM train_perceptron('m', 'c', label := 'y', hiden := 3)
                      ^`

func named(fn string) ([]string, bool) {
	switch fn {
	case "train_perceptron":
		return []string{"label", "features", "hidden", "activation"}, true
	case "models":
		return nil, true
	}
	return nil, false
}

func TestUnknownNamedArg(t *testing.T) {
	cause := errors.New(duckdbNamed)
	err := UnknownNamedArg(cause, named)
	want := `Binder Error: train_perceptron: unknown argument "hiden" (did you mean hidden?); its named arguments: label, features, hidden, activation

LINE 1: SELECT * FROM train_perceptron('m', 'c', label := 'y', hiden := 3)
                      ^`
	if err.Error() != want {
		t.Errorf("rewritten:\n%s\nwant:\n%s", err, want)
	}
	if !errors.Is(err, InvalidArgument) || !errors.Is(err, cause) {
		t.Errorf("rewritten error does not wrap InvalidArgument and its cause")
	}

	for _, c := range []struct{ text, want string }{
		// Nothing near: no suggestion, the list.
		{`Binder Error: Invalid named parameter "zzz" for function train_perceptron
Candidates:
    hidden ANY
`, `Binder Error: train_perceptron: unknown argument "zzz"; its named arguments: label, features, hidden, activation`},
		// A function without named arguments.
		{`Binder Error: Invalid named parameter "foo" for function models
Function does not accept any named parameters.

LINE 1: SELECT * FROM models(foo := 1)
                      ^`, `Binder Error: models: unknown argument "foo"; it takes no named arguments

LINE 1: SELECT * FROM models(foo := 1)
                      ^`},
		// Unquoted, as older DuckDB versions print it.
		{`Binder Error: Invalid named parameter hiden for function train_perceptron
Candidates:
    hidden ANY`, `Binder Error: train_perceptron: unknown argument "hiden" (did you mean hidden?); its named arguments: label, features, hidden, activation`},
	} {
		if got := UnknownNamedArg(errors.New(c.text), named).Error(); got != c.want {
			t.Errorf("rewritten:\n%s\nwant:\n%s", got, c.want)
		}
	}

	// Left as they are: another function's, another error, nil, a text
	// that does not parse.
	for _, text := range []string{
		`Binder Error: Invalid named parameter "hedaer" for function read_csv
Candidates:
    header ANY`,
		`Binder Error: train_perceptron: label: column "churnd" not found in data`,
		`Binder Error: Invalid named parameter "hiden`,
		`Binder Error: Invalid named parameter "hiden" of train_perceptron`,
	} {
		cause := errors.New(text)
		if got := UnknownNamedArg(cause, named); got != cause {
			t.Errorf("UnknownNamedArg(%q) = %v, want it unchanged", text, got)
		}
	}
	if UnknownNamedArg(nil, named) != nil {
		t.Errorf("UnknownNamedArg(nil) is not nil")
	}
}

func ExampleUnknownNamedArg() {
	err := errors.New(`Binder Error: Invalid named parameter "thresold" for function predict
Candidates:
    threshold ANY
    version ANY
`)
	named := func(fn string) ([]string, bool) {
		if fn == "predict" {
			return []string{"threshold", "version"}, true
		}
		return nil, false
	}
	fmt.Println(UnknownNamedArg(err, named))
	// Output:
	// Binder Error: predict: unknown argument "thresold" (did you mean threshold?); its named arguments: threshold, version
}
