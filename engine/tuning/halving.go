package tuning

import (
	"math"
	"slices"
)

// DefaultEta is successive halving's default reduction factor: a trial
// goes on past a rung when it is within the best third there.
const DefaultEta = 3

// DefaultRungs is the number of rungs NewHalving places: at 1/Eta² and
// 1/Eta of the full budget (1/9 and 1/3 with the default Eta).
const DefaultRungs = 2

// Rungs returns the steps of n rungs for trials of at most maxSteps steps
// (epochs, iterations or rounds) and reduction factor eta: maxSteps /
// eta^k rounded to the nearest integer, for k = n, ..., 1, at least 1,
// ascending, without repeats, and each below maxSteps (a rung at the last
// step would stop nothing). Rungs(50, 3, 2) is [6 17]; Rungs(300, 3, 2)
// is [33 100]; Rungs(2, 3, 2) is [1]; Rungs(1, 3, 2) is empty.
func Rungs(maxSteps, eta, n int) []int {
	var steps []int
	for k := n; k >= 1; k-- {
		s := int(math.Round(float64(maxSteps) / math.Pow(float64(eta), float64(k))))
		s = max(s, 1)
		if s < maxSteps && (len(steps) == 0 || s > steps[len(steps)-1]) {
			steps = append(steps, s)
		}
	}
	return steps
}

// Halving is sequential successive halving (asynchronous successive
// halving, Li et al. 2020, with decisions made against earlier trials
// only). Trials are numbered 0, 1, 2, ... in the order they start. While
// a trial trains, the caller calls Continue after every step with the
// trial's metric (higher is better: negate a loss); at a rung step
// Continue records the metric and says whether the trial goes on:
//
//   - a trial with fewer than Eta metrics of earlier trials (smaller
//     numbers) at the rung always goes on;
//   - otherwise it goes on when its metric is at least the k-th best of
//     the n earlier metrics there, k = ceil(n / Eta): when it is within
//     the best 1/Eta of them. A NaN metric counts as the worst.
//
// A stopped trial's metrics stay recorded at the rungs it reached, so
// later trials compete with its early progress too. A trial whose
// training ends before a rung (its budget is smaller, or early stopping
// ended it) records its final metric at the rungs it did not reach
// (Finish), since that is what it would have shown there.
//
// Comparing a trial with earlier trials at the same rung, rather than
// with their final metrics, keeps a configuration that learns slowly but
// ends best: early on it is measured against the other trials' early
// metrics. And since a decision depends only on earlier trials, the
// decisions for trials 0..m-1 are the same whether or not trials m, m+1,
// ... exist: a run cut short by a time budget is a prefix of the full
// run, decision for decision.
//
// The caller must call Continue for trial t at a rung only after every
// earlier trial has passed that rung, stopped or finished (running the
// trials one after another does this); otherwise decisions depend on
// timing. A Halving is not safe for concurrent use. With kind 'auto' use
// one Halving per kind: metrics of different kinds at the same step do
// not compare.
type Halving struct {
	// Eta is the reduction factor, at least 2; 0 means DefaultEta.
	Eta int
	// Rungs are the steps at which trials are compared, ascending; set
	// before the first Continue and not changed after.
	Rungs []int

	records [][]record   // per rung, in the order recorded
	stopped map[int]bool // trials Continue stopped
}

// record is a trial's metric at a rung.
type record struct {
	trial  int
	metric float64
}

// NewHalving returns successive halving with DefaultEta and
// Rungs(maxSteps, DefaultEta, DefaultRungs) for trials of at most
// maxSteps steps.
func NewHalving(maxSteps int) *Halving {
	return &Halving{Eta: DefaultEta, Rungs: Rungs(maxSteps, DefaultEta, DefaultRungs)}
}

// rung returns the index of the rung at step, or -1.
func (h *Halving) rung(step int) int {
	return slices.Index(h.Rungs, step)
}

// put records trial's metric at rung r, replacing an earlier record of
// the same trial there.
func (h *Halving) put(r, trial int, metric float64) {
	if h.records == nil {
		h.records = make([][]record, len(h.Rungs))
	}
	if math.IsNaN(metric) {
		metric = math.Inf(-1)
	}
	for i := range h.records[r] {
		if h.records[r][i].trial == trial {
			h.records[r][i].metric = metric
			return
		}
	}
	h.records[r] = append(h.records[r], record{trial, metric})
}

// Continue reports whether trial, after step (1-based: the epoch or round
// just done) with metric, goes on training. At a step that is not a rung
// it returns true (false for a trial already stopped); at a rung it
// records the metric and decides as the type's documentation says.
// Calling it again for the same trial and rung replaces the record.
func (h *Halving) Continue(trial, step int, metric float64) bool {
	if h.stopped[trial] {
		return false
	}
	r := h.rung(step)
	if r < 0 {
		return true
	}
	h.put(r, trial, metric)
	if math.IsNaN(metric) {
		metric = math.Inf(-1)
	}
	eta := h.Eta
	if eta == 0 {
		eta = DefaultEta
	}
	n, better := 0, 0
	for _, rec := range h.records[r] {
		if rec.trial < trial {
			n++
			if rec.metric > metric {
				better++
			}
		}
	}
	if n < eta {
		return true
	}
	k := (n + eta - 1) / eta
	// metric is at least the k-th best earlier metric iff fewer than k
	// earlier metrics are strictly better.
	if better < k {
		return true
	}
	if h.stopped == nil {
		h.stopped = make(map[int]bool)
	}
	h.stopped[trial] = true
	return false
}

// Finish records the final metric of a trial that was not stopped at
// every rung where it has no record: the rungs beyond its last step.
// It does nothing for a trial Continue stopped.
func (h *Halving) Finish(trial int, metric float64) {
	if h.stopped[trial] {
		return
	}
	for r := range h.Rungs {
		have := false
		if h.records != nil {
			for _, rec := range h.records[r] {
				if rec.trial == trial {
					have = true
					break
				}
			}
		}
		if !have {
			h.put(r, trial, metric)
		}
	}
}

// Stopped reports whether Continue stopped trial.
func (h *Halving) Stopped(trial int) bool { return h.stopped[trial] }
