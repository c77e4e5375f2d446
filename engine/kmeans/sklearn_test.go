package kmeans

import (
	"context"
	"encoding/json"
	"os"
	"testing"
)

// sklearnGolden is testdata/sklearn.json, written by
// scripts/kmeans_sklearn.py (scikit-learn 1.2.1).
type sklearnGolden struct {
	N, D, K       int
	X, W, Init    []float64
	Truth         []int32
	Tolerance     float64 `json:"tolerance_1e-4"`
	Silhouette    float64
	DaviesBouldin float64 `json:"davies_bouldin"`
	ARITruth      float64 `json:"ari_truth"`
	BestK5        float64 `json:"best_k5_inertia"`
	Fits          []struct {
		Tol       float64
		Weighted  bool
		Centroids []float64
		Inertia   float64
		NIter     int `json:"n_iter"`
		Labels    []int32
	}
}

func loadGolden(t *testing.T) *sklearnGolden {
	t.Helper()
	b, err := os.ReadFile("testdata/sklearn.json")
	if err != nil {
		t.Fatal(err)
	}
	var g sklearnGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// Lloyd from the same initial centroids reaches scikit-learn's centroids,
// inertia, iteration count and labels (to rounding: the sums are added in
// another order).
func TestAgainstScikitLearn(t *testing.T) {
	g := loadGolden(t)
	if got := Tolerance(g.X, g.N, g.D, 1e-4); !near(got, g.Tolerance, 1e-13) {
		t.Errorf("Tolerance %v, scikit-learn %v", got, g.Tolerance)
	}
	for _, f := range g.Fits {
		var w []float64
		if f.Weighted {
			w = g.W
		}
		m, err := FitFrom(context.Background(), g.X, g.N, g.D, w, g.Init, 300, f.Tol)
		if err != nil {
			t.Fatal(err)
		}
		if m.Iter != f.NIter {
			t.Errorf("tol %v weighted %v: %d iterations, scikit-learn %d", f.Tol, f.Weighted, m.Iter, f.NIter)
		}
		for i, v := range f.Centroids {
			if !near(m.Centroids[i], v, 1e-12) {
				t.Fatalf("tol %v weighted %v: centroids %v, scikit-learn %v", f.Tol, f.Weighted, m.Centroids, f.Centroids)
			}
		}
		if !near(m.Inertia, f.Inertia, 1e-12) {
			t.Errorf("tol %v weighted %v: inertia %v, scikit-learn %v", f.Tol, f.Weighted, m.Inertia, f.Inertia)
		}
		labels := make([]int32, g.N)
		m.Assign(g.X, g.N, labels, nil)
		for i := range labels {
			if labels[i] != f.Labels[i] {
				t.Fatalf("tol %v weighted %v: row %d in cluster %d, scikit-learn %d", f.Tol, f.Weighted, i, labels[i], f.Labels[i])
			}
		}
	}
	labels := g.Fits[0].Labels
	if got := Silhouette(g.X, g.N, g.D, labels, g.K); !near(got, g.Silhouette, 1e-13) {
		t.Errorf("silhouette %v, scikit-learn %v", got, g.Silhouette)
	}
	if got := DaviesBouldin(g.X, g.N, g.D, labels, nil, g.K); !near(got, g.DaviesBouldin, 1e-13) {
		t.Errorf("Davies-Bouldin %v, scikit-learn %v", got, g.DaviesBouldin)
	}
	if got := ARI(g.Truth, labels); !near(got, g.ARITruth, 1e-14) {
		t.Errorf("ARI %v, scikit-learn %v", got, g.ARITruth)
	}
	// Ten k-means++ runs find the optimum scikit-learn's ten runs find.
	m, err := Fit(context.Background(), g.X, g.N, g.D, nil, Config{K: 5, NInit: 10, Seed: 0, Tol: DefaultTol})
	if err != nil {
		t.Fatal(err)
	}
	if !near(m.Inertia, g.BestK5, 1e-9) {
		t.Errorf("best inertia of 10 runs, k=5: %v, scikit-learn %v", m.Inertia, g.BestK5)
	}
}
