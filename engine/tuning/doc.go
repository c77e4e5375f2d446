// Package tuning is the kernel of tune: what is searched, in which order,
// and which trials stop early.
//
//   - Search spaces. Params lists each kind's tunable parameters
//     (perceptron: activation, batch_size, epochs, hidden, l2,
//     learning_rate; boosted_trees: colsample, l2, learning_rate,
//     max_depth, min_child_weight, min_split_gain, subsample, trees) with
//     the types and ranges the training functions accept. ParseSpace reads
//     tune's space argument (a SQL STRUCT, as []Field) for one kind: a
//     field per parameter, a LIST of choices or a STRUCT {min, max, scale}
//     range; DefaultSpace is the documented default. ParseSearch does the
//     same for tune's kind argument, including 'auto' (a space per kind).
//   - Sampling. Space.Sample(i, seed) is configuration i of a scrambled,
//     randomly shifted Halton sequence over the space: deterministic, a
//     function of the space, i and seed alone, and spread more evenly
//     than independent random draws. Search.Trial and Search.Sample
//     alternate the kinds of a kind 'auto' search.
//   - Successive halving. Halving decides, at rung steps (a fraction of
//     the epochs or rounds), whether a trial goes on, comparing its metric
//     with those of earlier trials at the same step only, so a run cut
//     short is a prefix of the full run.
//
// Errors of ParseSpace and ParseSearch are *dserr.Error values naming the
// function, the argument and the field. The package imports neither
// engine/training nor the SQL layers: the caller turns a sampled
// configuration into training options (int64, float64, string and
// []int64 values, by parameter name) and reports each trial's metric.
package tuning
