package service

// DriftOptions are drift's named arguments.
type DriftOptions struct {
	Version int // model version; 0: the latest
}

// DriftColumn is a row of drift(model, data): one input column of the model
// (or, last, the summary row "(all)") compared with the model's training
// statistics. A NaN float is SQL's NULL: means and standard deviations
// of columns other than numeric ones, the unseen share of columns other
// than categorical ones, and every measure of the summary row but PSI,
// UnseenShare and Status.
type DriftColumn struct {
	Column         string // the input column, or "(all)"
	Kind           string // numeric, date, timestamp, boolean, categorical; "" for "(all)"
	NullShareTrain float64
	NullShareNow   float64
	MeanTrain      float64
	MeanNow        float64
	StdTrain       float64
	StdNow         float64
	// PSI is the population stability index of the data's shares over
	// the column's bins against training's (features.DriftMeter);
	// "(all)": the largest of the columns'.
	PSI float64
	// UnseenShare is the share of rows whose value of the column is a
	// level never seen in training; "(all)": the share of rows with such
	// a level in some column.
	UnseenShare float64
	// Status is "ok" (PSI below 0.1), "shifted" (below 0.25) or "severe"
	// (from 0.25 on, or an unseen share above 0.05); "(all)": the worst.
	Status string
}

// DriftSummary is the Column of drift's summary row.
const DriftSummary = "(all)"
