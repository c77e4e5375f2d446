//go:build duckdb_arrow

package sqlfuncs

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// params lists every declared parameter of fn (positional ones first).
func params(f *Function) (positional, named []udf.Param) {
	if f.Scalar != nil {
		return f.Scalar.Args, nil
	}
	return f.Table.Args, f.Table.Named
}

// TestParamDeclarations: every declared default has the Go type its
// reader returns and lies in the declared range and choices; ranges are
// on numbers only; every named argument says what leaving it out means;
// no Doc repeats a default in prose.
func TestParamDeclarations(t *testing.T) {
	numeric := map[string]bool{"INTEGER": true, "BIGINT": true, "DOUBLE": true, "INTEGER[]": true, "DOUBLE[]": true}
	for _, f := range registry {
		pos, named := params(f)
		for i, p := range append(slices.Clone(pos), named...) {
			isNamed := i >= len(pos)
			where := f.Name + " " + p.Name
			if p.Doc == "" || strings.Contains(p.Doc, "(default") {
				t.Errorf("%s: Doc %q is empty or repeats the default (declare it in Default or DefaultDoc)", where, p.Doc)
			}
			if isNamed && p.Default == nil && p.DefaultDoc == "" {
				t.Errorf("%s: a named argument needs a Default or a DefaultDoc", where)
			}
			if p.Default != nil && p.DefaultDoc != "" {
				t.Errorf("%s: both Default and DefaultDoc (DefaultDoc is for a default that is not a constant)", where)
			}
			var x float64
			hasX := false
			switch d := p.Default.(type) {
			case nil:
			case int:
				x, hasX = float64(d), true
				if p.Type != udf.Integer && p.Type != udf.BigInt {
					t.Errorf("%s: int default of a %s", where, p.Type)
				}
			case int64:
				x, hasX = float64(d), true
				if p.Type != udf.Integer && p.Type != udf.BigInt {
					t.Errorf("%s: int64 default of a %s", where, p.Type)
				}
			case float64:
				x, hasX = d, true
				if p.Type != udf.Double {
					t.Errorf("%s: float64 default of a %s", where, p.Type)
				}
			case string:
				if p.Type != udf.Varchar {
					t.Errorf("%s: string default of a %s", where, p.Type)
				}
				if len(p.Choices) > 0 && !slices.Contains(p.Choices, d) {
					t.Errorf("%s: default %q not among the choices %q", where, d, p.Choices)
				}
			case bool:
				if p.Type != udf.Boolean {
					t.Errorf("%s: bool default of a %s", where, p.Type)
				}
			case []int:
				if p.Type.String() != "INTEGER[]" {
					t.Errorf("%s: []int default of a %s", where, p.Type)
				}
			case []float64:
				if p.Type.String() != "DOUBLE[]" {
					t.Errorf("%s: []float64 default of a %s", where, p.Type)
				}
				for _, v := range d {
					if p.Range != nil && !p.Range.Contains(v) {
						t.Errorf("%s: default element %v outside its range %s", where, v, rangeDoc(p.Range, false))
					}
				}
			case []string:
				if p.Type.String() != "VARCHAR[]" {
					t.Errorf("%s: []string default of a %s", where, p.Type)
				}
			default:
				t.Errorf("%s: default of Go type %T", where, d)
			}
			if r := p.Range; r != nil {
				if !numeric[p.Type.String()] {
					t.Errorf("%s: a range on a %s", where, p.Type)
				}
				if !(r.Min < r.Max) {
					t.Errorf("%s: empty range %+v", where, *r)
				}
				if hasX && !r.Contains(x) {
					t.Errorf("%s: default %v outside its range %s", where, x, rangeDoc(r, false))
				}
			}
			if len(p.Choices) > 0 && p.Type != udf.Varchar {
				t.Errorf("%s: choices of a %s", where, p.Type)
			}
		}
	}
}

// TestRangeErrors: a value outside a declared range gets the message the
// kernels give for the same bound (dserr.Between, dserr.AtLeast and the
// wordings of training and clustering), so SQL and Go callers read one text.
func TestRangeErrors(t *testing.T) {
	for _, c := range []struct {
		r    *udf.Range
		v    any
		want string
	}{
		{udf.Between(1, 100000), int64(0), "f: x: must be between 1 and 100000, got 0"},
		{udf.AtLeast(1), int64(0), "f: x: must be at least 1, got 0"},
		{udf.Between(0, 1), 1.5, "f: x: must be between 0 and 1, got 1.5"},
		{&udf.Range{Min: 0, Max: 10, MinOpen: true}, 0.0, "f: x: must be greater than 0 and at most 10, got 0"},
		{&udf.Range{Min: 0, Max: 1, MaxOpen: true}, 1.0, "f: x: must be at least 0 and less than 1, got 1"},
		{&udf.Range{Min: 0, Max: 1, MinOpen: true, MaxOpen: true}, math.NaN(), "f: x: must be greater than 0 and less than 1, got NaN"},
		{udf.AtLeast(0), math.Inf(1), "f: x: must be a finite number at least 0, got +Inf"},
	} {
		var err error
		switch v := c.v.(type) {
		case int64:
			if c.r.Contains(float64(v)) {
				t.Errorf("%+v contains %v", *c.r, v)
			}
			err = rangeError("f", "x", c.r, v)
		case float64:
			if c.r.Contains(v) {
				t.Errorf("%+v contains %v", *c.r, v)
			}
			err = rangeError("f", "x", c.r, v)
		}
		if err == nil || err.Error() != c.want || !errors.Is(err, dserr.InvalidArgument) {
			t.Errorf("%+v, %v: %v, want %q", *c.r, c.v, err, c.want)
		}
	}
}

// TestRangesMatchKernels: for every range declared on an argument of
// train_perceptron or segment, the kernel's own Validate (which Go callers
// reach without the SQL readers) accepts each bound it includes and
// refuses the value just outside, naming the argument; and it accepts
// every declared choice and refuses another value. So the declaration and
// the Go path cannot drift apart.
func TestRangesMatchKernels(t *testing.T) {
	train := func(set func(*training.Options)) error {
		// adam: learning_rate, batch_size and patience are its and sgd's
		// (lbfgs refuses them).
		o := training.Options{Label: "y", Solver: "adam"}
		o.Defaults()
		set(&o)
		return o.Validate()
	}
	trainNum := map[string]func(*training.Options, float64){
		"learning_rate":       func(o *training.Options, v float64) { o.LearningRate = v },
		"batch_size":          func(o *training.Options, v float64) { o.BatchSize = int(v) },
		"epochs":              func(o *training.Options, v float64) { o.Epochs = int(v) },
		"l2":                  func(o *training.Options, v float64) { o.L2 = &v },
		"validation_fraction": func(o *training.Options, v float64) { o.ValidationFraction = &v },
		"patience":            func(o *training.Options, v float64) { o.Patience = int(v) },
		"hidden":              func(o *training.Options, v float64) { o.Hidden = []int{int(v)} },
	}
	// The task is parsed (training.ParseTask) before Validate sees it.
	var parseErr error
	trainStr := map[string]func(*training.Options, string){
		"task":         func(o *training.Options, v string) { o.Task, parseErr = training.ParseTask(training.Fn, v) },
		"activation":   func(o *training.Options, v string) { o.Activation = v },
		"optimizer":    func(o *training.Options, v string) { *o = training.Options{Label: "y", Optimizer: v}; o.Defaults() },
		"solver":       func(o *training.Options, v string) { *o = training.Options{Label: "y", Solver: v}; o.Defaults() },
		"class_weight": func(o *training.Options, v string) { o.ClassWeight = v },
	}
	seg := func(set func(*clustering.Options)) error {
		var o clustering.Options
		o.Defaults()
		set(&o)
		return o.Validate()
	}
	segNum := map[string]func(*clustering.Options, float64){
		"k_max":    func(o *clustering.Options, v float64) { o.KMax = int(v) },
		"n_init":   func(o *clustering.Options, v float64) { o.NInit = int(v) },
		"max_iter": func(o *clustering.Options, v float64) { o.MaxIter = int(v) },
		"tol":      func(o *clustering.Options, v float64) { o.Tol = &v },
	}
	boost := func(set func(*training.TreeOptions)) error {
		o := training.TreeOptions{Label: "y"}
		o.Defaults()
		set(&o)
		return o.Validate()
	}
	boostNum := map[string]func(*training.TreeOptions, float64){
		"trees":               func(o *training.TreeOptions, v float64) { o.Trees = int(v) },
		"learning_rate":       func(o *training.TreeOptions, v float64) { o.LearningRate = v },
		"max_depth":           func(o *training.TreeOptions, v float64) { o.MaxDepth = int(v) },
		"min_child_weight":    func(o *training.TreeOptions, v float64) { o.MinChildWeight = &v },
		"min_rows_in_leaf":    func(o *training.TreeOptions, v float64) { o.MinRowsInLeaf = int(v) },
		"l2":                  func(o *training.TreeOptions, v float64) { o.L2 = &v },
		"min_split_gain":      func(o *training.TreeOptions, v float64) { o.MinSplitGain = v },
		"subsample":           func(o *training.TreeOptions, v float64) { o.Subsample = v },
		"colsample":           func(o *training.TreeOptions, v float64) { o.Colsample = v },
		"max_bins":            func(o *training.TreeOptions, v float64) { o.MaxBins = int(v) },
		"validation_fraction": func(o *training.TreeOptions, v float64) { o.ValidationFraction = &v },
		"patience":            func(o *training.TreeOptions, v float64) { o.Patience = int(v) },
	}
	boostStr := map[string]func(*training.TreeOptions, string){
		"task":         func(o *training.TreeOptions, v string) { o.Task, parseErr = training.ParseTask(training.TreesFn, v) },
		"objective":    func(o *training.TreeOptions, v string) { o.Objective = v },
		"class_weight": func(o *training.TreeOptions, v string) { o.ClassWeight = v },
	}
	segStr := map[string]func(*clustering.Options, string){
		"init": func(o *clustering.Options, v string) { o.Init = v },
	}

	for _, c := range []struct {
		f        *Function
		num      func(name string, v float64) (error, bool)
		str      func(name, v string) (error, bool)
		nNum     int
		nChoices int
	}{
		{trainPerceptron, func(name string, v float64) (error, bool) {
			set, ok := trainNum[name]
			if !ok {
				return nil, false
			}
			return train(func(o *training.Options) { set(o, v) }), true
		}, func(name, v string) (error, bool) {
			set, ok := trainStr[name]
			if !ok {
				return nil, false
			}
			parseErr = nil
			err := train(func(o *training.Options) { set(o, v) })
			return cmp.Or(parseErr, err), true
		}, len(trainNum), len(trainStr)},
		{segmentFn, func(name string, v float64) (error, bool) {
			set, ok := segNum[name]
			if !ok {
				return nil, false
			}
			return seg(func(o *clustering.Options) { set(o, v) }), true
		}, func(name, v string) (error, bool) {
			set, ok := segStr[name]
			if !ok {
				return nil, false
			}
			return seg(func(o *clustering.Options) { set(o, v) }), true
		}, len(segNum), len(segStr)},
		{trainBoostedTrees, func(name string, v float64) (error, bool) {
			set, ok := boostNum[name]
			if !ok {
				return nil, false
			}
			return boost(func(o *training.TreeOptions) { set(o, v) }), true
		}, func(name, v string) (error, bool) {
			set, ok := boostStr[name]
			if !ok {
				return nil, false
			}
			parseErr = nil
			err := boost(func(o *training.TreeOptions) { set(o, v) })
			return cmp.Or(parseErr, err), true
		}, len(boostNum), len(boostStr)},
	} {
		nNum, nChoices := 0, 0
		for _, p := range c.f.Table.Named {
			where := c.f.Name + " " + p.Name
			isInt := p.Type != udf.Double
			refused := func(v float64) {
				t.Helper()
				err, _ := c.num(p.Name, v)
				var de *dserr.Error
				if !errors.As(err, &de) || de.Arg != p.Name || !errors.Is(err, dserr.InvalidArgument) {
					t.Errorf("%s: Validate of %v outside the declared range %s: %v, want an error naming the argument", where, v, rangeDoc(p.Range, !isInt), err)
				}
			}
			accepted := func(v float64) {
				t.Helper()
				if err, _ := c.num(p.Name, v); err != nil {
					t.Errorf("%s: Validate of %v inside the declared range %s: %v", where, v, rangeDoc(p.Range, !isInt), err)
				}
			}
			if r := p.Range; r != nil {
				if _, ok := c.num(p.Name, 0); !ok {
					t.Errorf("%s: a declared range the test does not check against the kernel", where)
					continue
				}
				nNum++
				// step is the value next to bound b towards dir.
				step := func(b, dir float64) float64 {
					if isInt {
						return b + dir
					}
					return math.Nextafter(b, b+dir)
				}
				if !math.IsInf(r.Min, -1) {
					if r.MinOpen {
						refused(r.Min)
						accepted(step(r.Min, 1))
					} else {
						accepted(r.Min)
						refused(step(r.Min, -1))
					}
				}
				if !math.IsInf(r.Max, 1) {
					if r.MaxOpen {
						refused(r.Max)
						accepted(step(r.Max, -1))
					} else {
						accepted(r.Max)
						refused(step(r.Max, 1))
					}
				} else if !isInt && r.MaxOpen {
					refused(math.Inf(1))
				}
				refused(math.NaN())
			}
			if len(p.Choices) > 0 {
				nChoices++
				for _, v := range append(slices.Clone(p.Choices), "no such value") {
					err, ok := c.str(p.Name, v)
					if !ok {
						t.Errorf("%s: declared choices the test does not check against the kernel", where)
						break
					}
					if ok := slices.Contains(p.Choices, v); ok != (err == nil) {
						t.Errorf("%s: Validate of %q: %v (declared choices %q)", where, v, err, p.Choices)
					}
				}
			}
		}
		if nNum != c.nNum || nChoices != c.nChoices {
			t.Errorf("%s: %d ranges and %d choice lists declared, the test checks %d and %d against the kernel", c.f.Name, nNum, nChoices, c.nNum, c.nChoices)
		}
	}
}
