package tuning

// primes are the Halton bases, one per dimension: the first dimension
// (the first parameter by name) takes base 2, the next 3, and so on.
var primes = [...]uint64{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71}

// MaxDims is the most parameters a Space may search: the number of Halton
// bases. Every kind has fewer parameters.
const MaxDims = len(primes)

// splitmix64 is Steele, Lea and Flood's SplitMix64 step: it advances
// *state and returns the next 64 random bits.
func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// fnv64 is the FNV-1a hash of s.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// scramble is one dimension's randomisation: a permutation of the base's
// digits that keeps 0 (so an index's finitely many digits stay finitely
// many) and a Cranley-Patterson shift.
type scramble struct {
	base  uint64
	perm  []uint64
	shift float64
}

// newScramble draws dimension dim's scramble of a space of kind from the
// seed: a random permutation of the digits 1..base-1 (Fisher-Yates) and a
// shift uniform in [0, 1).
func newScramble(seed uint64, kind string, dim int) scramble {
	state := seed ^ fnv64(kind) ^ uint64(dim+1)*0xd1b54a32d192ed03
	base := primes[dim]
	s := scramble{base: base, perm: make([]uint64, base)}
	for i := range s.perm {
		s.perm[i] = uint64(i)
	}
	for i := base - 1; i > 1; i-- {
		j := 1 + splitmix64(&state)%i // in [1, i]
		s.perm[i], s.perm[j] = s.perm[j], s.perm[i]
	}
	s.shift = float64(splitmix64(&state)>>11) / (1 << 53)
	return s
}

// at returns the scrambled, shifted radical inverse of index i: the
// digits of i in the base, permuted, mirrored about the radix point, plus
// the shift modulo 1. The result is in [0, 1).
func (s scramble) at(i uint64) float64 {
	var x float64
	f := 1 / float64(s.base)
	for i > 0 {
		x += float64(s.perm[i%s.base]) * f
		i /= s.base
		f /= float64(s.base)
	}
	x += s.shift
	if x >= 1 {
		x--
	}
	if x >= 1 || x < 0 { // rounding at the edge
		x = 0
	}
	return x
}

// Point returns point i (i >= 0) of the space's quasi-random sequence in
// [0, 1)^len(s.Dims) for seed: a Halton sequence (base 2 for the first
// dimension, 3 for the next, ...) with each dimension's digits scrambled
// by a random permutation and shifted by a random offset modulo 1
// (Cranley-Patterson), both drawn from the seed, the kind and the
// dimension. The points keep the Halton sequence's low discrepancy: the
// first n points fill the cube evenly (in one dimension, the first 2^k
// points put exactly one point in each interval [j/2^k, (j+1)/2^k) turned
// by the shift), and two seeds give different sequences.
func (s Space) Point(i int, seed uint64) []float64 {
	u := make([]float64, len(s.Dims))
	for d := range u {
		u[d] = newScramble(seed, s.Kind, d).at(uint64(i))
	}
	return u
}

// Sample returns configuration i (i >= 0) of the space for seed: each
// parameter's value (Dim.Value) at Point(i, seed), as Fields ordered by
// parameter name, whose Values are int64 (INTEGER), float64 (DOUBLE),
// string (VARCHAR) or []int64 (hidden, a new slice). It depends on the
// space, i and seed only, so trial i's configuration is the same whether
// or not other trials run.
func (s Space) Sample(i int, seed uint64) []Field {
	u := s.Point(i, seed)
	out := make([]Field, len(s.Dims))
	for d, dim := range s.Dims {
		out[d] = Field{Name: dim.Param.Name, Value: dim.Value(u[d])}
	}
	return out
}
