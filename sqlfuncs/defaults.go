//go:build duckdb_arrow

package sqlfuncs

// The defaults of the arguments whose default no kernel applies, each
// declared once: the argument's udf.Param.Default holds it, and the typed
// readers of args.go return it for an absent argument (the kernels'
// defaults are their own named constants, e.g. training.DefaultEpochs).
const (
	// defaultThreshold is the P(positive) at or above which a binary
	// classifier predicts the positive class: predict, evaluate,
	// confusion_matrix, fairness, and score_label and explain, which take
	// no threshold.
	defaultThreshold = 0.5
	defaultPoints    = 101      // roc_curve: thresholds 0, 0.01, ..., 1
	defaultBins      = 10       // lift and calibration
	defaultBy        = "gender" // fairness: the group column
	defaultMinGroup  = 30       // fairness: groups with fewer rows report rows only
	defaultRepeats   = 3        // feature_importance: permutations per column
	defaultTopK      = 3        // explain: reasons per row
	defaultMinSize   = 10       // segment_profile: smaller segments report their size only
)
