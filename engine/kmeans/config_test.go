package kmeans

import (
	"errors"
	"math"
	"testing"

	"github.com/ducksight/ducksight/dserr"
)

func TestConfig(t *testing.T) {
	if got := (Config{K: 3}).Defaults(); got != (Config{K: 3, Init: KMeansPlusPlus, NInit: 3, MaxIter: 300}) {
		t.Fatalf("Defaults: %+v", got)
	}
	if got := DefaultConfig(4); got != (Config{K: 4, Init: KMeansPlusPlus, NInit: 3, MaxIter: 300, Tol: 1e-4}) {
		t.Fatalf("DefaultConfig: %+v", got)
	}
	if err := DefaultConfig(1).Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		c    Config
		want string
	}{
		{Config{K: 0}, "k: must be >= 1, got 0"},
		{Config{K: 2, Init: "k-means++"}, `init: unknown method "k-means++" (want kmeans++ or random)`},
		{Config{K: 2, NInit: -1}, "n_init: must be >= 1, got -1"},
		{Config{K: 2, MaxIter: -5}, "max_iter: must be >= 1, got -5"},
		{Config{K: 2, Tol: -1e-3}, "tol: must be a finite number >= 0, got -0.001"},
		{Config{K: 2, Tol: math.NaN()}, "tol: must be a finite number >= 0, got NaN"},
		{Config{K: 2, Tol: math.Inf(1)}, "tol: must be a finite number >= 0, got +Inf"},
	}
	for _, c := range cases {
		err := c.c.Validate()
		if err == nil || err.Error() != c.want || !errors.Is(err, dserr.InvalidArgument) {
			t.Errorf("%+v: %v, want %q", c.c, err, c.want)
		}
	}
}
