//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// tree_rules(model, tree := 1, class := NULL, version := N): one row per
// leaf of a boosted-trees model's tree, as a readable rule.

var treeRulesColumns = []ColumnDoc{
	{"tree", "INTEGER", "the tree (1-based; a multiclass model's round)"},
	{"leaf", "INTEGER", "the leaf, 1-based, left to right"},
	{"rule", "VARCHAR", "the conditions of the path to the leaf, as SQL in the columns' own units and level names"},
	{"rows", "BIGINT", "training rows reaching the leaf"},
	{"value", "DOUBLE", "the leaf's value (added to the raw score: log-odds, a class's logit, or the prediction)"},
	{"share", "DOUBLE", "binary: the positive-class share of those rows; NULL for other models"},
}

var treeRulesFn = &Function{
	Name:    "tree_rules",
	Summary: "the leaves of one tree of a boosted-trees model as readable rules, with their rows, value and positive share",
	Example: "SELECT leaf, rule, rows, share FROM tree_rules('churn_rules');",
	Columns: treeRulesColumns,
	Table: &udf.TableFunc{
		Name: "tree_rules",
		Bind: bindTreeRules,
		Args: []udf.Param{withDoc(modelParam, "model name (a boosted_trees model)")},
		Named: []udf.Param{
			{Name: "tree", Type: udf.Integer, Doc: "the tree (a multiclass model's round)", Default: service.DefaultTree, Range: udf.AtLeast(1)},
			{Name: "class", Type: udf.Any, Doc: "multiclass: the class whose tree of the round to show (required there, refused for other models)", DefaultDoc: "NULL"},
			versionParam,
		},
	},
}

func bindTreeRules(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, version, err := a.modelVersion()
	if err != nil {
		return nil, err
	}
	tree, err := a.int("tree")
	if err != nil {
		return nil, err
	}
	class, err := a.namedText("class")
	if err != nil {
		return nil, err
	}
	rules, err := service.TreeRules(b.Ctx, envOf(b), name, service.TreeRulesOptions{Tree: int(tree), Class: class, Version: version})
	if err != nil {
		return nil, err
	}
	return &rowsBound{cols: resultColumns(treeRulesColumns), compute: func(ctx context.Context) ([][]any, error) {
		return rowsOf(rules, func(r service.TreeRule) []any {
			return []any{r.Tree, r.Leaf, r.Rule, r.Rows, r.Value, r.Share}
		}), nil
	}}, nil
}
