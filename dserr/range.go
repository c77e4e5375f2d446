package dserr

// Range errors state every bound the argument has, and the value given:
//
//	lift: bins: must be between 2 and 100000, got 2000000000
//	explain: top_k: must be at least 1, got 0
//
// so a user sees the whole allowed range from one error. Integers print in
// full (no exponent, no separators); floats in Go's shortest form (%g).

// Between is the error of a value outside [lo, hi].
func Between[T int | int64 | float64](fn, arg string, lo, hi, got T) *Error {
	return Arg(fn, arg, "must be between %v and %v, got %v", lo, hi, got)
}

// AtLeast is the error of a value below lo, for an argument with no upper
// bound (a version number, a size below which a group is summarised).
func AtLeast[T int | int64 | float64](fn, arg string, lo, got T) *Error {
	return Arg(fn, arg, "must be at least %v, got %v", lo, got)
}
