package training

import (
	"fmt"
	"math"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
)

// MaxWeight bounds a network's weights and biases in magnitude: training
// never comes near it (an Adam step moves a weight by about the learning
// rate), and beyond it products with standardised inputs overflow.
const MaxWeight = 1e15

// MaxTargetScale bounds a regression target's mean and standard deviation
// in magnitude, so that a prediction scaled back stays finite.
const MaxTargetScale = 1e150

// Validate checks a perceptron document as predict, score and the other
// scoring functions use it, so that a document that passes predicts: its
// format, kind and task, the label encoding (features.LabelEncoding.Validate:
// its type decides predict's output type), the preprocessing
// (features.Encoder.Validate: every standardisation finite and usable),
// features that name the preprocessing's columns, a network whose layers
// chain from the preprocessing's width to the task's outputs with weights
// of at most MaxWeight, for regression a usable target scale, and, when
// present, statistics that validate and describe the features (documents
// saved before ducksight stored statistics have none). Errors describe
// the first problem found.
func (d *Document) Validate() error {
	if err := validateSupervised(d.Format, FormatVersion, d.Kind, "perceptron", d.Task, &d.Label, &d.Encoder, d.Features); err != nil {
		return err
	}
	if d.Statistics != nil {
		if err := d.Statistics.ValidateDocument(d.Features); err != nil {
			return err
		}
	}
	net := &d.Network
	if err := net.Check(); err != nil {
		return fmt.Errorf("network: %v", err)
	}
	if net.Config.Inputs != d.Encoder.Width {
		return fmt.Errorf("the network takes %d inputs, but the preprocessing makes %d", net.Config.Inputs, d.Encoder.Width)
	}
	if net.Config.Task != d.Task {
		return fmt.Errorf("the network is for task %s, the document for %s", net.Config.Task, d.Task)
	}
	if d.Task == task.Multiclass && len(d.Label.Levels) != net.Config.Classes {
		return fmt.Errorf("the label has %d classes, the network %d", len(d.Label.Levels), net.Config.Classes)
	}
	for i, l := range net.Layers {
		for _, w := range [][]float64{l.W, l.B} {
			for _, v := range w {
				if !(math.Abs(v) <= MaxWeight) {
					return fmt.Errorf("network: layer %d holds %v (weights and biases are at most %g in magnitude)", i, v, MaxWeight)
				}
			}
		}
	}
	switch t := d.Target; {
	case d.Task != task.Regression && t != nil:
		return fmt.Errorf("a %s model has no target scale", d.Task)
	case t != nil:
		if err := features.CheckScale(t.Mean, t.Std); err != nil {
			return fmt.Errorf("target scale: %v", err)
		}
		if math.Abs(t.Mean) > MaxTargetScale || t.Std > MaxTargetScale {
			return fmt.Errorf("target scale: mean %v or standard deviation %v above %g", t.Mean, t.Std, MaxTargetScale)
		}
	}
	return nil
}

// validateSupervised checks what every supervised model document shares:
// its format (at most max), its kind (want), a task a label is predicted
// for, the label encoding of that task, and a preprocessing that encodes
// exactly features.
func validateSupervised(format, max int, kind, want string, tk task.Task, label *features.LabelEncoding, enc *features.Encoder, feats []string) error {
	if format < 1 || format > max {
		return fmt.Errorf("format %d is not supported (this ducksight reads up to %d)", format, max)
	}
	if kind != want {
		return fmt.Errorf("kind %q is not %s", kind, want)
	}
	switch tk {
	case task.Binary, task.Multiclass, task.Regression:
	default:
		return fmt.Errorf("unknown task %q", tk)
	}
	if label.Task != tk {
		return fmt.Errorf("label task %q, but the document is for %q", label.Task, tk)
	}
	if err := label.Validate(); err != nil {
		return fmt.Errorf("label: %v", err)
	}
	return enc.ValidateDocument(feats)
}
