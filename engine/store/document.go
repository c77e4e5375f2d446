package store

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// Document is a decoded model document: *training.Document (kind
// perceptron), *clustering.Document (kind kmeans) or
// *training.TreesDocument (kind boosted_trees). It checks itself:
// Validate reports the first problem that would make it score wrongly.
type Document interface {
	Validate() error
}

// columns are the columns of a ducksight.models row (and of a model file)
// that a document determines, and the document's format.
type columns struct {
	format   int
	kind     string
	task     task.Task
	label    string
	features []string
	positive string // a binary model's positive class
}

// A kind is what the store knows of one model kind: the newest document
// format it reads, how to make an empty document to decode into, and the
// row columns a decoded document implies. Nothing else in the store
// depends on the kind.
type kind struct {
	name    string
	format  int
	new     func() Document
	columns func(Document) (columns, bool)
}

// kindOf declares kind name, whose documents are *D.
func kindOf[D any, P interface {
	*D
	Document
}](name string, format int, cols func(P) columns) kind {
	return kind{
		name:   name,
		format: format,
		new:    func() Document { return P(new(D)) },
		columns: func(d Document) (columns, bool) {
			p, ok := d.(P)
			if !ok {
				return columns{}, false
			}
			return cols(p), true
		},
	}
}

// kinds are the model kinds the store reads, in the order errors list
// them.
var kinds = []kind{
	kindOf("perceptron", training.FormatVersion, func(d *training.Document) columns {
		pos, _ := d.Label.PositiveClass()
		return columns{d.Format, d.Kind, d.Task, d.Label.Column, d.Features, pos}
	}),
	kindOf("kmeans", clustering.FormatVersion, func(d *clustering.Document) columns {
		return columns{d.Format, d.Kind, task.Segmentation, "", d.Features, ""}
	}),
	kindOf("boosted_trees", training.TreesFormatVersion, func(d *training.TreesDocument) columns {
		pos, _ := d.Label.PositiveClass()
		return columns{d.Format, d.Kind, d.Task, d.Label.Column, d.Features, pos}
	}),
}

// lookup returns the kind named name.
func lookup(name string) (*kind, bool) {
	i := slices.IndexFunc(kinds, func(k kind) bool { return k.name == name })
	if i < 0 {
		return nil, false
	}
	return &kinds[i], true
}

// kindNames lists the kinds' names.
func kindNames() []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.name
	}
	return names
}

// NewDocument returns an empty document of the named kind to decode a
// stored document into, or false for a kind this ducksight does not know.
func NewDocument(kindName string) (Document, bool) {
	k, ok := lookup(kindName)
	if !ok {
		return nil, false
	}
	return k.new(), true
}

// CheckDocument checks doc, decoded from rec.Document, as UnmarshalFile
// checks a file's document: doc is the kind's document type, in a format
// this ducksight reads, validates itself (Document.Validate), and agrees
// with rec's kind, task, label and features. Errors describe the first
// problem found; a document format newer than this ducksight reads unwraps
// to dserr.Incompatible, anything else to dserr.InvalidArgument. The
// caller adds the function, argument and model.
func CheckDocument(rec *Record, doc Document) error {
	return checkDocument(columns{kind: rec.Kind, task: rec.Task, label: rec.Label, features: rec.Features}, "row", doc)
}

// checkDocument checks doc against the columns of the row or file (what)
// it came with.
func checkDocument(row columns, what string, doc Document) error {
	k, ok := lookup(row.kind)
	if !ok {
		return docErr("unknown model kind %q (this ducksight knows %q)", row.kind, kindNames())
	}
	d, ok := k.columns(doc)
	if !ok {
		return docErr("a %s model's document, not %T", k.name, doc)
	}
	if d.format < 1 || d.format > k.format {
		return dserr.New(dserr.Incompatible, "", "", "format %d is not supported (this ducksight reads up to %d)", d.format, k.format)
	}
	switch {
	case d.kind != row.kind:
		return docErr("kind %q, but the %s says %q", d.kind, what, row.kind)
	case d.task != row.task:
		return docErr("task %q, but the %s says %q", d.task, what, row.task)
	case d.label != row.label:
		return docErr("label %q, but the %s says %q", d.label, what, row.label)
	case !slices.Equal(d.features, row.features):
		return docErr("features %q, but the %s says %q", d.features, what, row.features)
	}
	if err := doc.Validate(); err != nil {
		return docErr("%v", err)
	}
	return nil
}

func docErr(format string, a ...any) error {
	return dserr.New(dserr.InvalidArgument, "", "", format, a...)
}

// decodeDocument decodes b as a document of kind k.
func decodeDocument(k *kind, b []byte) (Document, error) {
	d := k.new()
	if err := json.Unmarshal(b, d); err != nil {
		return nil, fmt.Errorf("does not decode as a %s model: %v", k.name, err)
	}
	return d, nil
}
