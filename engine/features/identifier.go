package features

import "slices"

// DefaultIdentifierRows is how many rows a column must stay unique on
// before the Fitter calls it identifier-like without looking further.
const DefaultIdentifierRows = 5_000_000

// idTracker decides whether an integer or text column is unique on every
// row, in at most 8 bytes per row up to its row limit: integers are kept
// as their 64-bit patterns (exact), text as a 64-bit hash (two different
// strings sharing a hash, about one chance in 10^6 at 5M rows, make the
// column look duplicated, so it is kept as a feature: the safe side).
//
// Values are appended unsorted and checked for duplicates by sorting each
// time their number doubles, so a column such as age stops being tracked
// (and its memory is freed) after its first couple of thousand rows.
type idTracker struct {
	vals   []uint64
	next   int  // check for duplicates when len(vals) reaches next
	limit  int  // rows after which a column still unique is identifier-like
	done   bool // no longer tracking
	unique bool // when done: unique on every row seen (up to limit)
}

func newIDTracker(limit int) *idTracker {
	return &idTracker{next: 1024, limit: limit}
}

// null records a NULL: a column with NULLs is not identifier-like.
func (t *idTracker) null() { t.stop(false) }

// add records one value.
func (t *idTracker) add(x uint64) {
	if t.done {
		return
	}
	t.vals = append(t.vals, x)
	if len(t.vals) >= t.next || len(t.vals) >= t.limit {
		t.check()
	}
}

// check sorts the values seen and stops tracking at a duplicate or at the
// row limit.
func (t *idTracker) check() {
	if t.done {
		return
	}
	slices.Sort(t.vals)
	for i := 1; i < len(t.vals); i++ {
		if t.vals[i] == t.vals[i-1] {
			t.stop(false)
			return
		}
	}
	if len(t.vals) >= t.limit {
		t.stop(true)
		return
	}
	t.next = 2 * len(t.vals)
}

func (t *idTracker) stop(unique bool) {
	t.done, t.unique, t.vals = true, unique, nil
}

// identifier reports whether every row seen held a distinct non-NULL value
// (at least two rows).
func (t *idTracker) identifier(rows int64) bool {
	if rows < 2 {
		return false
	}
	t.check()
	return !t.done || t.unique
}
