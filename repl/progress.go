package repl

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"
)

// Progress is one report of long work inside a statement: a training
// epoch (or a boosting round).
type Progress struct {
	// Unit names what Epoch counts: "epoch" (the default when empty) or
	// "round" (boosted trees).
	Unit   string
	Epoch  int // epochs done
	Epochs int // most epochs the run may take (early stopping may end it sooner); 0 unknown
	// TrainLoss, ValidLoss and Metric after the epoch; NaN when there is
	// none (no validation rows).
	TrainLoss, ValidLoss, Metric float64
	MetricName                   string // "AUC", "accuracy", "RMSE" or ""
	Elapsed                      time.Duration
}

// ProgressHook puts report into a context, so that long work of a
// statement run with that context reports to it (main wires it to
// engine.WithProgress).
type ProgressHook func(ctx context.Context, report func(Progress)) context.Context

// progressLine draws a live progress line on a terminal (stderr) and clears
// it when the statement ends; nothing of it reaches a pipe or a file,
// because it is only used when stderr is a terminal.
type progressLine struct {
	w     io.Writer
	mu    sync.Mutex
	shown bool
	last  time.Time
}

// report draws p, at most ten times a second (the last epoch always).
func (l *progressLine) report(p Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.shown && now.Sub(l.last) < 100*time.Millisecond && (p.Epochs == 0 || p.Epoch < p.Epochs) {
		return
	}
	l.last = now
	l.shown = true
	fmt.Fprintf(l.w, "\r\x1b[K%s", formatProgress(p))
}

// clear removes the line, if one is shown.
func (l *progressLine) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.shown {
		fmt.Fprint(l.w, "\r\x1b[K")
		l.shown = false
	}
}

// formatProgress is the text of the line: "training: epoch 3/50  loss
// 0.4123  valid loss 0.4011  AUC 0.8123  ETA 12s".
func formatProgress(p Progress) string {
	var b strings.Builder
	unit := p.Unit
	if unit == "" {
		unit = "epoch"
	}
	b.WriteString("training: " + unit + " ")
	fmt.Fprint(&b, p.Epoch)
	if p.Epochs > 0 {
		fmt.Fprintf(&b, "/%d", p.Epochs)
	}
	if !math.IsNaN(p.TrainLoss) {
		fmt.Fprintf(&b, "  loss %.4f", p.TrainLoss)
	}
	if !math.IsNaN(p.ValidLoss) {
		fmt.Fprintf(&b, "  valid loss %.4f", p.ValidLoss)
	}
	if !math.IsNaN(p.Metric) {
		name := p.MetricName
		if name == "" {
			name = "metric"
		}
		fmt.Fprintf(&b, "  %s %.4f", name, p.Metric)
	}
	if p.Epochs > p.Epoch && p.Epoch > 0 && p.Elapsed > 0 {
		eta := p.Elapsed / time.Duration(p.Epoch) * time.Duration(p.Epochs-p.Epoch)
		fmt.Fprintf(&b, "  ETA %s", eta.Round(time.Second))
	}
	return b.String()
}
