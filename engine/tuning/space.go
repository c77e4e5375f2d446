package tuning

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ducksight/ducksight/dserr"
)

// Dim is one searched parameter of a Space: either a set of choices or a
// range [Min, Max] on a linear or a log scale.
type Dim struct {
	Param Param
	// Choices, when not nil, are the values the parameter takes, checked
	// and converted to the parameter's Go type (int64, float64, string,
	// []int64); a trial draws one with equal chance.
	Choices []any
	// Min and Max bound a range (Choices nil): an Integer or Double
	// parameter. Log samples uniformly in log(value), and needs Min > 0.
	Min, Max float64
	Log      bool
}

// Space is the search space of one kind: its searched parameters, ordered
// by name, whatever the order of the space argument's fields.
type Space struct {
	Kind string // "perceptron" or "boosted_trees"
	Dims []Dim
}

// Scales of a range.
const (
	Linear = "linear"
	Log    = "log"
)

// logRange and linRange are default space ranges.
func logRange(kind, name string, lo, hi float64) Dim {
	p, _ := Lookup(kind, name)
	return Dim{Param: p, Min: lo, Max: hi, Log: true}
}

func linRange(kind, name string, lo, hi float64) Dim {
	p, _ := Lookup(kind, name)
	return Dim{Param: p, Min: lo, Max: hi}
}

func choices(kind, name string, values ...any) Dim {
	p, _ := Lookup(kind, name)
	return Dim{Param: p, Choices: values}
}

// defaultSpaces are the documented default spaces (docs/sql.md, tune),
// ordered by name. They search what matters most for each family, and
// only within ranges where a default training (epochs 50 with early
// stopping; 300 rounds with early stopping) still converges:
//
// perceptron:
//   - hidden [], [16], [32], [32, 16]: the logistic (linear) model, which
//     is often best on customer tables, and small networks; larger ones
//     overfit a few thousand rows and cost more than the budget allows.
//   - l2 log 1e-6..1e-1: the penalty is l2/2 ||W||² beside the mean loss,
//     so scikit-learn's C is 1 / (l2 n): on 4,000 rows this is C from 2.5
//     down to 0.0025 (on 100,000 rows from 10 down to 1e-4), the range
//     LogisticRegressionCV's default grid covers where it matters.
//   - learning_rate log 1e-3..3e-2: Adam's step; the measured default 0.01
//     lies inside; below 1e-3 Adam does not converge in 50 epochs on a few
//     thousand rows (some 15 steps an epoch at batch 256), above 3e-2 the
//     networks' validation loss is noisy.
//   - activation relu, tanh: sigmoid units learn slower than both and
//     rarely win.
//
// boosted_trees:
//   - max_depth 2..8: shallow trees for smooth, additive effects up to
//     deep interactions; the default 6 inside; beyond 8 the trees overfit
//     tables of this size.
//   - learning_rate log 0.03..0.3: 300 rounds with early stopping reach
//     convergence at 0.03 on most tables (lower rates would need more
//     rounds than the default gives), and 0.3 is XGBoost's default.
//   - min_child_weight log 0.5..20, l2 log 0.1..10: XGBoost's usual
//     regularisation ranges around their defaults (1 and 1).
//   - subsample 0.6..1, colsample 0.5..1: row and column sampling, which
//     helps on noisy labels; below these shares trees are grown on too
//     little to be stable.
var defaultSpaces = map[string][]Dim{
	Perceptron: {
		choices(Perceptron, "activation", "relu", "tanh"),
		choices(Perceptron, "hidden", []int64{}, []int64{16}, []int64{32}, []int64{32, 16}),
		logRange(Perceptron, "l2", 1e-6, 1e-1),
		logRange(Perceptron, "learning_rate", 1e-3, 3e-2),
	},
	BoostedTrees: {
		linRange(BoostedTrees, "colsample", 0.5, 1),
		logRange(BoostedTrees, "l2", 0.1, 10),
		logRange(BoostedTrees, "learning_rate", 0.03, 0.3),
		linRange(BoostedTrees, "max_depth", 2, 8),
		logRange(BoostedTrees, "min_child_weight", 0.5, 20),
		linRange(BoostedTrees, "subsample", 0.6, 1),
	},
}

// DefaultSpace returns kind's documented default space without the
// parameters in fixed (the training arguments given explicitly), or an
// empty Space for a kind that is neither "perceptron" nor
// "boosted_trees".
func DefaultSpace(kind string, fixed []string) Space {
	s := Space{Kind: kind}
	for _, d := range defaultSpaces[kind] {
		if !slices.Contains(fixed, d.Param.Name) {
			s.Dims = append(s.Dims, d)
		}
	}
	return s
}

// ParseSpace parses the space argument of kind ("perceptron" or
// "boosted_trees"): a field per parameter, whose value is a LIST of
// choices or a STRUCT {min, max, scale := 'linear' | 'log'} range. fn and
// arg name the function and argument in errors. fixed names the training
// arguments given explicitly: a space field naming one is an error. A nil
// or empty fields is kind's DefaultSpace.
//
// Choices must not be empty; each is checked against the parameter's type
// and legal range (an INTEGER parameter takes integral numbers, a DOUBLE
// any finite number, a VARCHAR one of its values, hidden a LIST of
// INTEGER: its choices are a LIST of LISTs). A range applies to INTEGER
// and DOUBLE parameters only; min and max must be legal values of the
// parameter (integers for an INTEGER parameter) with min <= max, and a log
// scale needs min > 0.
//
// Errors are *dserr.Error of fn and arg whose message names the field.
func ParseSpace(fn, arg, kind string, fields []Field, fixed []string) (Space, error) {
	if _, ok := params[kind]; !ok {
		return Space{}, dserr.Arg(fn, "kind", "must be 'auto', 'perceptron' or 'boosted_trees', got %s", sqlText(kind))
	}
	return parseSpace(fn, arg, "", kind, fields, fixed)
}

// parseSpace is ParseSpace; prefix ("perceptron." within kind 'auto')
// goes before every field name in messages.
func parseSpace(fn, arg, prefix, kind string, fields []Field, fixed []string) (Space, error) {
	if len(fields) == 0 {
		return DefaultSpace(kind, fixed), nil
	}
	s := Space{Kind: kind}
	for i, f := range fields {
		name := prefix + f.Name
		bad := func(format string, a ...any) error {
			return dserr.Arg(fn, arg, "%s: %s", name, fmt.Sprintf(format, a...))
		}
		p, ok := Lookup(kind, f.Name)
		if !ok {
			return Space{}, dserr.Arg(fn, arg, "unknown parameter %s of %s (parameters: %s)", sqlText(name), kind, paramNames(kind))
		}
		for _, g := range fields[:i] {
			if g.Name == f.Name {
				return Space{}, bad("given twice")
			}
		}
		if slices.Contains(fixed, f.Name) {
			return Space{}, dserr.Arg(fn, arg, "%s is given explicitly (%s := ...); leave it out of space or drop the argument", name, f.Name)
		}
		d := Dim{Param: p}
		switch v := f.Value.(type) {
		case []any:
			if len(v) == 0 {
				return Space{}, bad("empty list of choices")
			}
			d.Choices = make([]any, len(v))
			for j, c := range v {
				x, msg := p.value(c)
				if msg != "" {
					return Space{}, bad("choice %s %s", sqlText(c), msg)
				}
				d.Choices[j] = x
			}
		case []Field:
			if err := d.parseRange(v); err != "" {
				return Space{}, bad("%s", err)
			}
		default:
			return Space{}, bad("must be a LIST of choices or a STRUCT {min, max, scale}, got %s", sqlText(f.Value))
		}
		s.Dims = append(s.Dims, d)
	}
	slices.SortFunc(s.Dims, func(a, b Dim) int { return strings.Compare(a.Param.Name, b.Param.Name) })
	return s, nil
}

// value checks a choice v of p and converts it to p's Go type; the
// message, when not empty, says what is wrong, after the choice's text.
func (p Param) value(v any) (any, string) {
	switch p.Type {
	case Integer:
		n, ok := integer(v)
		if !ok {
			return nil, "is not an INTEGER"
		}
		if !p.legal(float64(n)) {
			return nil, p.bounds()
		}
		return n, ""
	case Double:
		x, ok := number(v)
		if !ok {
			if _, isFloat := v.(float64); isFloat {
				return nil, p.bounds()
			}
			return nil, "is not a number"
		}
		if !p.legal(x) {
			return nil, p.bounds()
		}
		return x, ""
	case Varchar:
		s, ok := v.(string)
		if !ok || !slices.Contains(p.Values, s) {
			quoted := make([]string, len(p.Values))
			for i, s := range p.Values {
				quoted[i] = sqlText(s)
			}
			return nil, "must be " + strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
		}
		return s, ""
	case IntegerList:
		l, ok := v.([]any)
		if !ok {
			return nil, "is not a LIST of INTEGER (hidden's choices are lists: [[], [16], [32, 16]])"
		}
		out := make([]int64, len(l))
		for i, e := range l {
			n, ok := integer(e)
			if !ok || !p.legal(float64(n)) {
				return nil, "has a layer size that is not an INTEGER between " + num(p.Min) + " and " + num(p.Max)
			}
			out[i] = n
		}
		return out, ""
	}
	return nil, "has an unknown type"
}

// parseRange parses a range STRUCT {min, max, scale} into d; the result,
// when not empty, is what is wrong.
func (d *Dim) parseRange(fields []Field) string {
	p := d.Param
	if p.Type != Integer && p.Type != Double {
		return fmt.Sprintf("a range needs an INTEGER or DOUBLE parameter, not %s: give a LIST of choices", p.Type)
	}
	var lo, hi any
	var haveLo, haveHi bool
	scale := Linear
	for _, f := range fields {
		switch f.Name {
		case "min":
			lo, haveLo = f.Value, true
		case "max":
			hi, haveHi = f.Value, true
		case "scale":
			s, ok := f.Value.(string)
			if !ok || (s != Linear && s != Log) {
				return fmt.Sprintf("scale must be 'linear' or 'log', got %s", sqlText(f.Value))
			}
			scale = s
		default:
			return fmt.Sprintf("unknown range field %s (fields: min, max, scale)", sqlText(f.Name))
		}
	}
	if !haveLo || !haveHi {
		return "a range needs min and max: {min: ..., max: ..., scale: 'linear' | 'log'}"
	}
	bound := func(which string, v any) (float64, string) {
		if p.Type == Integer {
			n, ok := integer(v)
			if !ok {
				return 0, fmt.Sprintf("%s must be an INTEGER, got %s", which, sqlText(v))
			}
			if !p.legal(float64(n)) {
				return 0, fmt.Sprintf("%s %s, got %s", which, p.bounds(), sqlText(v))
			}
			return float64(n), ""
		}
		x, ok := number(v)
		if _, isFloat := v.(float64); !ok && !isFloat {
			return 0, fmt.Sprintf("%s must be a number, got %s", which, sqlText(v))
		}
		if !ok || !p.legal(x) {
			return 0, fmt.Sprintf("%s %s, got %s", which, p.bounds(), sqlText(v))
		}
		return x, ""
	}
	var msg string
	if d.Min, msg = bound("min", lo); msg != "" {
		return msg
	}
	if d.Max, msg = bound("max", hi); msg != "" {
		return msg
	}
	if d.Min > d.Max {
		return fmt.Sprintf("min %s is greater than max %s", num(d.Min), num(d.Max))
	}
	d.Log = scale == Log
	if d.Log && d.Min <= 0 {
		return fmt.Sprintf("a log scale needs min > 0, got min %s", num(d.Min))
	}
	return ""
}

// Value maps u in [0, 1) to d's value: the choice floor(u * len(Choices));
// in a linear range Min + u (Max - Min), in a log range
// exp(log Min + u (log Max - log Min)), clamped to [Min, Max]. An
// Integer range gives each integer of [Min, Max] the same share of [0, 1)
// on a linear scale (floor of Min + u (Max - Min + 1)); on a log scale it
// takes the floor of a log-uniform value in [Min, Max + 1), so every
// integer stays reachable, k with a share proportional to log((k+1)/k).
// An IntegerList value is a new slice.
func (d Dim) Value(u float64) any {
	if d.Choices != nil {
		k := int(u * float64(len(d.Choices)))
		k = min(max(k, 0), len(d.Choices)-1)
		if l, ok := d.Choices[k].([]int64); ok {
			return slices.Clone(l)
		}
		return d.Choices[k]
	}
	lo, hi := d.Min, d.Max
	if d.Param.Type == Integer {
		hi++ // [lo, hi + 1) floors onto the integers of [lo, hi]
	}
	var x float64
	if d.Log {
		x = math.Exp(math.Log(lo) + u*(math.Log(hi)-math.Log(lo)))
	} else {
		x = lo + u*(hi-lo)
	}
	if d.Param.Type == Integer {
		x = math.Floor(x)
	}
	x = min(max(x, d.Min), d.Max)
	if d.Param.Type == Integer {
		return int64(x)
	}
	return x
}

// Search is what tune searches: one Space per kind, in the order of Kinds
// (boosted_trees before perceptron) for kind 'auto', or the one Space of
// a single kind.
type Search struct {
	Spaces []Space
}

// ParseSearch parses tune's space argument for kind: "perceptron" or
// "boosted_trees" as ParseSpace; "auto" a STRUCT {perceptron: {...},
// boosted_trees: {...}} whose fields are each kind's space (ParseSpace;
// a kind left out, or NULL, searches its DefaultSpace). A nil or empty
// fields is every kind's default space. Parameters in fixed are not
// searched in any kind (an explicit training argument applies to every
// kind that has it). Errors name the field, as in "perceptron.l2: ...".
func ParseSearch(fn, arg, kind string, fields []Field, fixed []string) (Search, error) {
	if kind != Auto {
		s, err := ParseSpace(fn, arg, kind, fields, fixed)
		if err != nil {
			return Search{}, err
		}
		return Search{Spaces: []Space{s}}, nil
	}
	for i, f := range fields {
		if !slices.Contains(Kinds, f.Name) {
			return Search{}, dserr.Arg(fn, arg, "with kind 'auto' the space is a STRUCT of kinds {perceptron: {...}, boosted_trees: {...}}, got field %s", sqlText(f.Name))
		}
		for _, g := range fields[:i] {
			if g.Name == f.Name {
				return Search{}, dserr.Arg(fn, arg, "%s: given twice", f.Name)
			}
		}
	}
	var s Search
	for _, k := range Kinds {
		var sub []Field
		for _, f := range fields {
			if f.Name != k || f.Value == nil {
				continue
			}
			v, ok := f.Value.([]Field)
			if !ok {
				return Search{}, dserr.Arg(fn, arg, "%s: must be a STRUCT of %s's parameters, got %s", k, k, sqlText(f.Value))
			}
			sub = v
		}
		sp, err := parseSpace(fn, arg, k+".", k, sub, fixed)
		if err != nil {
			return Search{}, err
		}
		s.Spaces = append(s.Spaces, sp)
	}
	return s, nil
}

// Trial returns the Space (an index into s.Spaces) and the index in that
// space's sequence of tune's trial i (0-based): trials alternate the
// kinds, space i % len(s.Spaces) with index i / len(s.Spaces). With kind
// 'auto', trials 0, 2, 4, ... are boosted trees' sequence 0, 1, 2, ...
// and trials 1, 3, 5, ... the perceptron's.
func (s Search) Trial(i int) (space, index int) {
	n := len(s.Spaces)
	return i % n, i / n
}

// Sample returns trial i's kind and configuration: the configuration
// s.Spaces[space].Sample(index, seed) of the space and index Trial(i)
// names.
func (s Search) Sample(i int, seed uint64) (kind string, config []Field) {
	k, j := s.Trial(i)
	sp := s.Spaces[k]
	return sp.Kind, sp.Sample(j, seed)
}
