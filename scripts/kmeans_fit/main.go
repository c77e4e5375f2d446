// Command kmeans_fit is the ducksight half of the whole-fit comparison with
// scikit-learn's KMeans (scripts/kmeans_sklearn.py --fit): it makes n x 16
// rows in 8 loose groups, writes them to an .npy file for scikit-learn,
// and times engine/kmeans.FitFrom from the first 8 rows as initial
// centroids with tol 0 and the given max_iter (median of -repeats), then
// prints one JSON line: seconds, iterations, inertia.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/ducksight/ducksight/engine/kmeans"
)

func main() {
	n := flag.Int("n", 1000000, "rows")
	iters := flag.Int("max-iter", 20, "Lloyd iterations (tol 0)")
	repeats := flag.Int("repeats", 3, "fits timed (median)")
	out := flag.String("npy", "kmeans_x.npy", "where to write the rows")
	flag.Parse()
	const d, k = 16, 8
	rng := rand.New(rand.NewPCG(1, 2))
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = rng.Float64()*20 - 10
	}
	x := make([]float64, *n*d)
	for i := 0; i < *n; i++ {
		g := i % k
		for j := 0; j < d; j++ {
			x[i*d+j] = centres[g*d+j] + 3*rng.NormFloat64()
		}
	}
	if err := writeNPY(*out, x, *n, d); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	init := slices.Clone(x[:k*d])
	var times []float64
	var m *kmeans.Model
	for r := 0; r < *repeats; r++ {
		t0 := time.Now()
		var err error
		m, err = kmeans.FitFrom(context.Background(), x, *n, d, nil, init, *iters, 0)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		times = append(times, time.Since(t0).Seconds())
	}
	slices.Sort(times)
	json.NewEncoder(os.Stdout).Encode(map[string]any{"seconds": times[len(times)/2], "iter": m.Iter, "inertia": m.Inertia, "all": times})
}

// writeNPY writes x (n x d float64, row-major) as a NumPy .npy file.
func writeNPY(path string, x []float64, n, d int) error {
	header := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }", n, d)
	pad := 64 - (10+len(header)+1)%64
	header += string(slices.Repeat([]byte{' '}, pad)) + "\n"
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr := []byte("\x93NUMPY\x01\x00")
	hdr = binary.LittleEndian.AppendUint16(hdr, uint16(len(header)))
	hdr = append(hdr, header...)
	if _, err := f.Write(hdr); err != nil {
		return err
	}
	buf := make([]byte, 8*d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			binary.LittleEndian.PutUint64(buf[8*j:], math.Float64bits(x[i*d+j]))
		}
		if _, err := f.Write(buf); err != nil {
			return err
		}
	}
	return nil
}
