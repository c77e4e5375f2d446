package service

// DefaultTree is the tree tree_rules shows when TreeRulesOptions.Tree is
// 0: the first.
const DefaultTree = 1

// TreeRulesOptions are tree_rules' named arguments.
type TreeRulesOptions struct {
	// Tree is the tree (1-based; a multiclass model's round), 0 the first.
	Tree int
	// Class names a multiclass model's class, whose tree of the round is
	// shown; required for multiclass models, refused for others.
	Class *string
	// Version is the model version; 0 is the latest.
	Version int
}

// TreeRule is a row of tree_rules: one leaf of the tree.
type TreeRule struct {
	Tree  int    // 1-based (a multiclass model's round)
	Leaf  int    // 1-based, left to right
	Rule  string // the path's conditions, as SQL in the columns' units and level names
	Rows  int64  // training rows reaching the leaf
	Value float64
	// Share is a binary model's positive-class share of those rows; NaN
	// (SQL NULL) otherwise.
	Share float64
}
