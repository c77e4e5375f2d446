package trees

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/task"
)

// Data is a set of rows to train or validate on.
type Data struct {
	// Columns describes the columns of X; a validation set must have
	// the training set's.
	Columns []Column
	// X holds the columns, column-major (X[j][r]), as the package doc
	// describes: NaN for missing, categorical codes 0..len(Levels).
	X [][]float64
	// Y is the label: 0 or 1 for binary, the class 0..K-1 for
	// multiclass, a finite number for regression.
	Y []float64
	// W holds the non-negative row weights; nil weighs every row 1.
	W []float64
	// N is the number of rows.
	N int
}

// Round is the record of one boosting round.
type Round struct {
	// Round counts from 1.
	Round int
	// TrainLoss is the weighted mean loss on the training rows after the
	// round: log loss (binary), cross-entropy (multiclass) or squared
	// error (regression).
	TrainLoss float64
	// ValidLoss is the same loss on the validation rows, NaN without
	// them.
	ValidLoss float64
	// ValidMetric is the validation AUC (binary, weighted), accuracy
	// (multiclass) or RMSE (regression), NaN without validation rows.
	ValidMetric float64
	// Seconds is the time since training started.
	Seconds float64
}

// gradBlock is the number of rows of one block of the gradient pass; the
// loss is summed per block and the blocks in order, so it does not depend
// on the number of goroutines.
const gradBlock = 1 << 14

// hessMin keeps a hessian positive (XGBoost's kRtEps guard of log loss).
const hessMin = 1e-16

func (d *Data) check(name string, cfg *Config, cols []Column) error {
	if d.N < 0 || len(d.X) != len(cols) {
		return fmt.Errorf("%s: %d columns for %d", name, len(d.X), len(cols))
	}
	for j, x := range d.X {
		if len(x) < d.N {
			return fmt.Errorf("%s: column %q has %d values for %d rows", name, cols[j].Name, len(x), d.N)
		}
	}
	if len(d.Y) < d.N || (d.W != nil && len(d.W) < d.N) {
		return fmt.Errorf("%s: %d labels and %d weights for %d rows", name, len(d.Y), len(d.W), d.N)
	}
	for r := 0; r < d.N; r++ {
		y := d.Y[r]
		switch cfg.Task {
		case task.Binary:
			if y != 0 && y != 1 {
				return fmt.Errorf("%s: row %d: label %g, want 0 or 1", name, r, y)
			}
		case task.Multiclass:
			if !(y >= 0 && y < float64(cfg.K)) || y != math.Trunc(y) {
				return fmt.Errorf("%s: row %d: label %g, want a class 0..%d", name, r, y, cfg.K-1)
			}
		default:
			if !finite(y) {
				return fmt.Errorf("%s: row %d: label %g is not finite", name, r, y)
			}
		}
		if d.W != nil {
			if w := d.W[r]; !finite(w) || w < 0 {
				return fmt.Errorf("%s: row %d: weight %g, want a finite number >= 0", name, r, w)
			}
		}
	}
	return nil
}

func (d *Data) weight(r int) float64 {
	if d.W == nil {
		return 1
	}
	return d.W[r]
}

// Train grows a boosted ensemble on train with the hyper-parameters cfg,
// as XGBoost's hist method does: the columns are binned once (see the
// package doc), each tree grows depth-wise from gradient and hessian
// histograms (the smaller child's built, the larger's by subtraction from
// its parent), splits maximise
//
//	1/2 (G_L^2/(H_L+l2) + G_R^2/(H_R+l2) - G^2/(H+l2)) - min_split_gain
//
// with missing values sent the way that gains most, and leaves hold
// -G/(H+l2) * learning_rate.
//
// valid, when not nil, is scored after every round (Round.ValidLoss and
// ValidMetric); with cfg.EarlyStopping, training stops when its loss has
// not improved for cfg.Patience rounds and the model keeps the best
// rounds. progress, when not nil, is called after every round. Train
// returns the model and the record of every round trained (including the
// rounds after the best when it stopped early).
//
// Train reads train.X only to bin it, before the first tree: a caller
// that keeps no other reference to those columns lets them be collected
// while the trees grow (the binned matrix takes an eighth of their
// memory). valid.X is read every round.
//
// The model is bit-identical for the same inputs and cfg whatever
// GOMAXPROCS is. Train returns ctx's error soon after ctx is cancelled; its
// other errors are plain errors about the data or, for bad
// hyper-parameters, a *ConfigError.
func Train(ctx context.Context, cfg Config, train Data, valid *Data, progress func(Round)) (*Model, []Round, error) {
	start := time.Now()
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	cols := train.Columns
	if len(cols) == 0 {
		return nil, nil, fmt.Errorf("no columns")
	}
	for j, c := range cols {
		if c.Kind != Numeric && c.Kind != Categorical {
			return nil, nil, fmt.Errorf("column %d (%q): unknown kind %q", j, c.Name, c.Kind)
		}
	}
	if train.N < 1 {
		return nil, nil, fmt.Errorf("no training rows")
	}
	if train.N > math.MaxInt32 {
		return nil, nil, fmt.Errorf("%d training rows, at most %d", train.N, math.MaxInt32)
	}
	if err := train.check("training data", &cfg, cols); err != nil {
		return nil, nil, err
	}
	if valid != nil {
		if err := valid.check("validation data", &cfg, cols); err != nil {
			return nil, nil, err
		}
		if valid.N == 0 {
			valid = nil
		}
	}
	if cfg.EarlyStopping && valid == nil {
		return nil, nil, &ConfigError{Arg: "patience", Msg: "early stopping needs validation rows"}
	}
	k := 1
	if cfg.Task == task.Multiclass {
		k = cfg.K
	}
	n := train.N
	m := &Model{Columns: cols, K: k, Base: baseScore(&cfg, &train, k)}

	bd, err := binData(ctx, cols, train.X, n, cfg.MaxBins, cfg.Seed)
	if err != nil {
		return nil, nil, err
	}
	// The trees read the bins only: without this reference the values
	// can be collected while the trees grow, when the caller keeps none.
	train.X = nil
	g := newGrower(&cfg, bd, cols, n)

	f := make([]float64, n*k)
	for r := 0; r < n; r++ {
		copy(f[r*k:(r+1)*k], m.Base)
	}
	var fv, vbuf []float64
	if valid != nil {
		fv, vbuf = make([]float64, valid.N*k), make([]float64, valid.N)
		for r := 0; r < valid.N; r++ {
			copy(fv[r*k:(r+1)*k], m.Base)
		}
	}
	gp := make([][]gpair, k)
	for c := range gp {
		gp[c] = make([]gpair, n)
	}
	if _, err := gradients(ctx, &cfg, &train, k, f, gp); err != nil {
		return nil, nil, err
	}
	p := len(cols)
	nfeat := max(1, int(cfg.Colsample*float64(p)))
	perm := make([]int, p)
	inTree := make([]bool, n)
	var rounds []Round
	best, bestLoss := 0, math.Inf(1)
	for round := 0; round < cfg.Rounds; round++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		// The round's rows.
		mrows := 0
		if cfg.Subsample < 1 {
			limit := uint64(cfg.Subsample * (1 << 63))
			s := mix(cfg.Seed ^ mix(uint64(round)+0x632be59bd9b4e019))
			for r := 0; r < n; r++ {
				in := mix(s+uint64(r))>>1 < limit
				inTree[r] = in
				if in {
					g.rows[mrows] = int32(r)
					mrows++
				}
			}
		} else {
			for r := 0; r < n; r++ {
				g.rows[r] = int32(r)
			}
			mrows = n
		}
		for c := 0; c < k; c++ {
			feats := chooseColumns(cfg.Seed, round*k+c, nfeat, perm)
			if c > 0 && cfg.Subsample < 1 {
				// The grower reordered the rows: restore them.
				mrows = 0
				for r := 0; r < n; r++ {
					if inTree[r] {
						g.rows[mrows] = int32(r)
						mrows++
					}
				}
			} else if c > 0 {
				for r := 0; r < n; r++ {
					g.rows[r] = int32(r)
				}
			}
			gt, err := g.grow(ctx, mrows, gp[c], feats)
			if err != nil {
				return nil, nil, err
			}
			if cfg.Task == task.Binary {
				gt.countPositives(g.rows, train.Y)
			}
			m.Trees = append(m.Trees, gt.tree)
			if err := g.update(ctx, gt, f, k, c, mrows, inTree, cfg.Subsample < 1); err != nil {
				return nil, nil, err
			}
			if valid != nil {
				// The new tree compiled alone scores the validation
				// rows across the cores (its values added to 0 first,
				// so fv gets exactly the tree's leaf values).
				one := Model{Columns: cols, K: 1, Base: []float64{0}, Trees: m.Trees[len(m.Trees)-1:]}
				NewScorer(&one).PredictRaw(valid.X, valid.N, vbuf)
				for r, v := range vbuf {
					fv[r*k+c] += v
				}
			}
		}
		loss, err := gradients(ctx, &cfg, &train, k, f, gp)
		if err != nil {
			return nil, nil, err
		}
		rd := Round{Round: round + 1, TrainLoss: loss, ValidLoss: math.NaN(), ValidMetric: math.NaN()}
		if valid != nil {
			rd.ValidLoss, rd.ValidMetric = evaluate(&cfg, valid, k, fv)
		}
		rd.Seconds = time.Since(start).Seconds()
		rounds = append(rounds, rd)
		if progress != nil {
			progress(rd)
		}
		if valid != nil && rd.ValidLoss < bestLoss {
			best, bestLoss = round+1, rd.ValidLoss
		}
		if cfg.EarlyStopping && round+1-best >= cfg.Patience {
			break
		}
	}
	if cfg.EarlyStopping && best > 0 {
		m.Trees = m.Trees[:best*k]
	}
	return m, rounds, nil
}

// chooseColumns returns, ascending, nfeat of the len(perm) columns drawn
// with the seed for tree t (all of them when nfeat is len(perm)).
func chooseColumns(seed uint64, t, nfeat int, perm []int) []int {
	for j := range perm {
		perm[j] = j
	}
	if nfeat < len(perm) {
		rng := rand.New(rand.NewPCG(seed, mix(uint64(t)+0x2545f4914f6cdd1d)))
		for i := 0; i < nfeat; i++ {
			s := i + rng.IntN(len(perm)-i)
			perm[i], perm[s] = perm[s], perm[i]
		}
	}
	feats := append([]int(nil), perm[:nfeat]...)
	slices.Sort(feats)
	return feats
}

// update adds the tree's leaf values to output c of the raw scores f: the
// grown rows by their leaves, the rows left out of the round (sampled
// out) by walking the tree over their bins. The grown rows are split
// among goroutines by row number, not by leaf (a leaf's rows are spread
// over all of f, so two goroutines writing two leaves would keep taking
// the same cache lines from each other): each goroutine takes a block of
// rows and, in every leaf, the rows of its block (a leaf's rows are
// ascending).
func (g *grower) update(ctx context.Context, gt *grownTree, f []float64, k, c, mrows int, inTree []bool, sampled bool) error {
	n := len(f) / k
	err := parallel(ctx, (n+gradBlock-1)/gradBlock, func(b int) {
		lo, hi := int32(b*gradBlock), int32(min(n, (b+1)*gradBlock))
		for _, l := range gt.leaves {
			rows := g.rows[l.start:l.end]
			i, _ := slices.BinarySearch(rows, lo)
			for _, r := range rows[i:] {
				if r >= hi {
					break
				}
				f[int(r)*k+c] += l.value
			}
		}
	})
	if err != nil || !sampled {
		return err
	}
	t := &gt.tree
	return parallel(ctx, (n+gradBlock-1)/gradBlock, func(b int) {
		for r := b * gradBlock; r < min(n, (b+1)*gradBlock); r++ {
			if inTree[r] {
				continue
			}
			i := 0
			for !t.IsLeaf(i) {
				if gt.goLeft[i][g.bd.bins[t.Feature[i]][r]] {
					i = int(t.Left[i])
				} else {
					i = int(t.Right[i])
				}
			}
			f[r*k+c] += t.Value[i]
		}
	})
}

// baseScore is each output's starting raw score: the log-odds of the
// weighted positive rate (binary), the log of each class's weighted prior
// (multiclass), the weighted mean label (regression). Rates are kept in
// [1e-7, 1-1e-7] so the scores stay finite.
func baseScore(cfg *Config, d *Data, k int) []float64 {
	clamp := func(p float64) float64 { return min(max(p, 1e-7), 1-1e-7) }
	sw := 0.0
	for r := 0; r < d.N; r++ {
		sw += d.weight(r)
	}
	base := make([]float64, k)
	if sw == 0 {
		return base
	}
	switch cfg.Task {
	case task.Binary:
		pos := 0.0
		for r := 0; r < d.N; r++ {
			pos += d.weight(r) * d.Y[r]
		}
		p := clamp(pos / sw)
		base[0] = math.Log(p / (1 - p))
	case task.Multiclass:
		cw := make([]float64, k)
		for r := 0; r < d.N; r++ {
			cw[int(d.Y[r])] += d.weight(r)
		}
		for c := range base {
			base[c] = math.Log(clamp(cw[c] / sw))
		}
	default:
		s := 0.0
		for r := 0; r < d.N; r++ {
			s += d.weight(r) * d.Y[r]
		}
		base[0] = s / sw
	}
	return base
}

// gradients writes the gradient pairs of every row and output at the raw
// scores f into gp and returns the weighted mean loss at f.
func gradients(ctx context.Context, cfg *Config, d *Data, k int, f []float64, gp [][]gpair) (float64, error) {
	n := d.N
	blocks := (n + gradBlock - 1) / gradBlock
	part := make([]float64, 2*blocks)
	err := parallel(ctx, blocks, func(b int) {
		var loss, sw float64
		lo, hi := b*gradBlock, min(n, (b+1)*gradBlock)
		if cfg.Task == task.Binary && d.W == nil {
			loss, sw = binaryGradients(f[lo:hi], d.Y[lo:hi], gp[0][lo:hi])
			part[2*b], part[2*b+1] = loss, sw
			return
		}
		for r := lo; r < hi; r++ {
			w := d.weight(r)
			l := rowGradient(cfg.Task, k, f[r*k:(r+1)*k], d.Y[r], w, gp, r)
			loss += w * l
			sw += w
		}
		part[2*b], part[2*b+1] = loss, sw
	})
	if err != nil {
		return 0, err
	}
	var loss, sw float64
	for b := 0; b < blocks; b++ {
		loss += part[2*b]
		sw += part[2*b+1]
	}
	return loss / sw, nil
}

// binaryGradients is rowGradient's binary case for unweighted rows, in
// one loop: it writes the gradient pairs at f into gp and returns the
// sum of the losses and the number of rows. The loss of a row is
// log(1+e) + max(z,0) - y z with e = exp(-|z|); the sum of the log(1+e)
// terms is taken as the log of their product (each factor is in (1, 2], so
// 512 of them cannot overflow), one logarithm per 512 rows.
func binaryGradients(f, y []float64, gp []gpair) (loss, n float64) {
	y = y[:len(f)]
	gp = gp[:len(f)]
	prod, logs := 1.0, 0.0
	for r, z := range f {
		e := math.Exp(-math.Abs(z))
		p := 1 / (1 + e)
		q := e * p // the smaller of the two probabilities
		h := max(p*q, hessMin)
		if z < 0 {
			p = q
		}
		gp[r] = gpair{p - y[r], h}
		prod *= 1 + e
		loss += max(z, 0) - y[r]*z
		if r%512 == 511 {
			logs += math.Log(prod)
			prod = 1
		}
	}
	return loss + logs + math.Log(prod), float64(len(f))
}

// rowGradient writes row r's gradient pairs (weighted by w) at raw scores
// f into gp[c][r] when gp is not nil and returns the row's unweighted loss.
func rowGradient(t task.Task, k int, f []float64, y, w float64, gp [][]gpair, r int) float64 {
	switch t {
	case task.Binary:
		z := f[0]
		e := math.Exp(-math.Abs(z))
		p := 1 / (1 + e)
		q := e * p // the smaller of the two probabilities
		h := max(p*q, hessMin)
		if z < 0 {
			p = q
		}
		if gp != nil {
			gp[0][r] = gpair{(p - y) * w, h * w}
		}
		return math.Log(1+e) + max(z, 0) - y*z
	case task.Multiclass:
		mx := f[0]
		for _, z := range f[1:] {
			mx = max(mx, z)
		}
		s := 0.0
		for _, z := range f {
			s += math.Exp(z - mx)
		}
		if gp != nil {
			for c, z := range f {
				p := math.Exp(z-mx) / s
				yc := 0.0
				if c == int(y) {
					yc = 1
				}
				gp[c][r] = gpair{(p - yc) * w, max(p*(1-p), hessMin) * w}
			}
		}
		return math.Log(s) + mx - f[int(y)]
	default:
		dz := f[0] - y
		if gp != nil {
			gp[0][r] = gpair{dz * w, w}
		}
		return dz * dz
	}
}

// evaluate returns the weighted mean loss and the metric of the raw
// scores f of the validation rows d.
func evaluate(cfg *Config, d *Data, k int, f []float64) (loss, metric float64) {
	sw := 0.0
	for r := 0; r < d.N; r++ {
		w := d.weight(r)
		loss += w * rowGradient(cfg.Task, k, f[r*k:(r+1)*k], d.Y[r], w, nil, r)
		sw += w
	}
	loss /= sw
	switch cfg.Task {
	case task.Binary:
		var w []float64
		if d.W != nil {
			w = d.W[:d.N]
		}
		metric = metrics.AUC(f[:d.N], d.Y[:d.N], w)
	case task.Multiclass:
		pred, y := make([]int, d.N), make([]int, d.N)
		for r := range pred {
			row := f[r*k : (r+1)*k]
			for c := range row {
				if row[c] > row[pred[r]] {
					pred[r] = c
				}
			}
			y[r] = int(d.Y[r])
		}
		metric = metrics.Accuracy(pred, y)
	default:
		metric = metrics.RMSE(f[:d.N], d.Y[:d.N])
	}
	return loss, metric
}
