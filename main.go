// Command sgdbias is a terminal explorer of the implicit bias of (stochastic)
// gradient methods on diagonal linear networks. See README.md.
package main

import (
	"os"

	"sgdbias/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
