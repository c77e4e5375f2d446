package features

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
)

// ColumnIndex finds a column by name the way DuckDB binds names: exactly,
// else case-insensitively (the first match); -1 when there is none.
func ColumnIndex(schema *arrow.Schema, name string) int {
	if idx := schema.FieldIndices(name); len(idx) > 0 {
		return idx[0]
	}
	for i, f := range schema.Fields() {
		if strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}

// ColumnNames returns the names of schema's columns, in order.
func ColumnNames(schema *arrow.Schema) []string {
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
	}
	return names
}

// Selection is what a model function's label, features and exclude
// arguments ask for.
type Selection struct {
	Label    string // "" for none (segmentation)
	Features []string
	Exclude  []string
}

// Choose resolves a Selection against schema: the label's index (-1
// without a label) and the candidate feature columns, in order: the
// Features given (explicit: never dropped as identifier-like; their
// lower-cased names are in explicit), else every column but the label,
// less Exclude. Errors are *dserr.Error values naming the argument
// ("label", "features", "exclude") with no function: the caller adds its
// own (dserr.Wrap).
func (s Selection) Choose(schema *arrow.Schema) (label int, feats []string, explicit map[string]bool, err error) {
	missing := func(arg, name string) error {
		return dserr.UnknownColumn("", arg, name, ColumnNames(schema))
	}
	label = -1
	excluded := map[int]bool{}
	if s.Label != "" {
		if label = ColumnIndex(schema, s.Label); label < 0 {
			return 0, nil, nil, missing("label", s.Label)
		}
		excluded[label] = true
	}
	for _, e := range s.Exclude {
		i := ColumnIndex(schema, e)
		if i < 0 {
			return 0, nil, nil, missing("exclude", e)
		}
		excluded[i] = true
	}
	explicit = map[string]bool{}
	if len(s.Features) > 0 {
		seen := map[int]bool{}
		for _, f := range s.Features {
			i := ColumnIndex(schema, f)
			if i < 0 {
				return 0, nil, nil, missing("features", f)
			}
			if i == label {
				return 0, nil, nil, dserr.Arg("", "features", "column %q is the label", f)
			}
			if excluded[i] || seen[i] {
				continue
			}
			seen[i] = true
			feats = append(feats, schema.Field(i).Name)
			explicit[strings.ToLower(schema.Field(i).Name)] = true
		}
	} else {
		for i, f := range schema.Fields() {
			if !excluded[i] {
				feats = append(feats, f.Name)
			}
		}
	}
	if len(feats) == 0 {
		what := "exclude takes"
		if label >= 0 {
			what = "the label and exclude take"
		}
		return 0, nil, nil, dserr.Arg("", "features", "no feature columns left (%s them all)", what)
	}
	return label, feats, explicit, nil
}
