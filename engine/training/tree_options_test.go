package training

import (
	"reflect"
	"testing"

	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/trees"
)

// The options' defaults give the kernel its own defaults, the categorical
// search's (which have no SQL argument) included.
func TestTreeOptionsKernelDefaults(t *testing.T) {
	o := TreeOptions{Label: "y"}
	o.Defaults()
	got := o.kernelConfig(task.Binary, 1)
	want := trees.DefaultConfig(task.Binary)
	want.EarlyStopping, want.Seed = true, uint64(DefaultSeed)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kernel config\n%+v\nwant\n%+v", got, want)
	}
}
