package clustering

import (
	"context"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/training"
)

// columnIndex finds a column by name: exactly, else case-insensitively (as
// DuckDB binds names); -1 when absent.
func columnIndex(schema *arrow.Schema, name string) int {
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

func columnList(schema *arrow.Schema) string {
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// chooseColumns picks the candidate feature columns: o.Features when
// given (those are explicit: never dropped as identifier-like), else every
// column, less o.Exclude.
func chooseColumns(schema *arrow.Schema, o *Options) (feats []string, explicit map[string]bool, err error) {
	excluded := map[int]bool{}
	for _, e := range o.Exclude {
		i := columnIndex(schema, e)
		if i < 0 {
			return nil, nil, errArg("exclude", "column %q not found in data (columns: %s)", e, columnList(schema))
		}
		excluded[i] = true
	}
	explicit = map[string]bool{}
	if len(o.Features) > 0 {
		seen := map[int]bool{}
		for _, f := range o.Features {
			i := columnIndex(schema, f)
			if i < 0 {
				return nil, nil, errArg("features", "column %q not found in data (columns: %s)", f, columnList(schema))
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
		return nil, nil, errArg("features", "no feature columns left (exclude takes them all)")
	}
	return feats, explicit, nil
}

// eachBatch streams src once, calling fn for every batch (released after).
func eachBatch(ctx context.Context, src training.Source, fn func(arrow.RecordBatch) error) error {
	r, err := src.Stream(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		if err := ctx.Err(); err != nil {
			return dserr.New(dserr.Cancelled, Fn, "", "cancelled: %v", err)
		}
		rec, release, err := r.Next()
		if err != nil || rec == nil {
			return err
		}
		err = fn(rec)
		release()
		if err != nil {
			return err
		}
	}
}
