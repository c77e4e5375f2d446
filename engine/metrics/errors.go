package metrics

import "errors"

// ErrNoReferenceGroup is returned (wrapped, with the group's name) by
// GroupReport when the reference group has no row.
var ErrNoReferenceGroup = errors.New("reference group has no rows")
