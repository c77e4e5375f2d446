package training

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
)

func TestNetworkWeights(t *testing.T) {
	cases := []struct {
		inputs  int
		hidden  []int
		outputs int
		want    int64
	}{
		{10, nil, 1, 11},
		{10, []int{5}, 3, 10*5 + 5 + 5*3 + 3},
		{10000, []int{4096}, 1, 10000*4096 + 4096 + 4096 + 1},
	}
	for _, c := range cases {
		if got := NetworkWeights(c.inputs, c.hidden, c.outputs); got != c.want {
			t.Errorf("NetworkWeights(%d, %v, %d) = %d, want %d", c.inputs, c.hidden, c.outputs, got, c.want)
		}
	}
	if got := thousands(40968193); got != "40,968,193" {
		t.Errorf("thousands: %q", got)
	}
}

// allocated returns the bytes the Go heap allocated while fn ran.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A network too large is refused, naming hidden and its size, before any
// of it is allocated: when the hidden layers alone are too large, before
// the data is read; when the input width makes it too large, right
// after the fitting pass.
func TestNetworkTooLarge(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := wideSource(t, mem, 50, 3000, 1)
	defer src.Release()
	deep := make([]int, 200)
	for i := range deep {
		deep[i] = 4096
	}
	// The counts in the messages: 1*4096+4096 + 199*(4096*4096+4096) +
	// 4096+1 weights; 3000*4096+4096 + 4096+1, 64 bytes each with Adam;
	// 3000*800+800 + 800+1, 56 bytes each with SGD.
	cases := []struct {
		name    string
		o       Options
		streams int   // passes over the data before the error
		weights int64 // of the refused network
		want    string
	}{
		{"200 layers of 4096", Options{Label: "y", Hidden: deep}, 0, NetworkWeights(1, deep, 1),
			"train_perceptron: hidden: the network would have 3,339,493,377 weights (213.7 GB with optimiser state), above the limit of 2,500,000 weights (1 inputs, hidden [4096 4096 4096 ... 4096] (200 layers), 1 output)"},
		{"3000 columns, hidden [4096]", Options{Label: "y", Hidden: []int{4096}}, 1, NetworkWeights(3000, []int{4096}, 1),
			"train_perceptron: hidden: the network would have 12,296,193 weights (787.0 MB with optimiser state), above the limit of 2,500,000 weights (3,000 inputs, hidden [4096], 1 output)"},
		{"memory_limit", Options{Label: "y", Hidden: []int{800}, MemoryLimit: "100MB", Optimizer: "sgd"}, 1, NetworkWeights(3000, []int{800}, 1),
			"train_perceptron: hidden: the network would have 2,401,601 weights (134.5 MB with optimiser state), above memory_limit 100.0 MB (3,000 inputs, hidden [800], 1 output)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src.Streams = 0
			var err error
			alloc := allocated(func() { _, err = Train(context.Background(), src, c.o) })
			if !errors.Is(err, dserr.InvalidArgument) || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error %v\nwant one starting %q", err, c.want)
			}
			if src.Streams != c.streams {
				t.Errorf("%d passes over the data before the error, want %d", src.Streams, c.streams)
			}
			// The network's weights alone are 8 bytes each (with the
			// gradient and optimiser state 5 times that): less than the
			// weight array allocated means the network was not.
			if limit := 8 * uint64(c.weights); alloc > limit {
				t.Errorf("allocated %d bytes before refusing a network of %d weights", alloc, c.weights)
			}
		})
	}
}
