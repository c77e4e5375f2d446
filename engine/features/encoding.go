package features

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ColumnEncoding is the stored preprocessing of one feature column: how
// its values become the model inputs [Offset, Offset+Width). It is a plain
// value, saved as JSON in the model document and replayed at predict time.
//
// By Kind:
//
//   - "numeric" (integers, floats, decimals), "date" (days since
//     1970-01-01) and "timestamp" (seconds since the epoch, whatever the
//     unit or time zone): one input, (x - Mean) / Std with the training
//     mean and sample standard deviation. A NULL becomes the mean, that is
//     0. With Indicator (the column had NULLs in training and the encoder
//     is not in Distance mode) a second input is 1 for NULL and 0
//     otherwise.
//   - "boolean": one input, 0 or 1, not standardised; a NULL becomes Mean,
//     the training fraction of true, plus the indicator input as above.
//   - "categorical" (VARCHAR, ENUM): one-hot. One input per entry of
//     Levels, then one for 'other' when Other, then one for NULL when
//     NullLevel. A value among OtherLevels (a training level that is not
//     among the most frequent), or any value not in Levels when OtherAny,
//     sets the 'other' input. A value never seen in training sets no input
//     (all zeros), and so does NULL when NullLevel is false. The input that
//     is set holds Scale (1, or 1/√2 in Distance mode), the others 0.
type ColumnEncoding struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Type is the Arrow type of the training column, for error messages.
	Type string `json:"type,omitempty"`

	Mean      float64 `json:"mean,omitempty"`
	Std       float64 `json:"std,omitempty"`
	Indicator bool    `json:"null_indicator,omitempty"`

	Levels      []string `json:"levels,omitempty"`
	Other       bool     `json:"other,omitempty"`
	OtherLevels []string `json:"other_levels,omitempty"` // sorted bytewise
	OtherAny    bool     `json:"other_any,omitempty"`
	NullLevel   bool     `json:"null_level,omitempty"`
	Scale       float64  `json:"scale,omitempty"` // one-hot weight; 0 reads as 1

	Offset int `json:"offset"`
	Width  int `json:"width"`
}

// Encoder is the preprocessing of a model: its feature columns in input
// order and the total number of inputs. Make one with a Fitter, store it
// as JSON, and Bind it to the schema of the data to encode.
//
// In Distance mode (for k-means and other distance-based models) NULLs get
// no indicator inputs, and each one-hot input holds 1/√2 instead of 1: two
// rows with different levels then differ by 1/√2 in two inputs, a squared
// distance of 2·½ = 1, the same as a boolean that differs (0 against 1)
// and as two numeric values one standard deviation apart. Unscaled, a
// categorical column would count double. A level against an unseen value
// (all zeros) is at squared distance ½.
type Encoder struct {
	Columns  []ColumnEncoding `json:"columns"`
	Width    int              `json:"width"`
	Distance bool             `json:"distance,omitempty"`
}

// slots is the number of one-hot inputs a categorical encoding needs.
func (c *ColumnEncoding) slots() int {
	n := len(c.Levels)
	if c.Other {
		n++
	}
	if c.NullLevel {
		n++
	}
	return n
}

// scale is the value of a set one-hot input.
func (c *ColumnEncoding) scale() float64 {
	if c.Scale == 0 {
		return 1
	}
	return c.Scale
}

// ValidateDocument checks e as the preprocessing of a model document whose
// features are features: e validates itself (Validate) and encodes exactly
// those columns, in that order. Every model kind's document check uses it.
func (e *Encoder) ValidateDocument(features []string) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("preprocessing: %v", err)
	}
	names := make([]string, len(e.Columns))
	for i, c := range e.Columns {
		names[i] = c.Name
	}
	if !slices.Equal(names, features) {
		return fmt.Errorf("features %q, but the preprocessing encodes %q", features, names)
	}
	return nil
}

// Validate checks that e is self-consistent: known kinds, distinct names,
// positive finite standard deviations, widths that match the kinds, and
// offsets that tile [0, Width). Bind calls it, so a damaged model document
// is an error rather than wrong numbers.
func (e *Encoder) Validate() error {
	if len(e.Columns) == 0 {
		return errors.New("encoder has no columns")
	}
	seen := map[string]bool{}
	off := 0
	for i := range e.Columns {
		c := &e.Columns[i]
		if c.Name == "" {
			return fmt.Errorf("encoder column %d has no name", i)
		}
		low := strings.ToLower(c.Name)
		if seen[low] {
			return fmt.Errorf("column %q is encoded twice", c.Name)
		}
		seen[low] = true
		want := 0
		switch c.Kind {
		case KindNumeric, KindDate, KindTimestamp:
			if err := CheckScale(c.Mean, c.Std); err != nil {
				return fmt.Errorf("column %q: %v", c.Name, err)
			}
			want = 1
			if c.Indicator {
				want++
			}
		case KindBoolean:
			if !finite(c.Mean) {
				return fmt.Errorf("column %q: invalid mean %v", c.Name, c.Mean)
			}
			want = 1
			if c.Indicator {
				want++
			}
		case KindCategorical:
			want = c.slots()
			if want == 0 {
				return fmt.Errorf("column %q: a categorical encoding without levels", c.Name)
			}
			if (len(c.OtherLevels) > 0 || c.OtherAny) && !c.Other {
				return fmt.Errorf("column %q: 'other' levels without an 'other' input", c.Name)
			}
			if !(c.Scale >= 0 && c.Scale <= 1) {
				return fmt.Errorf("column %q: invalid one-hot scale %v (it is between 0 and 1)", c.Name, c.Scale)
			}
		default:
			return fmt.Errorf("column %q: unknown encoding kind %q", c.Name, c.Kind)
		}
		if c.Width != want || c.Offset != off {
			return fmt.Errorf("column %q: inputs [%d, %d) do not follow the previous column at %d with the %d inputs its encoding needs",
				c.Name, c.Offset, c.Offset+c.Width, off, want)
		}
		off += c.Width
	}
	if off != e.Width {
		return fmt.Errorf("encoder width %d, but its columns use %d inputs", e.Width, off)
	}
	return nil
}

// InputNames names each of the e.Width inputs, for reports and weight
// tables: the column name for a value input, `name IS NULL` for an
// indicator, `name=level` for a one-hot input, `name=(other)` and
// `name IS NULL` for the 'other' and NULL levels.
func (e *Encoder) InputNames() []string {
	names := make([]string, 0, e.Width)
	for i := range e.Columns {
		c := &e.Columns[i]
		switch c.Kind {
		case KindCategorical:
			for _, l := range c.Levels {
				names = append(names, c.Name+"="+l)
			}
			if c.Other {
				names = append(names, c.Name+"=(other)")
			}
			if c.NullLevel {
				names = append(names, c.Name+" IS NULL")
			}
		default:
			names = append(names, c.Name)
			if c.Indicator {
				names = append(names, c.Name+" IS NULL")
			}
		}
	}
	return names
}
