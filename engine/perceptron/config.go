package perceptron

import (
	"math"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
)

// Config describes a network and how to train it. The zero values of
// Activation and Optimizer select the defaults; New stores the resolved
// names in Model.Config.
type Config struct {
	// Task is what the network predicts: task.Binary is two-class
	// classification, one logistic output, P(class 1), trained on log loss
	// with labels in {0, 1}; task.Multiclass is classification into Classes
	// >= 3 classes, a softmax output trained on cross-entropy with labels 0,
	// 1, ..., Classes-1; task.Regression is a single linear output trained
	// on squared error. Other tasks are refused.
	Task   task.Task `json:"task"`
	Inputs int       `json:"inputs"` // number of input columns, >= 1
	// Hidden lists the sizes of the hidden layers, each >= 1. Empty means
	// no hidden layer: logistic, softmax or linear regression.
	Hidden []int `json:"hidden"`
	// Classes is the number of classes: >= 3 for task.Multiclass, 2 (or 0, read
	// as 2) for task.Binary; ignored (stored as 0) for task.Regression.
	Classes int `json:"classes"`
	// Activation of the hidden layers: "relu" (the default, ""), "tanh" or
	// "sigmoid".
	Activation string `json:"activation"`
	// Optimizer is "adam" (the default, "": beta1 0.9, beta2 0.999,
	// epsilon 1e-8, as scikit-learn and Keras) or "sgd" (plain SGD with
	// classical momentum 0.9).
	Optimizer    string  `json:"optimizer"`
	LearningRate float64 `json:"learning_rate"` // > 0
	// L2 is the weight decay: L2/2 * ||W||^2 summed over every weight (not
	// the biases) is added to the minibatch's mean loss, so its gradient
	// adds L2*W whatever the batch size (PyTorch's weight_decay, coupled
	// with Adam like scikit-learn's, not AdamW). To match scikit-learn:
	// MLPClassifier's alpha with batch_size b is L2 = alpha/b, and
	// LogisticRegression's C on n rows is L2 = 1/(C*n).
	L2   float64 `json:"l2"`
	Seed uint64  `json:"seed"` // seeds the weight initialisation
}

// Activation and optimizer names.
const (
	ReLU    = "relu"
	Tanh    = "tanh"
	Sigmoid = "sigmoid"
	Adam    = "adam"
	SGD     = "sgd"
)

// resolved returns c with defaults filled in and Classes normalised. It does
// not validate.
func (c Config) resolved() Config {
	if c.Activation == "" {
		c.Activation = ReLU
	}
	if c.Optimizer == "" {
		c.Optimizer = Adam
	}
	switch c.Task {
	case task.Binary:
		if c.Classes == 0 {
			c.Classes = 2
		}
	case task.Regression:
		c.Classes = 0
	}
	c.Hidden = append([]int{}, c.Hidden...) // a copy; [] rather than null in JSON
	return c
}

// Validate reports the first problem with c as a *dserr.Error with code
// dserr.InvalidArgument whose argument names the SQL parameter, e.g.
// "hidden: layer size must be >= 1, got 0". The function name is left empty
// for the caller (the SQL function) to fill in.
func (c Config) Validate() error {
	switch c.Task {
	case task.Binary:
		if c.Classes != 0 && c.Classes != 2 {
			return dserr.Arg("", "classes", "a binary task has 2 classes, got %d", c.Classes)
		}
	case task.Multiclass:
		if c.Classes < 3 {
			return dserr.Arg("", "classes", "a multiclass task needs >= 3 classes, got %d (use the binary task for two)", c.Classes)
		}
	case task.Regression:
	default:
		return dserr.Arg("", "task", "unknown task %d", int(c.Task))
	}
	if c.Inputs < 1 {
		return dserr.Arg("", "inputs", "must be >= 1, got %d", c.Inputs)
	}
	for _, h := range c.Hidden {
		if h < 1 {
			return dserr.Arg("", "hidden", "layer size must be >= 1, got %d", h)
		}
	}
	switch c.Activation {
	case "", ReLU, Tanh, Sigmoid:
	default:
		return dserr.Arg("", "activation", "unknown activation %q (want relu, tanh or sigmoid)", c.Activation)
	}
	switch c.Optimizer {
	case "", Adam, SGD:
	default:
		return dserr.Arg("", "optimizer", "unknown optimizer %q (want adam or sgd)", c.Optimizer)
	}
	if !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 1) {
		return dserr.Arg("", "learning_rate", "must be > 0 and finite, got %v", c.LearningRate)
	}
	if !(c.L2 >= 0) || math.IsInf(c.L2, 1) {
		return dserr.Arg("", "l2", "must be >= 0 and finite, got %v", c.L2)
	}
	return nil
}
