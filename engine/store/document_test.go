package store

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// setTask sets every task of a perceptron file's document: the document's,
// its label's and its network's.
func setTask(d map[string]any, t string) {
	d["task"] = t
	d["label"].(map[string]any)["task"] = t
	d["network"].(map[string]any)["config"].(map[string]any)["task"] = t
}

// A task that is no task, in the file or anywhere in its document, is
// refused on import; so is a task that is not a model's ("auto"), and a
// kmeans file whose task is not segmentation.
func TestImportRefusesUnknownTask(t *testing.T) {
	rec := perceptronRecord(t)
	unknown := `unknown task "ranking" (want binary, multiclass, regression or segmentation)`
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"file", editFile(t, rec, func(f, _ map[string]any) { f["task"] = "ranking" }), "invalid model file: " + unknown},
		{"document", editFile(t, rec, func(_, d map[string]any) { d["task"] = "ranking" }), "document: does not decode as a perceptron model: " + unknown},
		{"label", editFile(t, rec, func(_, d map[string]any) { d["label"].(map[string]any)["task"] = "ranking" }),
			"document: does not decode as a perceptron model: " + unknown},
		{"network", editFile(t, rec, func(_, d map[string]any) {
			d["network"].(map[string]any)["config"].(map[string]any)["task"] = "ranking"
		}),
			"document: does not decode as a perceptron model: " + unknown},
		{"everywhere", editFile(t, rec, func(f, d map[string]any) { f["task"] = "ranking"; setTask(d, "ranking") }), "invalid model file: " + unknown},
		{"auto", editFile(t, rec, func(f, d map[string]any) { f["task"] = "auto"; setTask(d, "auto") }), `document: unknown task "auto"`},
		{"segmentation", editFile(t, rec, func(f, d map[string]any) { f["task"] = "segmentation"; setTask(d, "segmentation") }),
			`document: unknown task "segmentation"`},
		{"upper case", editFile(t, rec, func(f, d map[string]any) { f["task"] = "BINARY"; setTask(d, "BINARY") }),
			`invalid model file: unknown task "BINARY"`},
		{"kmeans", editFile(t, kmeansRecord(t), func(f, _ map[string]any) { f["task"] = "binary" }),
			`document: task "segmentation", but the file says "binary"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := UnmarshalFile(c.file)
			if err == nil {
				t.Fatalf("imported %+v", got)
			}
			if !errors.Is(err, dserr.InvalidArgument) || !strings.HasPrefix(err.Error(), "path: "+c.want) {
				t.Errorf("error %q\nwant   %q", err, "path: "+c.want)
			}
		})
	}
	// The unedited files import, with the task the file says.
	for _, r := range []*Record{rec, kmeansRecord(t)} {
		got, err := UnmarshalFile(mustMarshalFile(t, r))
		if err != nil || got.Task != r.Task {
			t.Errorf("%s: task %v, %v", r.Kind, got, err)
		}
	}
}

// A stored model whose task is no task is refused when it is loaded: in
// the task column by Load, in the document when it is decoded, and a
// document that disagrees with its row by CheckDocument, the check
// import applies to a file.
func TestLoadRefusesUnknownTask(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "m.duckdb"))
	good := perceptronRecord(t)
	if _, err := Save(ctx, db, good); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(ctx, db, "churn", 0)
	if err != nil {
		t.Fatal(err)
	}
	var doc training.Document
	if err := json.Unmarshal(loaded.Document, &doc); err != nil || loaded.Task != task.Binary {
		t.Fatalf("task %v: %v", loaded.Task, err)
	}
	if err := CheckDocument(loaded, &doc); err != nil {
		t.Fatalf("the stored model: %v", err)
	}

	exec := func(q string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE ducksight.models SET task = 'ranking'`)
	if rec, err := Load(ctx, db, "churn", 0); err == nil || !strings.Contains(err.Error(), `task column: unknown task "ranking"`) {
		t.Errorf("Load of a row with task 'ranking': %+v, %v", rec, err)
	}
	if list, err := List(ctx, db); err == nil || !strings.Contains(err.Error(), `task column: unknown task "ranking"`) {
		t.Errorf("List of a row with task 'ranking': %+v, %v", list, err)
	}

	exec(`UPDATE ducksight.models SET task = 'regression'`)
	loaded, err = Load(ctx, db, "churn", 0)
	if err != nil {
		t.Fatal(err)
	}
	doc = training.Document{}
	if err := json.Unmarshal(loaded.Document, &doc); err != nil {
		t.Fatal(err)
	}
	if err := CheckDocument(loaded, &doc); err == nil || err.Error() != `task "binary", but the row says "regression"` {
		t.Errorf("a row that disagrees with its document: %v", err)
	}

	exec(`UPDATE ducksight.models SET task = 'binary', document = replace(document::VARCHAR, '"task":"binary"', '"task":"ranking"')::JSON`)
	loaded, err = Load(ctx, db, "churn", 0)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := NewDocument(loaded.Kind)
	if !ok {
		t.Fatalf("no document for kind %q", loaded.Kind)
	}
	if err := json.Unmarshal(loaded.Document, d); err == nil || !strings.Contains(err.Error(), `unknown task "ranking"`) {
		t.Errorf("a document with task 'ranking' decoded: %v", err)
	}

	// The wrong document type for the row's kind is an error too, never a
	// check skipped.
	if err := CheckDocument(kmeansRecord(t), &doc); err == nil {
		t.Errorf("a perceptron document checked as a kmeans model's")
	}
	if _, ok := NewDocument("forest"); ok {
		t.Errorf("a document for an unknown kind")
	}
}
