package training

import "context"

type progressKey struct{}

// WithProgress returns a context that carries a progress callback: a
// training run under it (the SQL train_perceptron of a statement run with
// that context, as the ducksight shell does) calls fn after every epoch,
// unless its Options set Progress themselves.
func WithProgress(ctx context.Context, fn func(Epoch)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

// ProgressFrom returns the callback WithProgress put in ctx, or nil.
func ProgressFrom(ctx context.Context) func(Epoch) {
	fn, _ := ctx.Value(progressKey{}).(func(Epoch))
	return fn
}
