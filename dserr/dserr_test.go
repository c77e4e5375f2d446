package dserr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestErrorText(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{New(InvalidArgument, "predict", "data", "empty"), "predict: data: empty"},
		{New(Refused, "fn", "", "no"), "fn: no"},
		{New(Internal, "", "", "bug %d", 7), "bug 7"},
		{Arg("demo_customers", "n", "must be >= 0, got %d", -1), "demo_customers: n: must be >= 0, got -1"},
		{Wrap(DataQuery, "profile", "data", io.ErrUnexpectedEOF), "profile: data: unexpected EOF"},
	}
	for _, c := range cases {
		if c.err.Error() != c.want {
			t.Errorf("%q, want %q", c.err.Error(), c.want)
		}
	}
}

func TestIs(t *testing.T) {
	err := Wrap(DataQuery, "profile", "data", io.ErrUnexpectedEOF)
	if !errors.Is(err, DataQuery) || !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, Refused) {
		t.Fatal("errors.Is does not see the code and the cause")
	}
	outer := fmt.Errorf("context: %w", Arg("f", "a", "bad"))
	if !errors.Is(outer, InvalidArgument) {
		t.Fatal("wrapped code lost")
	}
	// Wrapping a ducksight error again keeps it as it is: no doubled prefix.
	inner := Arg("f", "a", "bad")
	if again := Wrap(Internal, "g", "b", inner); again != error(inner) || again.Error() != "f: a: bad" {
		t.Fatalf("rewrapped: %v", again)
	}
	if Wrap(Internal, "f", "", nil) != nil {
		t.Fatal("Wrap(nil) is not nil")
	}
}

// TestWrapFillsFunction: an *Error raised below the SQL layer (no
// function) comes back from Wrap as a copy naming fn, with its code,
// argument and message; one that names a function comes back as it is.
func TestWrapFillsFunction(t *testing.T) {
	orig := New(NotFound, "", "model", "no model")
	err := Wrap(Internal, "predict", "data", orig)
	if err.Error() != "predict: model: no model" || !errors.Is(err, NotFound) || errors.Is(err, Internal) {
		t.Fatalf("%q (code kept: %v)", err, errors.Is(err, NotFound))
	}
	if err == error(orig) || orig.Func != "" || orig.Error() != "model: no model" {
		t.Fatalf("Wrap changed the error it was given: %q", orig)
	}
	named := New(NotFound, "other", "", "x")
	if again := Wrap(Internal, "predict", "", named); again != error(named) || again.Error() != "other: x" {
		t.Fatalf("a set function was replaced: %v", again)
	}
	// Without a function to fill in, the error is returned as it is.
	if same := Wrap(Internal, "", "", orig); same != error(orig) {
		t.Fatalf("copied without a function: %v", same)
	}
}

func TestRangeText(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{Between("lift", "bins", int64(2), 100000, 2000000000), "lift: bins: must be between 2 and 100000, got 2000000000"},
		{Between("train_perceptron", "l2", 0, 1000, 1e300), "train_perceptron: l2: must be between 0 and 1000, got 1e+300"},
		{Between("predict", "threshold", 0, 1, 1.5), "predict: threshold: must be between 0 and 1, got 1.5"},
		{AtLeast("explain", "top_k", 1, 0), "explain: top_k: must be at least 1, got 0"},
		{AtLeast("segment_profile", "min_size", int64(0), -9007199254740993), "segment_profile: min_size: must be at least 0, got -9007199254740993"},
	}
	for _, c := range cases {
		if c.err.Error() != c.want {
			t.Errorf("%q, want %q", c.err.Error(), c.want)
		}
		if !errors.Is(c.err, InvalidArgument) {
			t.Errorf("%q: not InvalidArgument", c.err)
		}
	}
}

func TestCancel(t *testing.T) {
	err := Cancel("train_perceptron", "", context.DeadlineExceeded)
	if err.Error() != "train_perceptron: cancelled: context deadline exceeded" {
		t.Fatalf("text %q", err)
	}
	if !errors.Is(err, Cancelled) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		t.Fatal("errors.Is does not see the code and the context's error")
	}
}
