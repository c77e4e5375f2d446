package repl

import (
	"math"
	"testing"
	"time"
)

// A boosted-trees training reports rounds; a perceptron's, epochs (the
// default unit).
func TestFormatProgressUnit(t *testing.T) {
	p := Progress{Unit: "round", Epoch: 12, Epochs: 300, TrainLoss: 0.3, ValidLoss: math.NaN(), Metric: math.NaN(), Elapsed: 12 * time.Second}
	if got, want := formatProgress(p), "training: round 12/300  loss 0.3000"; len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("round progress %q, want it to start %q", got, want)
	}
	p.Unit = ""
	if got, want := formatProgress(p), "training: epoch 12/300"; len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("epoch progress %q, want it to start %q", got, want)
	}
}
