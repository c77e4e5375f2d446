package features

import (
	"fmt"
	"strings"
)

// Expected returns the training-mean input of e: the expectation of each
// of its e.Width inputs over the rows the statistics block s describes
// (one ColumnStats per column of e, in e's order, as Fitter.Statistics
// gives them), computed from s alone. It is the reference that
// explanations of a model measure from (every input at its training
// mean, so every categorical column at its training level shares).
//
// By kind (see ColumnEncoding for the inputs):
//
//   - numeric, date, timestamp: the value input's expectation is
//     (1 - p)·(Mean_s - Mean)/Std, where p is the NULL share among the
//     rows with a finite or NULL value (NULL encodes as the encoder's mean,
//     0; ±Inf rows cannot be scored) and Mean_s the statistics' mean, which
//     date and timestamp blocks do not store: their encoder's mean is the
//     mean of the same rows, so the expectation is 0. The NULL
//     indicator's is p.
//   - boolean: the share of true plus the NULL share times Mean (a NULL
//     encodes as Mean); the indicator's is the NULL share.
//   - categorical: each level's input is Scale times the level's share;
//     'other' is Scale times the share of every other level; the NULL
//     input is Scale times the NULL share. A level of e without a share in
//     s (none when s comes with e) has expectation 0.
//
// It is an error when s does not describe e's columns (names, kinds).
func (e *Encoder) Expected(s Statistics) ([]float64, error) {
	if len(s) != len(e.Columns) {
		return nil, fmt.Errorf("statistics of %d columns for an encoder of %d", len(s), len(e.Columns))
	}
	x := make([]float64, e.Width)
	for i := range e.Columns {
		c, st := &e.Columns[i], &s[i]
		if !strings.EqualFold(c.Name, st.Column) || c.Kind != st.Kind {
			return nil, fmt.Errorf("column %d: statistics of %s column %q for the encoding of %s column %q", i, st.Kind, st.Column, c.Kind, c.Name)
		}
		in := x[c.Offset : c.Offset+c.Width]
		switch c.Kind {
		case KindNumeric, KindDate, KindTimestamp:
			p := 0.0
			if scored := 1 - st.InfShare; scored > 0 {
				p = min(st.NullShare/scored, 1)
			}
			if st.Mean != nil && c.Std > 0 {
				in[0] = (1 - p) * (*st.Mean - c.Mean) / c.Std
			}
			if c.Indicator {
				in[1] = p
			}
		case KindBoolean:
			in[0] = share(st, "true") + st.NullShare*c.Mean
			if c.Indicator {
				in[1] = st.NullShare
			}
		case KindCategorical:
			sc := c.scale()
			for j, l := range c.Levels {
				in[j] = sc * share(st, l)
			}
			j := len(c.Levels)
			if c.Other {
				for _, l := range st.Levels {
					if l.Other {
						in[j] = sc * l.Share
					}
				}
				j++
			}
			if c.NullLevel {
				in[j] = sc * st.NullShare
			}
		}
	}
	return x, nil
}

// share is the share of level l in st's level shares, 0 when it has none.
func share(st *ColumnStats, l string) float64 {
	for _, ls := range st.Levels {
		if !ls.Other && !ls.Null && ls.Level == l {
			return ls.Share
		}
	}
	return 0
}
