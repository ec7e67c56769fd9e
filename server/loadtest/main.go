// Command loadtest puts an sgdbias SSH server under the load of many
// students and prints the frame interval, the key-to-frame latency and the
// server's memory per session:
//
//	sgdbias serve --listen 127.0.0.1:2222 --rate-limit 0 --max-sessions 200 &
//	go run ./server/loadtest -addr 127.0.0.1:2222 -sessions 100 -pid $!
//
// Only point it at a server of your own (it connects with an empty
// password and ignores the host key).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"sgdbias/server/load"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2222", "the server's `ADDRESS`")
	sessions := flag.Int("sessions", 100, "sessions to open")
	duration := flag.Duration("duration", 20*time.Second, "how long to measure once every session is up")
	keyEvery := flag.Duration("key-every", 2*time.Second, "mean time between two key presses of a session")
	width := flag.Int("width", 80, "terminal width")
	height := flag.Int("height", 24, "terminal height")
	ramp := flag.Duration("ramp", 20*time.Millisecond, "pause between two connections")
	pid := flag.Int("pid", 0, "the server's process id, to read its memory from /proc (0: skip)")
	presenterKey := flag.String("presenter-key", "", "private key `FILE` of a presenter: one presenter session starts the stage and the others follow it")
	flag.Parse()
	var presenter *gossh.ClientConfig
	if *presenterKey != "" {
		data, err := os.ReadFile(*presenterKey)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(2)
		}
		signer, err := gossh.ParsePrivateKey(data)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest: -presenter-key:", err)
			os.Exit(2)
		}
		presenter = &gossh.ClientConfig{User: "presenter", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)}}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := load.Run(ctx, load.Options{Addr: *addr, Sessions: *sessions, Duration: *duration, KeyEvery: *keyEvery,
		Width: *width, Height: *height, Ramp: *ramp, PID: *pid, Progress: os.Stderr, Presenter: presenter})
	if rep != nil {
		rep.Print(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}
