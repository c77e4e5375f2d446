//go:build duckdb_arrow

package service

import (
	"context"
	"math"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/engine/trees"
)

const fnTreeRules = "tree_rules"

// takesTrees is the kind tree_rules takes.
var takesTrees = kinds{[]string{"boosted_trees"}, "boosted_trees"}

// TreeRules is tree_rules(model, tree := ..., class := ..., version :=
// ...): the leaves of one tree of a boosted-trees model as readable rules,
// left to right. For a multiclass model the tree is a round's tree of
// class o.Class, which is required; other models take no class.
func TreeRules(ctx context.Context, env Env, model string, o TreeRulesOptions) ([]TreeRule, error) {
	fn := fnTreeRules
	if err := CheckModelName(fn, model); err != nil {
		return nil, err
	}
	if o.Version < 0 {
		return nil, dserr.AtLeast(fn, "version", 1, o.Version)
	}
	rec, err := env.Record(ctx, fn, model, o.Version)
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	doc, err := decodeKind(fn, rec, takesTrees)
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	d := doc.(*training.TreesDocument)
	m := &d.Model
	tree := o.Tree
	if tree == 0 {
		tree = DefaultTree
	}
	if rounds := m.Rounds(); tree < 1 || tree > rounds {
		return nil, dserr.Arg(fn, "tree", "model %q version %d has %d trees (rounds), got %d", rec.Name, rec.Version, rounds, tree)
	}
	class := 0
	switch {
	case d.Task == task.Multiclass && o.Class == nil:
		return nil, dserr.Arg(fn, "class", "required for a multiclass model: each round has a tree per class (classes: %s)", strings.Join(d.Label.Levels, ", "))
	case d.Task == task.Multiclass:
		class = -1
		for i, l := range d.Label.Levels {
			if l == *o.Class {
				class = i
			}
		}
		if class < 0 {
			return nil, dserr.Arg(fn, "class", "%q is not a class of model %q (classes: %s)", *o.Class, rec.Name, strings.Join(d.Label.Levels, ", "))
		}
	case o.Class != nil:
		return nil, dserr.Arg(fn, "class", "applies to multiclass models only; model %q is a %s model", rec.Name, d.Task)
	}
	ti := (tree-1)*m.K + class
	rules, err := m.Rules(ti, trees.RuleOptions{NoMissing: noMissing(m, d.Statistics)})
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "model", err)
	}
	t := &m.Trees[ti]
	out := make([]TreeRule, len(rules))
	for i, r := range rules {
		share := math.NaN()
		if t.Positives != nil && t.Rows[r.Leaf] > 0 {
			share = float64(t.Positives[r.Leaf]) / float64(t.Rows[r.Leaf])
		}
		out[i] = TreeRule{Tree: tree, Leaf: i + 1, Rule: r.Condition, Rows: r.Rows, Value: r.Value, Share: share}
	}
	return out, nil
}

// noMissing marks the model's columns that had no missing value (NULL or
// NaN) in the rows trained on, after the statistics block stored with the
// model; nil when the model has none (a model saved before statistics
// were), so its rules say where NULL goes for every column.
func noMissing(m *trees.Model, stats features.Statistics) []bool {
	if stats == nil {
		return nil
	}
	share := make(map[string]float64, len(stats))
	for _, cs := range stats {
		share[cs.Column] = cs.NullShare
	}
	out := make([]bool, len(m.Columns))
	for j, c := range m.Columns {
		s, ok := share[c.Name]
		out[j] = ok && s == 0
	}
	return out
}
