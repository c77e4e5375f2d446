package metrics

// Scratch is the working memory of the functions that order rows by score
// (BinaryReport's average precision, Lift): for n rows, 2n keys and 2n
// values. The caller owns it and chooses where it lives (sqlfuncs takes it
// from engine/bigmem, whose pool hands back pages already mapped: fresh
// memory is slow on some virtual machines); one Scratch serves any number
// of calls, one at a time. A nil *Scratch, or buffers shorter than 2n,
// make the memory on the Go heap instead.
type Scratch struct {
	Keys []uint64
	Vals []float64
}

// NewScratch returns a Scratch on the Go heap large enough for n rows.
func NewScratch(n int) *Scratch {
	return &Scratch{Keys: make([]uint64, 2*n), Vals: make([]float64, 2*n)}
}

// buffers returns 2n keys and 2n values: s's own when they are large
// enough, else new ones.
func (s *Scratch) buffers(n int) ([]uint64, []float64) {
	if s == nil || len(s.Keys) < 2*n || len(s.Vals) < 2*n {
		return make([]uint64, 2*n), make([]float64, 2*n)
	}
	return s.Keys[:2*n], s.Vals[:2*n]
}
