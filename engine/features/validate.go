package features

import (
	"fmt"
	"math"
	"strconv"

	"github.com/ducksight/ducksight/engine/task"
)

// MinStd is the smallest standard deviation a standardisation accepts:
// the smallest normal float64. Below it (a subnormal such as 1e-308), x /
// Std overflows for any ordinary x and every score saturates.
const MinStd = 0x1p-1022

// CheckScale checks a standardisation (x - mean) / std as a model document
// stores it: a finite mean, and a finite std of at least MinStd and of at
// least |mean| * 2^-80 (a smaller std is below the rounding error of the
// mean: no data has it, and dividing by it turns rounding noise into
// huge inputs). Training produces only scales that pass.
func CheckScale(mean, std float64) error {
	if !finite(mean) || math.IsNaN(std) || math.IsInf(std, 0) || std < MinStd || std < math.Abs(mean)*0x1p-80 {
		return fmt.Errorf("invalid mean %v or standard deviation %v (the standard deviation must be finite, at least %v and not below the precision of the mean)", mean, std, MinStd)
	}
	return nil
}

// Validate checks a stored label encoding for the task it names: a label
// type a model can be trained on (predict returns its values in that
// type), class levels that are values of that type, distinct, two for a
// binary label with a positive class among them, and counts, when
// present, one per level and not negative. A regression label has a
// numeric type and no levels.
func (le *LabelEncoding) Validate() error {
	fam := familyOfName(le.Type)
	if fam == famNone {
		return fmt.Errorf("label type %q is not a type a label can have", le.Type)
	}
	switch le.Task {
	case task.Regression:
		if fam != famInt && fam != famFloat {
			return fmt.Errorf("a regression label has a numeric type, not %q", le.Type)
		}
		if len(le.Levels) > 0 {
			return fmt.Errorf("a regression label has no classes, got %d", len(le.Levels))
		}
		return nil
	case task.Binary:
		if len(le.Levels) != 2 || le.Positive < 0 || le.Positive > 1 {
			return fmt.Errorf("a binary label needs 2 classes and a positive class 0 or 1, got %d classes and %d", len(le.Levels), le.Positive)
		}
	case task.Multiclass:
		if len(le.Levels) < 2 {
			return fmt.Errorf("a multiclass label needs at least 2 classes, got %d", len(le.Levels))
		}
		if le.Positive != 0 {
			return fmt.Errorf("a multiclass label has no positive class, got %d", le.Positive)
		}
	default:
		return fmt.Errorf("unknown label task %q", le.Task)
	}
	if len(le.Counts) > 0 && len(le.Counts) != len(le.Levels) {
		return fmt.Errorf("%d class counts for %d classes", len(le.Counts), len(le.Levels))
	}
	for _, n := range le.Counts {
		if n < 0 {
			return fmt.Errorf("a class count is negative (%d)", n)
		}
	}
	seen := make(map[string]bool, len(le.Levels))
	for _, l := range le.Levels {
		if seen[l] {
			return fmt.Errorf("class %q appears twice", l)
		}
		seen[l] = true
		if !levelOfType(le.Type, l) {
			return fmt.Errorf("class %q is not a value of the label's type %s", l, SQLTypeName(le.Type))
		}
	}
	return nil
}

// levelOfType reports whether class text l is a value of label type typ
// (text types take any text).
func levelOfType(typ, l string) bool {
	switch typ {
	case "bool":
		return l == "true" || l == "false"
	case "int8", "int16", "int32", "int64":
		_, err := strconv.ParseInt(l, 10, bitsOf(typ))
		return err == nil
	case "uint8", "uint16", "uint32", "uint64":
		_, err := strconv.ParseUint(l, 10, bitsOf(typ))
		return err == nil
	case "float32", "float64":
		_, err := strconv.ParseFloat(l, 64)
		return err == nil
	}
	return true
}

func bitsOf(typ string) int {
	n, _ := strconv.Atoi(typ[len(typ)-2:])
	if n == 0 {
		n, _ = strconv.Atoi(typ[len(typ)-1:])
	}
	return n
}
