package service

// ColumnProfile is a row of profile(data): one column of data with its
// type, row and NULL counts and, for numeric and BOOLEAN columns (BOOLEAN
// as 0/1), the moments of its non-NULL values. A NaN float is SQL's NULL.
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
}
