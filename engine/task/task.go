package task

import "fmt"

// Task is what a model predicts, or, as a training option, what the
// caller asks for. Its zero value is None.
type Task uint8

const (
	// None is the zero value: no task given. As a training option it
	// means the default, Auto; no model has it.
	None Task = iota
	// Auto asks training to choose the task from the label's values.
	Auto
	// Binary is two-class classification: a probability of the positive
	// class.
	Binary
	// Multiclass is classification into three or more classes (or two,
	// when asked for): a probability per class.
	Multiclass
	// Regression predicts a number.
	Regression
	// Segmentation assigns rows to segments (kmeans models); it has no
	// label.
	Segmentation
)

var names = [...]string{None: "", Auto: "auto", Binary: "binary", Multiclass: "multiclass", Regression: "regression", Segmentation: "segmentation"}

// String returns the task's text: "", "auto", "binary", "multiclass",
// "regression" or "segmentation"; a value that is no task prints as
// "Task(n)".
func (t Task) String() string {
	if int(t) < len(names) {
		return names[t]
	}
	return fmt.Sprintf("Task(%d)", uint8(t))
}

// Valid reports whether t is one of the named values.
func (t Task) Valid() bool { return int(t) < len(names) }

// Classification reports whether t is Binary or Multiclass.
func (t Task) Classification() bool { return t == Binary || t == Multiclass }

// Parse returns the task whose text (String) is s, exactly as written
// (no case folding); any other text is an error.
func Parse(s string) (Task, error) {
	for t, name := range names {
		if s == name {
			return Task(t), nil
		}
	}
	return None, fmt.Errorf("unknown task %q (want binary, multiclass, regression or segmentation)", s)
}

// MarshalText writes the task's text; a value that is no task is an
// error.
func (t Task) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("cannot marshal unknown %v", t)
	}
	return []byte(names[t]), nil
}

// UnmarshalText reads a task written by MarshalText (see Parse).
func (t *Task) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
