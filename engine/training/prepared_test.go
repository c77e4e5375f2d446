package training

import (
	"context"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Trainings on one Prepared give the documents Train gives with the same
// options, bit for bit, whatever ran on it before; a warm start from the
// previous solution reaches the same optimum in fewer iterations; options
// of other data are refused.
func TestPreparedTrainsAsTrain(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := makeSource(t, mem, 9000, 1000, mixedColumns())
	defer src.Release()
	ctx := context.Background()
	base := Options{Label: "y", Seed: new(int64(3))}
	p, err := Prepare(ctx, src, base)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Free()
	variants := []Options{
		{Label: "y", Seed: new(int64(3)), L2: new(1e-3)},
		{Label: "y", Seed: new(int64(3)), L2: new(1e-5)},
		{Label: "y", Seed: new(int64(3)), Hidden: []int{4}, Epochs: 3},
		{Label: "y", Seed: new(int64(3))},
	}
	for i, o := range variants {
		got, err := p.Train(ctx, o, nil)
		if err != nil {
			t.Fatalf("variant %d: %v", i, err)
		}
		want, err := Train(ctx, src, o)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := MarshalDocument(got.Doc)
		b, _ := MarshalDocument(want.Doc)
		if string(a) != string(b) {
			t.Errorf("variant %d: the Prepared's document differs from Train's", i)
		}
	}
	// A warm start from the l2 = 1e-3 optimum, for l2 = 1.1e-3.
	cold, err := p.Train(ctx, Options{Label: "y", Seed: new(int64(3)), L2: new(1.1e-3)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := p.Train(ctx, variants[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	warm, err := p.Train(ctx, Options{Label: "y", Seed: new(int64(3)), L2: new(1.1e-3)}, &prev.Doc.Network)
	if err != nil {
		t.Fatal(err)
	}
	if warm.Doc.Metrics.EpochsRun >= cold.Doc.Metrics.EpochsRun {
		t.Errorf("warm start ran %d iterations, cold %d", warm.Doc.Metrics.EpochsRun, cold.Doc.Metrics.EpochsRun)
	}
	if d := math.Abs(warm.Doc.Metrics.TrainLoss - cold.Doc.Metrics.TrainLoss); d > 1e-9 {
		t.Errorf("warm start's loss %v, cold %v", warm.Doc.Metrics.TrainLoss, cold.Doc.Metrics.TrainLoss)
	}
	if _, err := p.Train(ctx, Options{Label: "y", Seed: new(int64(4))}, nil); err == nil {
		t.Error("a Prepared trained with another seed")
	}
}
