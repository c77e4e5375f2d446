package sqlgen

import (
	"fmt"
	"strconv"

	"github.com/ducksight/ducksight/engine/perceptron"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// Perceptron returns the statement that scores the rows of table source
// (a placeholder when empty) with a perceptron model in dialect d: every
// column of the table, then prediction, and for a classifier probability
// (P(positive class) for a binary model, the predicted class's for a
// multiclass one) and, multiclass, probability_<class> for every class.
func Perceptron(d Dialect, source string, doc *training.Document) (string, error) {
	if err := checkPerceptron(doc); err != nil {
		return "", err
	}
	if d == ClickHouse {
		return chPerceptron(source, doc)
	}
	p := newProgram(d, source)
	if err := p.perceptron(doc); err != nil {
		return "", err
	}
	return p.text(), nil
}

// checkPerceptron checks that doc's network and preprocessing fit.
func checkPerceptron(doc *training.Document) error {
	if err := doc.Network.Check(); err != nil {
		return err
	}
	if err := doc.Encoder.Validate(); err != nil {
		return fmt.Errorf("preprocessing: %v", err)
	}
	if doc.Network.Config.Inputs != doc.Encoder.Width {
		return fmt.Errorf("network has %d inputs, the preprocessing %d", doc.Network.Config.Inputs, doc.Encoder.Width)
	}
	return nil
}

// perceptron adds the stages and outputs of a (checked) perceptron model.
func (p *program) perceptron(doc *training.Document) error {
	d := p.d
	x, err := p.inputs(&doc.Encoder)
	if err != nil {
		return err
	}
	net := &doc.Network
	act := net.Config.Activation
	for li := range net.Layers {
		l := &net.Layers[li]
		init := make([]string, l.Out)
		terms := make([][]string, l.Out)
		for j := range l.Out {
			init[j] = d.Float(l.B[j])
			t := make([]string, l.In)
			for i := range l.In {
				t[i] = x[i] + " * " + d.Float(l.W[i*l.Out+j])
			}
			terms[j] = t
		}
		// One output is b + (Σ x·w) (affine1); more are ((b + x0·w0) +
		// x1·w1) + ... (affine).
		z := p.sums("ds__z"+strconv.Itoa(li)+"_", init, terms, l.Out == 1)
		if li == len(net.Layers)-1 {
			x = z
			break
		}
		prefix := "ds__a" + strconv.Itoa(li) + "_"
		switch act {
		case perceptron.Tanh:
			x = p.tanh(prefix, z)
		case perceptron.Sigmoid:
			x = p.sigmoid(prefix, z)
		default:
			x = p.relu(prefix, z)
		}
	}
	switch doc.Task {
	case task.Regression:
		mean, std := 0.0, 1.0
		if t := doc.Target; t != nil {
			mean, std = t.Mean, t.Std
		}
		p.regression(x[0] + " * " + d.Float(std) + " + " + d.Float(mean))
	default:
		return p.classify(doc.Task, x, doc.Label.Levels, doc.Label.Positive, doc.Label.Type)
	}
	return nil
}

// threshold is the probability from which a binary model predicts its
// positive class: predict's default.
const threshold = 0.5

// regression sets the output of a regression model from its prediction:
// NULL where it is NaN or infinite, as predict leaves it.
func (p *program) regression(pred string) {
	r := p.add(stage{{"ds__pred", pred}})[0]
	p.scored = p.d.finite(r)
	p.output("prediction", r)
}

// classify sets the outputs of a classifier from its raw scores (one
// logit for binary, one per class for multiclass): prediction,
// probability and, multiclass, probability_<class>.
func (p *program) classify(tk task.Task, raw []string, levels []string, positive int, labelType string) error {
	d := p.d
	switch tk {
	case task.Binary:
		if len(levels) != 2 || positive < 0 || positive > 1 || len(raw) != 1 {
			return fmt.Errorf("binary model with %d classes and %d outputs", len(levels), len(raw))
		}
		prob := p.sigmoid("ds__prob", raw)[0]
		p.scored = "NOT (" + d.isNaN(prob) + ")"
		pos, neg := d.label(levels[positive], labelType), d.label(levels[1-positive], labelType)
		p.output("prediction", "CASE WHEN "+prob+" >= "+d.Float(threshold)+" THEN "+pos+" ELSE "+neg+" END")
		p.output("probability", prob)
	case task.Multiclass:
		if len(levels) != len(raw) {
			return fmt.Errorf("multiclass model with %d classes and %d outputs", len(levels), len(raw))
		}
		probs := p.softmax(raw)
		best := p.add(stage{{"ds__best", d.greatest(probs)}})[0]
		p.scored = "NOT (" + d.isNaN(best) + ")"
		// The first class of the largest probability, as predict's
		// argmax.
		pred := "CASE"
		for c, pc := range probs {
			pred += " WHEN " + pc + " = " + best + " THEN " + d.label(levels[c], labelType)
		}
		p.output("prediction", pred+" END")
		p.output("probability", best)
		for c, pc := range probs {
			p.output("probability_"+levels[c], pc)
		}
	default:
		return fmt.Errorf("task %s does not classify", tk)
	}
	return nil
}
