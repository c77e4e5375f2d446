package trees

// Gain is the total split gain (loss reduction) of each column of
// m.Columns: the sum of Tree.Gain over the internal nodes of every tree
// that split on it, in tree and node order. A column no tree splits on
// has 0. Nodes whose feature is outside m.Columns (a model that fails
// Validate) are left out.
func (m *Model) Gain() []float64 {
	gain := make([]float64, len(m.Columns))
	for ti := range m.Trees {
		t := &m.Trees[ti]
		for i := range t.Feature {
			if f := int(t.Feature[i]); f >= 0 && f < len(gain) && i < len(t.Gain) && !t.IsLeaf(i) {
				gain[f] += t.Gain[i]
			}
		}
	}
	return gain
}
