package sim

import (
	"context"
	"sync/atomic"
)

type solveCounterKey struct{}

// CountSolves returns a context under which every theory solve started
// (each predicted limit and each reference asked of SolveReferences) adds
// one to counter. It lets a caller check that a command runs no solve its
// output does not need; carried by the context so that no process-wide
// state is shared between commands or tests running at once.
func CountSolves(ctx context.Context, counter *atomic.Int64) context.Context {
	return context.WithValue(ctx, solveCounterKey{}, counter)
}

func countSolves(ctx context.Context, n int) {
	if ctx == nil {
		return
	}
	if c, ok := ctx.Value(solveCounterKey{}).(*atomic.Int64); ok {
		c.Add(int64(n))
	}
}
