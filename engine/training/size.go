package training

import (
	"fmt"
	"strconv"

	"github.com/ducksight/ducksight/engine/dataset"
)

// MaxWeights is the most weights (biases included) a network may have,
// whatever the memory limit: its stored document is about 55-60 MB of
// text, so every network that trains also exports to a file import_model
// reads (at most 64 MiB, store.MaxFileSize).
const MaxWeights = 2_500_000

// Bytes a training holds per weight: the weight, its gradient, its
// optimiser state (SGD's velocity; Adam's two moments) and the best
// epoch's copy, 8 bytes each, and about 24 for its text in the stored
// document. A batch of more than perceptronShard rows adds a gradient per shard
// (perceptron.Trainer computes the shards in parallel).
const (
	docBytesPerWeight = 24
	perceptronShard   = 1024
)

// NetworkWeights returns the number of weights and biases of a network
// with inputs inputs, hidden layers of the sizes hidden and outputs
// outputs.
func NetworkWeights(inputs int, hidden []int, outputs int) int64 {
	var n int64
	in := int64(inputs)
	for _, h := range hidden {
		n += in*int64(h) + int64(h)
		in = int64(h)
	}
	return n + in*int64(outputs) + int64(outputs)
}

// lbfgsCopies is the number of float64 a training with the lbfgs solver
// holds per weight: the weights, the gradient and its sum, the shards'
// gradients of one wave (4*GOMAXPROCS, counted for 8 cores), the point and
// gradient optimize and the objective keep (a few each), and L-BFGS's
// history of 15 steps and gradient changes.
const lbfgsCopies = 3 + 32 + 8 + 2*15

// bytesPerWeight is the memory a training with optimizer ("" with the
// lbfgs solver) and batch size batch holds per weight.
func bytesPerWeight(optimizer string, batch int) int64 {
	if optimizer == "" {
		return lbfgsCopies*8 + docBytesPerWeight
	}
	copies := int64(4) // weight, gradient, SGD velocity or Adam's first moment, best epoch
	if optimizer != "sgd" {
		copies++ // Adam's second moment
	}
	if batch > perceptronShard {
		copies += int64((batch + perceptronShard - 1) / perceptronShard)
	}
	return copies*8 + docBytesPerWeight
}

// checkNetwork refuses a network too large to train: more than MaxWeights
// weights, or more memory than limit (memory_limit). It runs before
// anything of the network is allocated: in Validate with the smallest
// input and output (the hidden layers alone), and again once the fitting
// has given the input width.
func checkNetwork(o *Options, inputs, outputs int, limit int64) error {
	w := NetworkWeights(inputs, o.Hidden, outputs)
	bytes := w * bytesPerWeight(o.Optimizer, o.BatchSize)
	hidden := fmt.Sprint(o.Hidden)
	if h := o.Hidden; len(h) > 6 {
		hidden = fmt.Sprintf("[%d %d %d ... %d] (%d layers)", h[0], h[1], h[2], h[len(h)-1], len(h))
	}
	shape := fmt.Sprintf("%s inputs, hidden %s, %d output", thousands(int64(inputs)), hidden, outputs)
	if outputs != 1 {
		shape += "s"
	}
	if w > MaxWeights {
		return errArg("hidden", "the network would have %s weights (%s with optimiser state), above the limit of %s weights (%s): use fewer or smaller hidden layers, or fewer input columns",
			thousands(w), dataset.FormatSize(bytes), thousands(MaxWeights), shape)
	}
	if bytes > limit {
		return errArg("hidden", "the network would have %s weights (%s with optimiser state), above memory_limit %s (%s): use fewer or smaller hidden layers, or raise memory_limit",
			thousands(w), dataset.FormatSize(bytes), dataset.FormatSize(limit), shape)
	}
	return nil
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}
