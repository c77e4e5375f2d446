package task

import (
	"encoding/json"
	"testing"
)

// Every task reads back from its text, as JSON too, and the text is the
// one stored models and model files hold.
func TestTextRoundTrip(t *testing.T) {
	want := map[Task]string{None: "", Auto: "auto", Binary: "binary", Multiclass: "multiclass", Regression: "regression", Segmentation: "segmentation"}
	for tk, text := range want {
		b, err := tk.MarshalText()
		if err != nil || string(b) != text || tk.String() != text {
			t.Errorf("%d: text %q (%v), String %q, want %q", uint8(tk), b, err, tk.String(), text)
		}
		var back Task = 99
		if err := back.UnmarshalText(b); err != nil || back != tk {
			t.Errorf("%q: round trip gave %v, %v", text, back, err)
		}
		j, err := json.Marshal(struct {
			Task Task `json:"task"`
		}{tk})
		if err != nil || string(j) != `{"task":"`+text+`"}` {
			t.Errorf("%q: JSON %s, %v", text, j, err)
		}
		var v struct {
			Task Task `json:"task"`
		}
		if err := json.Unmarshal(j, &v); err != nil || v.Task != tk {
			t.Errorf("%s: JSON read back as %v, %v", j, v.Task, err)
		}
	}
}

func TestUnknown(t *testing.T) {
	if _, err := Task(7).MarshalText(); err == nil {
		t.Errorf("marshalling Task(7) succeeded")
	}
	if s := Task(7).String(); s != "Task(7)" {
		t.Errorf("Task(7) prints %q", s)
	}
	for _, s := range []string{"ranking", "Binary", " binary", "clustering"} {
		var x Task
		if err := x.UnmarshalText([]byte(s)); err == nil {
			t.Errorf("unmarshalling %q succeeded", s)
		}
		if _, err := Parse(s); err == nil || err.Error() != `unknown task "`+s+`" (want binary, multiclass, regression or segmentation)` {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
	var v struct {
		Task Task `json:"task"`
	}
	if err := json.Unmarshal([]byte(`{"task":"ranking"}`), &v); err == nil {
		t.Errorf("JSON with an unknown task decoded")
	}
	if !Binary.Classification() || !Multiclass.Classification() || Regression.Classification() || Auto.Classification() {
		t.Errorf("Classification")
	}
}
