package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/perceptron"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// Model files without a database: the envelope, its checks and the atomic
// write. The round trip through DuckDB (export, import, predict) is tested
// in engine/api_test.go and testdata/sql/export_import.test.

// perceptronRecord returns a stored row holding a small, consistent
// binary perceptron document: inputs age (numeric) and plan (three
// levels), one hidden layer of 2.
func perceptronRecord(t *testing.T) *Record {
	t.Helper()
	net, err := perceptron.New(perceptron.Config{Task: task.Binary, Inputs: 4, Hidden: []int{2}, LearningRate: 0.01, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	// Weights whose shortest decimal form is long: the file must carry the
	// literals unchanged.
	net.Layers[0].W[0] = 0.30000000000000004
	net.Layers[1].B[0] = -1.0000000000000002
	doc := training.Document{
		Format: training.FormatVersion, Kind: "perceptron", Task: task.Binary,
		Label: features.LabelEncoding{Column: "churned", Task: task.Binary, Levels: []string{"false", "true"}, Positive: 1, Type: "bool"},
		Encoder: features.Encoder{Width: 4, Columns: []features.ColumnEncoding{
			{Name: "age", Kind: features.KindNumeric, Mean: 40, Std: 12, Offset: 0, Width: 1},
			{Name: "plan", Kind: features.KindCategorical, Levels: []string{"basic", "plus", "premium"}, Offset: 1, Width: 3},
		}},
		Network:  *net,
		Features: []string{"age", "plan"},
		History:  []training.Epoch{{Epoch: 1, TrainLoss: 0.5, ValidLoss: 0.6, ValidMetric: 0.7}},
	}
	b, err := training.MarshalDocument(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return &Record{Name: "churn", Version: 3, Kind: "perceptron", Task: task.Binary, Label: "churned",
		Features: []string{"age", "plan"}, Options: json.RawMessage(`{"epochs": 3}`),
		Metrics: json.RawMessage(`{"metric":"auc","valid_metric":0.75}`), Data: "SELECT * FROM c WHERE plan = 'x'",
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC), Document: b}
}

func TestFileRoundTrip(t *testing.T) {
	rec := perceptronRecord(t)
	b, err := MarshalFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	// Self-describing: the header first, a field per line, the document
	// last on a line of its own, as a JSON object.
	text := string(b)
	for _, want := range []string{
		"{\n  \"format\": \"ducksight-model\",\n  \"format_version\": 1,\n  \"model\": \"churn\",\n  \"version\": 3,\n  \"kind\": \"perceptron\",",
		"\n  \"created_at\": \"2026-01-02T03:04:05.123456Z\",\n  \"document\": {\"format\":1,",
		"\n  \"options\": {\n    \"epochs\": 3\n  },\n",
		"\n  \"data\": \"SELECT * FROM c WHERE plan = 'x'\",\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("file lacks %q:\n%.600s", want, text)
		}
	}
	if !strings.HasSuffix(text, "}\n}\n") {
		t.Errorf("file does not end with the document and a newline: ...%s", text[len(text)-20:])
	}
	// The document's numbers are the stored text, byte for byte.
	if !bytes.Contains(b, rec.Document) || !bytes.Contains(b, []byte("0.30000000000000004")) || !bytes.Contains(b, []byte("-1.0000000000000002")) {
		t.Error("the document is not in the file unchanged")
	}
	got, err := UnmarshalFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Document, rec.Document) {
		t.Errorf("document changed:\n%s\n%s", got.Document, rec.Document)
	}
	if got.Name != "churn" || got.Version != 0 || got.Kind != rec.Kind || got.Task != rec.Task || got.Label != rec.Label ||
		strings.Join(got.Features, ",") != "age,plan" || got.Data != rec.Data || !got.CreatedAt.Equal(rec.CreatedAt) ||
		string(got.Options) != `{"epochs":3}` || string(got.Metrics) != string(rec.Metrics) {
		t.Errorf("decoded row %+v\nwant %+v", got, rec)
	}
	// A file indented by a person (or a formatter) reads the same.
	var ind bytes.Buffer
	if err := json.Indent(&ind, b, "", "\t"); err != nil {
		t.Fatal(err)
	}
	again, err := UnmarshalFile(ind.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Document, rec.Document) {
		t.Error("an indented file decodes to another document")
	}
}

// editFile returns the file of rec with edit applied to its decoded JSON
// (the document as a map too).
func editFile(t *testing.T, rec *Record, edit func(f, doc map[string]any)) []byte {
	t.Helper()
	b, err := MarshalFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	doc, _ := f["document"].(map[string]any)
	edit(f, doc)
	out, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFileErrors(t *testing.T) {
	rec := perceptronRecord(t)
	layer := func(doc map[string]any, i int) map[string]any {
		return doc["network"].(map[string]any)["layers"].([]any)[i].(map[string]any)
	}
	cases := []struct {
		name string
		file []byte
		code error
		want string
	}{
		{"not JSON", []byte("hello"), dserr.InvalidArgument, "not a ducksight model file: not JSON (invalid character 'h' looking for beginning of value)"},
		{"truncated", []byte(`{"format": "ducksight-model", "format_version": 1, "kind": "perc`), dserr.InvalidArgument, "not a ducksight model file: not JSON (unexpected end of JSON input)"},
		{"array", []byte(`[1, 2]`), dserr.InvalidArgument, "not a ducksight model file: not a JSON object"},
		{"no format", []byte(`{"kind": "perceptron"}`), dserr.InvalidArgument, `not a ducksight model file: no "format": "ducksight-model"`},
		{"other format", []byte(`{"format": "onnx"}`), dserr.InvalidArgument, `not a ducksight model file: "format" is "onnx", want "ducksight-model"`},
		{"no format version", []byte(`{"format": "ducksight-model"}`), dserr.InvalidArgument, `"format_version" must be an integer, got nothing`},
		{"text format version", []byte(`{"format": "ducksight-model", "format_version": "1"}`), dserr.InvalidArgument, `"format_version" must be an integer, got "1"`},
		{"newer format", editFile(t, rec, func(f, _ map[string]any) { f["format_version"] = 2 }), dserr.Incompatible,
			"model file format version 2 is not supported (this ducksight reads version 1)"},
		{"format 0", editFile(t, rec, func(f, _ map[string]any) { f["format_version"] = 0 }), dserr.Incompatible, "model file format version 0 is not supported"},
		{"unknown kind", editFile(t, rec, func(f, _ map[string]any) { f["kind"] = "forest" }), dserr.InvalidArgument,
			`unknown model kind "forest" (this ducksight knows ["perceptron" "kmeans" "boosted_trees"])`},
		{"wrong field type", editFile(t, rec, func(f, _ map[string]any) { f["features"] = "age" }), dserr.InvalidArgument,
			"invalid model file: json: cannot unmarshal string into Go struct field File.features of type []string"},
		{"options not an object", editFile(t, rec, func(f, _ map[string]any) { f["options"] = []any{1} }), dserr.InvalidArgument, `"options" must be a JSON object`},
		{"no document", editFile(t, rec, func(f, _ map[string]any) { delete(f, "document") }), dserr.InvalidArgument, `no "document"`},
		{"document as a string", editFile(t, rec, func(f, _ map[string]any) { f["document"] = string(rec.Document) }), dserr.InvalidArgument,
			`"document" must be a JSON object (the model document itself, not a string holding it)`},
		{"document does not decode", editFile(t, rec, func(_, d map[string]any) { d["network"] = "big" }), dserr.InvalidArgument,
			"document: does not decode as a perceptron model: json: cannot unmarshal string into Go struct field Document.network of type perceptron.Model"},
		{"newer document", editFile(t, rec, func(_, d map[string]any) { d["format"] = 9 }), dserr.Incompatible, "document: format 9 is not supported (this ducksight reads up to 1)"},
		{"empty document", editFile(t, rec, func(f, _ map[string]any) { f["document"] = map[string]any{"format": 1, "kind": "perceptron"} }), dserr.InvalidArgument,
			`document: task "", but the file says "binary"`},
		{"weights missing", editFile(t, rec, func(_, d map[string]any) {
			l := layer(d, 0)
			l["w"] = l["w"].([]any)[1:]
		}), dserr.InvalidArgument, "document: network: perceptron: layer 0 is 4x2 with 7 weights and 2 biases, want 4x2"},
		{"bias missing", editFile(t, rec, func(_, d map[string]any) { layer(d, 1)["b"] = []any{} }), dserr.InvalidArgument,
			"document: network: perceptron: layer 1 is 2x1 with 2 weights and 0 biases, want 2x1"},
		{"layer missing", editFile(t, rec, func(_, d map[string]any) {
			n := d["network"].(map[string]any)
			n["layers"] = n["layers"].([]any)[:1]
		}), dserr.InvalidArgument, "document: network: perceptron: 1 layers for 1 hidden layers"},
		{"encoder width", editFile(t, rec, func(_, d map[string]any) { d["preprocessing"].(map[string]any)["width"] = 5 }), dserr.InvalidArgument,
			"document: preprocessing: encoder width 5, but its columns use 4 inputs"},
		{"network inputs", editFile(t, rec, func(_, d map[string]any) {
			cols := d["preprocessing"].(map[string]any)["columns"].([]any)
			plan := cols[1].(map[string]any)
			plan["levels"] = []any{"basic", "plus", "premium", "gold"}
			plan["width"] = 4
			d["preprocessing"].(map[string]any)["width"] = 5
		}), dserr.InvalidArgument, "document: the network takes 4 inputs, but the preprocessing makes 5"},
		{"task differs", editFile(t, rec, func(f, _ map[string]any) { f["task"] = "regression" }), dserr.InvalidArgument,
			`document: task "binary", but the file says "regression"`},
		{"label differs", editFile(t, rec, func(f, _ map[string]any) { f["label"] = "plan" }), dserr.InvalidArgument,
			`document: label "churned", but the file says "plan"`},
		{"features differ", editFile(t, rec, func(f, _ map[string]any) { f["features"] = []any{"plan", "age"} }), dserr.InvalidArgument,
			`document: features ["age" "plan"], but the file says ["plan" "age"]`},
		{"binary with 3 classes", editFile(t, rec, func(_, d map[string]any) {
			d["label"].(map[string]any)["levels"] = []any{"a", "b", "c"}
		}), dserr.InvalidArgument, "document: label: a binary label needs 2 classes and a positive class 0 or 1, got 3 classes and 1"},
		{"boolean class", editFile(t, rec, func(_, d map[string]any) {
			d["label"].(map[string]any)["levels"] = []any{"no", "yes"}
		}), dserr.InvalidArgument, `document: label: class "no" is not a value of the label's type BOOLEAN`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := UnmarshalFile(c.file)
			if err == nil {
				t.Fatalf("decoded %+v, want an error", got)
			}
			if !errors.Is(err, c.code) {
				t.Errorf("error %v is not %v", err, c.code)
			}
			var de *dserr.Error
			if !errors.As(err, &de) || de.Arg != "path" {
				t.Errorf("error %#v is not a dserr.Error about the path", err)
			}
			if !strings.HasPrefix(err.Error(), "path: "+c.want) {
				t.Errorf("error %q\nwant   %q", err, "path: "+c.want)
			}
		})
	}
}

// A multiclass document with integer classes, and a regression document,
// pass the checks; a class that is not an integer fails.
func TestFileOtherTasks(t *testing.T) {
	rec := perceptronRecord(t)
	multi := editFile(t, rec, func(f, d map[string]any) {
		f["task"] = "multiclass"
		d["task"] = "multiclass"
		d["label"] = map[string]any{"column": "churned", "task": "multiclass", "levels": []any{"1", "2", "18446744073709551615"}, "type": "uint64"}
		n := d["network"].(map[string]any)
		n["config"].(map[string]any)["task"] = "multiclass"
		n["config"].(map[string]any)["classes"] = 3
		out := n["layers"].([]any)[1].(map[string]any)
		out["out"], out["w"], out["b"] = 3, []any{1, 2, 3, 4, 5, 6}, []any{0, 0, 0}
	})
	if _, err := UnmarshalFile(multi); err != nil {
		t.Errorf("multiclass: %v", err)
	}
	var f map[string]any
	_ = json.Unmarshal(multi, &f)
	f["document"].(map[string]any)["label"].(map[string]any)["levels"] = []any{"1", "2", "x"}
	bad, _ := json.Marshal(f)
	if _, err := UnmarshalFile(bad); err == nil || !strings.Contains(err.Error(), `class "x" is not a value of the label's type UBIGINT`) {
		t.Errorf("multiclass with class x: %v", err)
	}
	f["document"].(map[string]any)["label"].(map[string]any)["levels"] = []any{"1", "2"}
	bad, _ = json.Marshal(f)
	if _, err := UnmarshalFile(bad); err == nil || !strings.Contains(err.Error(), "document: the label has 2 classes, the network 3") {
		t.Errorf("multiclass with 2 classes: %v", err)
	}

	reg := editFile(t, rec, func(f, d map[string]any) {
		f["task"] = "regression"
		d["task"] = "regression"
		d["label"] = map[string]any{"column": "churned", "task": "regression", "type": "float64"}
		d["target"] = map[string]any{"mean": 10, "std": 2}
		d["network"].(map[string]any)["config"].(map[string]any)["task"] = "regression"
	})
	if _, err := UnmarshalFile(reg); err != nil {
		t.Errorf("regression: %v", err)
	}
	_ = json.Unmarshal(reg, &f)
	f["document"].(map[string]any)["target"] = map[string]any{"mean": 10, "std": 0}
	bad, _ = json.Marshal(f)
	if _, err := UnmarshalFile(bad); err == nil || !strings.Contains(err.Error(), "document: target scale: invalid mean 10 or standard deviation 0") {
		t.Errorf("regression with std 0: %v", err)
	}
}

func TestWriteReadFile(t *testing.T) {
	dir := t.TempDir()
	rec := perceptronRecord(t)
	path := filepath.Join(dir, "churn.json")
	n, err := WriteFile(path, rec)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != n || st.Mode().Perm() != 0o644 {
		t.Errorf("wrote %d bytes, mode %v; the file has %d bytes", n, st.Mode().Perm(), st.Size())
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Document, rec.Document) || got.Name != "churn" {
		t.Errorf("read back %+v", got)
	}

	// Overwriting replaces the content and keeps the permission bits; no
	// temporary file is left behind.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	rec2 := *rec
	rec2.Name = "second"
	if _, err := WriteFile(path, &rec2); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFile(path); err != nil || got.Name != "second" {
		t.Errorf("after overwrite: %+v %v", got, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("overwrite changed the mode to %v", st.Mode().Perm())
	}
	// Through a symbolic link: the link stays, its target is replaced.
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	rec2.Name = "third"
	if _, err := WriteFile(link, &rec2); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", st, err)
	}
	if got, err := ReadFile(path); err != nil || got.Name != "third" {
		t.Errorf("link target after write: %+v %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries, want churn.json and link.json: %v", len(entries), entries)
	}

	// A failed write leaves the old file alone and nothing else.
	if _, err := WriteFile(path, &Record{Name: "x", Document: json.RawMessage(`[1]`)}); err == nil {
		t.Error("a document that is not an object was written")
	}
	if got, err := ReadFile(path); err != nil || got.Name != "third" {
		t.Errorf("after a failed write: %+v %v", got, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("a failed write left files behind: %v", entries)
	}

	// Errors name the path.
	if err := os.WriteFile(filepath.Join(dir, "data.parquet"), []byte("PAR1\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.json"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nope", "x.json")
	for _, c := range []struct {
		path string
		code error
		want string
	}{
		{missing, dserr.NotFound, `"` + missing + `": cannot read: no such file or directory`},
		{filepath.Join(dir, "data.parquet"), dserr.InvalidArgument, "data.parquet\": not a ducksight model file: not a JSON object"},
		{filepath.Join(dir, "empty.json"), dserr.InvalidArgument, "empty.json\": not a ducksight model file: empty"},
		{dir, dserr.InvalidArgument, `"` + dir + `": cannot read: is a directory`},
	} {
		_, err := ReadFile(c.path)
		if err == nil || !errors.Is(err, c.code) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "path: ") {
			t.Errorf("ReadFile(%s): %v, want %v containing %q", c.path, err, c.code, c.want)
		}
	}
	for _, c := range []struct {
		path string
		code error
		want string
	}{
		{missing, dserr.NotFound, `"` + missing + `": cannot write: no such file or directory`},
		{dir, dserr.InvalidArgument, `"` + dir + `": is a directory`},
	} {
		_, err := WriteFile(c.path, rec)
		if err == nil || !errors.Is(err, c.code) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("WriteFile(%s): %v, want %v containing %q", c.path, err, c.code, c.want)
		}
	}
}
