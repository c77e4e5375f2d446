package clustering

import (
	"encoding/binary"
	"math"
)

// distinctRows counts the distinct rows of x (n rows of width w,
// row-major), stopping at limit: k-means cannot make more segments than
// there are distinct points (the extra centroids would stay empty). -0
// and +0 are the same point.
func distinctRows(x []float64, n, w, limit int) int {
	seen := make(map[string]struct{}, min(limit, n))
	key := make([]byte, 8*w)
	for i := 0; i < n && len(seen) < limit; i++ {
		for j, v := range x[i*w : (i+1)*w] {
			binary.LittleEndian.PutUint64(key[8*j:], math.Float64bits(v+0)) // v+0: -0 becomes +0
		}
		if _, ok := seen[string(key)]; !ok {
			seen[string(key)] = struct{}{}
		}
	}
	return len(seen)
}
