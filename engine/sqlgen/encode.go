package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/engine/features"
)

// value is the number a numeric-like column's value is encoded from, as
// a DOUBLE expression: the number itself, a DATE's days since 1970-01-01,
// a TIMESTAMP's seconds (micro: microseconds, as trees read them) since
// the epoch, a BOOLEAN's 0 or 1. It is NULL where the value is.
func (p *program) value(c *features.ColumnEncoding, micro bool) string {
	x := p.col(c.Name)
	switch c.Kind {
	case features.KindDate:
		return p.d.days(x)
	case features.KindTimestamp:
		return p.d.seconds(x, micro, strings.HasPrefix(c.Type, "timestamp[ns"))
	case features.KindBoolean:
		return "CASE WHEN " + p.d.isNull(x) + " THEN NULL WHEN " + x + " THEN " + p.d.Float(1) + " ELSE " + p.d.Float(0) + " END"
	}
	return p.d.Double(x)
}

// inputs adds the stage of the encoder's inputs (named ds__x0, ds__x1,
// ...) as engine/features encodes them, and returns their references. A NaN
// or infinite value is standardised like any other, into NaN or ±Inf, and
// flows through the model as it does in predict (see output).
func (p *program) inputs(e *features.Encoder) ([]string, error) {
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("preprocessing: %v", err)
	}
	d := p.d
	names := make([]string, e.Width)
	for i := range names {
		names[i] = "ds__x" + strconv.Itoa(i)
	}
	var s stage
	for i := range e.Columns {
		c := &e.Columns[i]
		x := p.col(c.Name)
		off := c.Offset
		switch c.Kind {
		case features.KindCategorical:
			scale := 1.0
			if c.Scale != 0 {
				scale = c.Scale
			}
			for j, cond := range oneHot(d, c, x) {
				s = append(s, named{names[off+j], "CASE WHEN " + cond + " THEN " + d.Float(scale) + " ELSE " + d.Float(0) + " END"})
			}
		case features.KindBoolean:
			s = append(s, named{names[off], "CASE WHEN " + d.isNull(x) + " THEN " + d.Float(c.Mean) + " WHEN " + x + " THEN " + d.Float(1) + " ELSE " + d.Float(0) + " END"})
		default:
			// (x - mean) * (1/std), as Bind and Encode compute it; NULL
			// is the imputed 0.
			v := "(" + p.value(c, false) + " - " + d.Float(c.Mean) + ") * " + d.Float(1/c.Std)
			s = append(s, named{names[off], "CASE WHEN " + d.isNull(x) + " THEN " + d.Float(0) + " ELSE " + v + " END"})
		}
		if c.Indicator {
			s = append(s, named{names[off+1], "CASE WHEN " + d.isNull(x) + " THEN " + d.Float(1) + " ELSE " + d.Float(0) + " END"})
		}
	}
	p.add(s)
	for i, n := range names {
		names[i] = p.refs[n]
	}
	return names, nil
}

// slots maps each kept level of categorical column c to its one-hot input
// as Bind does: a level listed twice takes its last position.
func slots(c *features.ColumnEncoding) map[string]int {
	slot := make(map[string]int, len(c.Levels))
	for j, l := range c.Levels {
		slot[l] = j
	}
	return slot
}

// oneHot is, for each one-hot input of categorical column c (whose value
// is x), the condition that sets it: its level; for 'other' a training
// level outside the kept ones (or, with OtherAny, any value not kept);
// for the NULL level NULL. A condition on a NULL x is NULL or false.
func oneHot(d Dialect, c *features.ColumnEncoding, x string) []string {
	slot := slots(c)
	const never = "FALSE"
	conds := make([]string, 0, c.Width)
	for j, l := range c.Levels {
		if slot[l] != j {
			conds = append(conds, never)
			continue
		}
		conds = append(conds, x+" = "+d.Str(l))
	}
	if c.Other {
		switch {
		case c.OtherAny:
			conds = append(conds, "NOT ("+d.isNull(x)+") AND "+notIn(d, x, c.Levels))
		default:
			var others []string
			for _, l := range c.OtherLevels {
				if _, kept := slot[l]; !kept {
					others = append(others, l)
				}
			}
			if len(others) == 0 {
				conds = append(conds, never)
			} else {
				conds = append(conds, in(d, x, others))
			}
		}
	}
	if c.NullLevel {
		conds = append(conds, d.isNull(x))
	}
	return conds
}

// in is x IN (levels); NULL for a NULL x, which CASE reads as false.
func in(d Dialect, x string, levels []string) string {
	q := make([]string, len(levels))
	for i, l := range levels {
		q[i] = d.Str(l)
	}
	return x + " IN (" + strings.Join(q, ", ") + ")"
}

// notIn is x NOT IN (levels), true for every non-NULL x when levels is
// empty.
func notIn(d Dialect, x string, levels []string) string {
	if len(levels) == 0 {
		return "TRUE"
	}
	return "NOT (" + in(d, x, levels) + ")"
}
