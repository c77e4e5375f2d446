package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
)

// Model files: export_model writes one stored model version to a file,
// import_model reads it back as a new version. The file is a JSON object
// that describes itself, the columns of the ducksight.models row first and
// the model document last, as a JSON object on one line:
//
//	{
//	  "format": "ducksight-model",
//	  "format_version": 1,
//	  "model": "churn",
//	  "version": 3,
//	  "kind": "perceptron",
//	  "task": "binary",
//	  "label": "churned",
//	  "features": ["age", "plan"],
//	  "options": {...},
//	  "metrics": {...},
//	  "data": "customers",
//	  "created_at": "2026-01-02T03:04:05.123456Z",
//	  "document": {...}
//	}
//
// model and version say where the file came from; an import saves under
// the name it is given. The document's numbers are copied as text, never
// re-formatted, so an imported model predicts bit for bit as the original.

// FileFormat is the "format" of a model file.
const FileFormat = "ducksight-model"

// FileVersion is the "format_version" export writes and the newest import
// reads.
const FileVersion = 1

// File is a model file.
type File struct {
	Format        string          `json:"format"`
	FormatVersion int             `json:"format_version"`
	Model         string          `json:"model"`
	Version       int             `json:"version"`
	Kind          string          `json:"kind"`
	Task          task.Task       `json:"task"`
	Label         string          `json:"label"`
	Features      []string        `json:"features"`
	Options       json.RawMessage `json:"options"`
	Metrics       json.RawMessage `json:"metrics"`
	Data          string          `json:"data"`
	CreatedAt     time.Time       `json:"created_at"`
	Document      json.RawMessage `json:"document,omitempty"`
}

// MarshalFile encodes rec as a model file: the header fields indented, one
// per line, and the document (compacted, its number literals unchanged) as
// the last field.
func MarshalFile(rec *Record) ([]byte, error) {
	var doc bytes.Buffer
	if err := json.Compact(&doc, rec.Document); err != nil {
		return nil, fmt.Errorf("model %q version %d: stored document is not JSON: %v", rec.Name, rec.Version, err)
	}
	if !isObject(doc.Bytes()) {
		return nil, fmt.Errorf("model %q version %d: stored document is not a JSON object", rec.Name, rec.Version)
	}
	f := File{
		Format: FileFormat, FormatVersion: FileVersion, Model: rec.Name, Version: rec.Version,
		Kind: rec.Kind, Task: rec.Task, Label: rec.Label, Features: rec.Features,
		Options: objectOrNull(rec.Options), Metrics: objectOrNull(rec.Metrics),
		Data: rec.Data, CreatedAt: rec.CreatedAt.UTC(),
	}
	if f.Features == nil {
		f.Features = []string{}
	}
	head, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	// head ends in "\n}"; the document goes in front of that brace.
	head = bytes.TrimSuffix(head, []byte("\n}"))
	out := make([]byte, 0, len(head)+doc.Len()+20)
	out = append(out, head...)
	out = append(out, ",\n  \"document\": "...)
	out = append(out, doc.Bytes()...)
	out = append(out, "\n}\n"...)
	return out, nil
}

func objectOrNull(b json.RawMessage) json.RawMessage {
	var c bytes.Buffer
	if len(bytes.TrimSpace(b)) == 0 || json.Compact(&c, b) != nil {
		return json.RawMessage("null")
	}
	return c.Bytes()
}

// isObject reports whether b (valid JSON) is an object.
func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}

// bad is an error about a model file's content. Its argument is "path";
// ReadFile and WriteFile put the path in front of the message and the
// caller adds the function.
func bad(format string, a ...any) error {
	return dserr.New(dserr.InvalidArgument, "", "path", format, a...)
}

// UnmarshalFile decodes and checks a model file and returns the row to
// save: every column from the file, the document compacted (its number
// literals unchanged), Name the name in the file and Version 0. It checks
// the format and its version, the kind, that the document decodes, that
// its shapes are consistent (encoder, network, label) and that the row's
// columns agree with it, so a model that imports predicts. Errors say what
// is wrong with the file; an unsupported format version unwraps to
// dserr.Incompatible, anything else to dserr.InvalidArgument.
func UnmarshalFile(b []byte) (*Record, error) {
	if !json.Valid(b) {
		var v any
		err := json.Unmarshal(b, &v)
		return nil, bad("not a ducksight model file: not JSON (%v)", err)
	}
	if !isObject(b) {
		return nil, bad("not a ducksight model file: not a JSON object")
	}
	var head struct {
		Format        *string         `json:"format"`
		FormatVersion json.RawMessage `json:"format_version"`
	}
	if err := json.Unmarshal(b, &head); err != nil || head.Format == nil {
		return nil, bad(`not a ducksight model file: no "format": %q`, FileFormat)
	}
	if *head.Format != FileFormat {
		return nil, bad(`not a ducksight model file: "format" is %q, want %q`, *head.Format, FileFormat)
	}
	fv, err := strconv.Atoi(string(head.FormatVersion))
	if err != nil {
		return nil, bad(`"format_version" must be an integer, got %s`, orMissing(head.FormatVersion))
	}
	if fv < 1 || fv > FileVersion {
		return nil, dserr.New(dserr.Incompatible, "", "path", "model file format version %d is not supported (this ducksight reads version %d)", fv, FileVersion)
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, bad("invalid model file: %v", err)
	}
	k, ok := lookup(f.Kind)
	if !ok {
		return nil, bad("unknown model kind %q (this ducksight knows %q)", f.Kind, kindNames())
	}
	for _, x := range []struct {
		name string
		v    json.RawMessage
	}{{"options", f.Options}, {"metrics", f.Metrics}} {
		if s := bytes.TrimSpace(x.v); len(s) > 0 && string(s) != "null" && !isObject(s) {
			return nil, bad("%q must be a JSON object", x.name)
		}
	}
	if len(f.Document) == 0 || string(f.Document) == "null" {
		return nil, bad(`no "document"`)
	}
	if !isObject(f.Document) {
		return nil, bad(`"document" must be a JSON object (the model document itself, not a string holding it)`)
	}
	d, err := decodeDocument(k, f.Document)
	if err != nil {
		return nil, bad("document: %v", err)
	}
	if err := checkDocument(columns{kind: f.Kind, task: f.Task, label: f.Label, features: f.Features}, "file", d); err != nil {
		return nil, inFile(err)
	}
	var doc bytes.Buffer
	_ = json.Compact(&doc, f.Document) // valid: part of b
	features := f.Features
	if features == nil {
		features = []string{}
	}
	cols, _ := k.columns(d) // checkDocument checked the type
	return &Record{
		Name: f.Model, Kind: f.Kind, Task: f.Task, Label: f.Label, Features: features,
		Options: objectOrNull(f.Options), Metrics: objectOrNull(f.Metrics),
		CreatedAt: f.CreatedAt.UTC(), Data: f.Data, Document: doc.Bytes(), Positive: cols.positive,
	}, nil
}

func orMissing(b json.RawMessage) string {
	if len(b) == 0 {
		return "nothing"
	}
	return string(b)
}

// inFile makes a document's error (checkDocument) an error of a model
// file's content: argument "path", the message after "document: ".
func inFile(err error) error {
	var de *dserr.Error
	if !errors.As(err, &de) {
		return bad("document: %v", err)
	}
	return &dserr.Error{Code: de.Code, Arg: "path", Msg: "document: " + de.Msg, Err: de.Err}
}

// atPath puts the quoted path in front of a file error's message.
func atPath(path string, err error) error {
	var de *dserr.Error
	if err == nil || !errors.As(err, &de) {
		return err
	}
	return &dserr.Error{Code: de.Code, Arg: "path", Msg: fmt.Sprintf("%q: %s", path, de.Msg), Err: de.Err}
}

// fileErr describes a failed file operation by its cause alone (the path
// is added by atPath); a missing file or directory is dserr.NotFound.
func fileErr(what string, err error) error {
	code := dserr.InvalidArgument
	if errors.Is(err, fs.ErrNotExist) {
		code = dserr.NotFound
	}
	return &dserr.Error{Code: code, Arg: "path", Msg: what + ": " + causeOf(err).Error(), Err: err}
}
