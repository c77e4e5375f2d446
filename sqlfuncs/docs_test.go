//go:build duckdb_arrow

package sqlfuncs_test

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/sqlfuncs"
	"github.com/ducksight/ducksight/sqlfuncs/internal/reference"
)

// TestDocsCoverRegistry: docs/sql.md has a section for every registered
// function, opening with its signature and naming each of its arguments
// and result columns.
func TestDocsCoverRegistry(t *testing.T) {
	raw, err := os.ReadFile("../docs/sql.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(string(raw), "\n## ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		sections[strings.TrimSpace(name)] = body
	}
	if len(sqlfuncs.Docs()) != sqlfuncs.RegistryLen {
		t.Fatalf("Docs() lists %d functions, registry has %d", len(sqlfuncs.Docs()), sqlfuncs.RegistryLen)
	}
	for _, d := range sqlfuncs.Docs() {
		body, ok := sections[d.Name]
		if !ok {
			t.Errorf("docs/sql.md has no section '## %s'", d.Name)
			continue
		}
		// The section opens with the signature .functions prints, both
		// from Doc.Signature.
		if first := strings.TrimSpace(body); !strings.HasPrefix(first, "`"+d.Signature+"`") {
			line, _, _ := strings.Cut(first, "\n")
			t.Errorf("%s: section opens with %q, want the signature `%s`", d.Name, line, d.Signature)
		}
		for _, a := range d.Args {
			if !strings.Contains(body, "| "+a.Name+" | "+a.Type+" |") {
				t.Errorf("%s: argument %s (%s) not in its table", d.Name, a.Name, a.Type)
			}
		}
		for _, c := range d.Columns {
			if !strings.Contains(body, "| "+c.Name+" | "+c.Type+" |") {
				t.Errorf("%s: column %s (%s) not in its table", d.Name, c.Name, c.Type)
			}
		}
		if d.Summary == "" || d.Example == "" {
			t.Errorf("%s: registry entry lacks a summary or example", d.Name)
		}
	}
}

// TestDocsGenerated: the argument and result-column tables of
// docs/sql.md are what the generator writes from the registry, and every
// function has them (reference.Rewrite fails on a missing block).
func TestDocsGenerated(t *testing.T) {
	raw, err := os.ReadFile("../docs/sql.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := reference.Rewrite(raw, sqlfuncs.Docs())
	if err != nil {
		t.Fatalf("docs/sql.md: %v", err)
	}
	if bytes.Equal(raw, want) {
		return
	}
	got, exp := strings.Split(string(raw), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(got), len(exp)) {
		if got[i] != exp[i] {
			t.Fatalf("docs/sql.md is stale: run go generate ./sqlfuncs\nline %d is\n\t%s\nwant\n\t%s", i+1, got[i], exp[i])
		}
	}
	t.Fatalf("docs/sql.md is stale: run go generate ./sqlfuncs (%d lines, want %d)", len(got), len(exp))
}

// TestDocsTables: a function's tables say what its declarations say.
func TestDocsTables(t *testing.T) {
	for _, d := range sqlfuncs.Docs() {
		if d.Name != "predict" {
			continue
		}
		want := "| argument | type | default | range | meaning |\n|---|---|---|---|---|\n" +
			"| model | VARCHAR | required |  | model name |\n" +
			"| data | VARCHAR | required |  | a table, view or quoted file name, or one SELECT query (see The data argument) |\n" +
			"| threshold | DOUBLE | 0.5 | [0, 1] | binary: the positive class is predicted when its probability is at least this; an error for any other model |\n" +
			"| version | INTEGER | the latest | >= 1 | model version |\n"
		if got := reference.ArgsTable(d.Args); got != want {
			t.Errorf("predict's arguments:\n%s\nwant\n%s", got, want)
		}
		return
	}
	t.Fatal("no predict in Docs()")
}

// TestSignature: the one format docs/sql.md and .functions share.
func TestSignature(t *testing.T) {
	want := map[string]string{
		"predict":     "predict(model VARCHAR, data VARCHAR, threshold := DOUBLE, version := INTEGER)",
		"score_label": "score_label(model VARCHAR, [version INTEGER], row STRUCT)",
		"models":      "models()",
	}
	for _, d := range sqlfuncs.Docs() {
		if w, ok := want[d.Name]; ok && d.Signature != w {
			t.Errorf("%s: signature %q, want %q", d.Name, d.Signature, w)
		}
		delete(want, d.Name)
	}
	if len(want) != 0 {
		t.Errorf("not in Docs(): %v", want)
	}
}

// TestLearningRateDefaultDocumented: docs/sql.md and the argument's
// declared default state the learning_rate the code uses
// (training.DefaultLearningRate, one value with or without hidden layers,
// chosen by scripts/lr_default; see docs/performance.md). They once
// promised 0.003 with hidden layers while the code used 0.01.
func TestLearningRateDefaultDocumented(t *testing.T) {
	want := strconv.FormatFloat(training.DefaultLearningRate, 'g', -1, 64)
	raw, err := os.ReadFile("../docs/sql.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	section := ""
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "## ") {
			section = line
		}
		if section == "## train_perceptron" && strings.HasPrefix(line, "| learning_rate | DOUBLE | ") {
			rows = append(rows, line)
		}
	}
	if len(rows) != 1 {
		t.Fatalf("docs/sql.md: %d learning_rate rows in train_perceptron's section, want 1: %q", len(rows), rows)
	}
	if cells := strings.Split(rows[0], " | "); len(cells) < 3 || cells[2] != want {
		t.Errorf("docs/sql.md: learning_rate default cell in %q, want exactly %q", rows[0], want)
	}
	var def string
	for _, d := range sqlfuncs.Docs() {
		for _, a := range d.Args {
			if d.Name == "train_perceptron" && a.Name == "learning_rate" {
				def = a.Default
			}
		}
	}
	if def != want {
		t.Errorf("train_perceptron learning_rate default %q, want %s", def, want)
	}
}
