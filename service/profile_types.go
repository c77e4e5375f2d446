package service

// ProfileOptions are profile's named arguments.
type ProfileOptions struct {
	// Label names a column of data: every other column's association with
	// it is reported (LabelAssociation, Leakage). "" for none.
	Label string
}

// ColumnProfile is a row of profile(data): one column of data with its
// type, row and NULL counts, the moments of its non-NULL values (numeric
// and BOOLEAN columns, BOOLEAN as 0/1), its distinct count, quartiles, most
// frequent level, whether it looks like an identifier or is constant, and
// with a label its association with the label. A NaN float is SQL's NULL.
type ColumnProfile struct {
	Column    string
	Type      string // its DuckDB type
	Rows      int64  // rows in data
	Nulls     int64
	NullShare float64 // Nulls / Rows; NaN when data is empty
	Mean      float64 // NaN for other types and without values
	Std       float64 // sample standard deviation; NaN below two values
	Min       float64
	Max       float64
	// ApproxUnique counts the distinct non-NULL values: exact up to
	// 16,384 of them, a HyperLogLog estimate beyond; -1 (SQL NULL) for a
	// UNION column.
	ApproxUnique int64
	// Q25, Q50 and Q75 are the quartiles of the finite values of numeric,
	// DATE (days since 1970-01-01) and TIMESTAMP (seconds since the epoch)
	// columns; NaN for other types.
	Q25, Q50, Q75 float64
	// TopLevel is the most frequent value of a VARCHAR, ENUM or BOOLEAN
	// column and TopShare its share of the non-NULL values; TopShare is
	// NaN (TopLevel "") for other types and without values.
	TopLevel string
	TopShare float64
	// IdentifierLike: an integer or text column unique on every row with
	// no NULLs, which training drops.
	IdentifierLike bool
	// Constant: fewer than two distinct values, NULL counting as one.
	Constant bool
	// LabelAssociation is the column's association with the label (see
	// profile in docs/sql.md); NaN without a label, for the label itself,
	// for identifier-like columns and for a multiclass label.
	LabelAssociation float64
	// Leakage is LabelAssociation > 0.98; meaningful only where
	// LabelAssociation is not NaN (SQL gives NULL there).
	Leakage bool
}
