package perceptron

import (
	"errors"
	"testing"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
)

func validConfig() Config {
	return Config{Task: task.Binary, Inputs: 4, Hidden: []int{8}, LearningRate: 0.01}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		want string // "" = valid
	}{
		{"valid", func(c *Config) {}, ""},
		{"valid multiclass", func(c *Config) { c.Task, c.Classes = task.Multiclass, 3 }, ""},
		{"valid regression ignores classes", func(c *Config) { c.Task, c.Classes = task.Regression, 7 }, ""},
		{"valid binary with 2 classes", func(c *Config) { c.Classes = 2 }, ""},
		{"valid no hidden", func(c *Config) { c.Hidden = nil }, ""},
		{"valid tanh sgd", func(c *Config) { c.Activation, c.Optimizer = "tanh", "sgd" }, ""},
		{"hidden zero", func(c *Config) { c.Hidden = []int{16, 0} }, "hidden: layer size must be >= 1, got 0"},
		{"inputs", func(c *Config) { c.Inputs = 0 }, "inputs: must be >= 1, got 0"},
		{"learning rate zero", func(c *Config) { c.LearningRate = 0 }, "learning_rate: must be > 0 and finite, got 0"},
		{"learning rate negative", func(c *Config) { c.LearningRate = -1 }, "learning_rate: must be > 0 and finite, got -1"},
		{"l2 negative", func(c *Config) { c.L2 = -0.5 }, "l2: must be >= 0 and finite, got -0.5"},
		{"activation", func(c *Config) { c.Activation = "gelu" }, `activation: unknown activation "gelu" (want relu, tanh or sigmoid)`},
		{"optimizer", func(c *Config) { c.Optimizer = "rmsprop" }, `optimizer: unknown optimizer "rmsprop" (want adam or sgd)`},
		{"multiclass 2", func(c *Config) { c.Task, c.Classes = task.Multiclass, 2 }, "classes: a multiclass task needs >= 3 classes, got 2 (use the binary task for two)"},
		{"binary 3", func(c *Config) { c.Classes = 3 }, "classes: a binary task has 2 classes, got 3"},
		{"task", func(c *Config) { c.Task = 9 }, "task: unknown task 9"},
	}
	for _, tc := range cases {
		c := validConfig()
		tc.edit(&c)
		err := c.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.want != "" && err == nil:
			t.Errorf("%s: no error, want %q", tc.name, tc.want)
		case tc.want != "" && err.Error() != tc.want:
			t.Errorf("%s: error %q, want %q", tc.name, err, tc.want)
		case tc.want != "" && !errors.Is(err, dserr.InvalidArgument):
			t.Errorf("%s: error %v is not dserr.InvalidArgument", tc.name, err)
		}
		if _, nerr := New(c); (nerr == nil) != (err == nil) {
			t.Errorf("%s: New error %v disagrees with Validate %v", tc.name, nerr, err)
		}
	}
}

func TestNewResolvesDefaults(t *testing.T) {
	m := mustNew(Config{Task: task.Binary, Inputs: 3, LearningRate: 0.1})
	c := m.Config
	if c.Activation != ReLU || c.Optimizer != Adam || c.Classes != 2 {
		t.Errorf("resolved config %+v, want relu, adam, 2 classes", c)
	}
	r := mustNew(Config{Task: task.Regression, Inputs: 3, Classes: 5, LearningRate: 0.1})
	if r.Config.Classes != 0 {
		t.Errorf("regression keeps Classes = %d, want 0", r.Config.Classes)
	}
	// The model does not share the caller's Hidden slice.
	h := []int{4}
	mh := mustNew(Config{Task: task.Binary, Inputs: 3, Hidden: h, LearningRate: 0.1})
	h[0] = 99
	if mh.Config.Hidden[0] != 4 {
		t.Errorf("model's Hidden aliases the caller's slice")
	}
}
