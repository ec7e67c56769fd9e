package cli

import "context"

// cmdExplore opens the explorer. Until the interactive explorer lands it
// prints the `run` summary of the scenario.
func cmdExplore(ctx context.Context, args []string, std stdio) int {
	return cmdRun(ctx, args, std)
}
