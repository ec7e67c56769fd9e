package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/charmbracelet/log"

	"sgdbias/server"
)

const serveUsage = `Usage: sgdbias serve [flags]

Lecture mode: serves the explorer over SSH. Each student types one command,
  ssh -p 2222 -o StrictHostKeyChecking=accept-new HOST
and the join code printed in the banner (--open: none; --password-file or
$SGDBIAS_PASSWORD: your own), and gets their own explorer in their own
terminal, with nothing to install.
Sessions without a terminal, commands (exec), sftp and the like are
refused; there is no shell and no file access. With --presenter-keys the
sessions of those keys drive a shared stage that every other session
follows (f: a private copy, F: follow again). Connects, disconnects and
refusals are logged on stderr; Ctrl+C tells every session and stops.
--preset, --config and every problem and parameter flag of 'sgdbias run'
set the scenario every session starts from.

Flags:
`

// cmdServe runs the SSH server until ctx ends (SIGINT/SIGTERM).
func cmdServe(ctx context.Context, args []string, std stdio) int {
	fs := newFlagSet("serve", serveUsage, std)
	f := newRunFlags(fs)
	listen := fs.String("listen", "127.0.0.1:2222", "`ADDRESS` to listen on (0.0.0.0:2222 for every interface, e.g. inside a container)")
	hostKey := fs.String("host-key", defaultHostKey(), "the server's ed25519 host key `FILE`, created (mode 0600) if missing; keep it between lectures")
	authorized := fs.String("authorized-keys", "", "only let in the public keys of this authorized_keys `FILE` (and/or the join code)")
	passwordFile := fs.String("password-file", "", "read the join code (a shared password) from the first line of `FILE` instead of making one up; $SGDBIAS_PASSWORD also sets it")
	openAccess := fs.Bool("open", false, "no join code: anyone who can reach the address gets in")
	presenters := fs.String("presenter-keys", "", "authorized_keys `FILE` of the presenters: their sessions drive a stage everyone else follows")
	maxSessions := fs.Int("max-sessions", 250, "most student sessions at once; more are refused politely (presenters always get in)")
	maxConns := fs.Int("max-connections", 0, "most TCP connections at once, logging in or not (0: max-sessions + 100)")
	loginTimeout := fs.Duration("login-timeout", 20*time.Second, "close a connection that has opened no session this long after it came (or after its last session) (0: never)")
	keepalive := fs.Duration("keepalive", 15*time.Second, "ask each client for a sign of life this often; 3 unanswered close it (0: off)")
	idle := fs.Duration("idle-timeout", 20*time.Minute, "close a private session after this long without a key press, after a warning (0: never); followers of the stage are never idle")
	maxDuration := fs.Duration("max-duration", 4*time.Hour, "close a session after this long (0: never)")
	ratePerMin := fs.Float64("rate-limit", 120, "new connections per minute from one IP address once its burst is spent (0: no limit)")
	rateBurst := fs.Int("rate-burst", 150, "new connections one IP address may open at once (a class behind one NAT)")
	exportDir := fs.String("allow-export", "", "let sessions export CSV files and save scenarios, each into a folder of its own in `DIR` (off by default)")
	exportFiles := fs.Int("export-files", 20, "most files each session may export or save")
	exportMB := fs.Float64("export-mb", 8, "most megabytes each session may export or save")
	simCPUs := fs.Int("sim-cpus", 0, "simulation chunks that may run at once over all sessions (0: CPUs − 1, at least 1)")
	fps := fs.Int("fps", 20, "most frames per second sent to each session")
	paused := fs.Bool("paused", false, "start private sessions with the clock stopped (the stage always starts stopped)")
	speed := fs.Float64("speed", 0, "clock speed in steps per second at start (0: the scenario's default; inf: flat out)")
	logTime := fs.Bool("log-time", false, "start with a logarithmic time axis")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	r, err := resolveSetup(inputs{ctx: ctx, stdin: std.in}, f.scenario, f.scenario.Given())
	if err != nil {
		return planError(std.err, "serve", err)
	}
	if err := checkAlgoFlags(f.scenario.Given(), r.setup.Algos); err != nil {
		return usageError(std.err, "serve", err)
	}
	scenario := liveScenario(r)
	switch {
	case *speed < 0 || math.IsNaN(*speed):
		return usageError(std.err, "serve", fmt.Errorf("--speed: %v is not allowed; want steps per second > 0 (inf: flat out)", *speed))
	case *maxSessions < 1:
		return usageError(std.err, "serve", fmt.Errorf("--max-sessions: %d is not allowed; want at least 1", *maxSessions))
	case *idle < 0 || *maxDuration < 0:
		return usageError(std.err, "serve", errors.New("--idle-timeout and --max-duration: want a duration ≥ 0 (0: never)"))
	case *ratePerMin < 0 || math.IsNaN(*ratePerMin) || math.IsInf(*ratePerMin, 0):
		return usageError(std.err, "serve", fmt.Errorf("--rate-limit: %v is not allowed; want connections per minute ≥ 0 (0: no limit)", *ratePerMin))
	case *rateBurst < 1:
		return usageError(std.err, "serve", fmt.Errorf("--rate-burst: %d is not allowed; want at least 1", *rateBurst))
	case *maxConns < 0:
		return usageError(std.err, "serve", fmt.Errorf("--max-connections: %d is not allowed; want ≥ 0 (0: max-sessions + 100)", *maxConns))
	case *loginTimeout < 0 || *keepalive < 0:
		return usageError(std.err, "serve", errors.New("--login-timeout and --keepalive: want a duration ≥ 0 (0: never/off)"))
	case *exportFiles < 1 || !(*exportMB > 0) || math.IsInf(*exportMB, 0):
		return usageError(std.err, "serve", errors.New("--export-files and --export-mb: want at least 1 file and more than 0 MB"))
	case *fps < 1 || *fps > 60:
		return usageError(std.err, "serve", fmt.Errorf("--fps: %d is not allowed; want 1…60", *fps))
	case *simCPUs < 0:
		return usageError(std.err, "serve", fmt.Errorf("--sim-cpus: %d is not allowed; want ≥ 0", *simCPUs))
	}
	if *exportDir != "" {
		if *exportDir, err = filepath.Abs(*exportDir); err != nil {
			return usageError(std.err, "serve", err)
		}
	}
	never := func(d time.Duration) time.Duration {
		if d == 0 {
			return -1
		}
		return d
	}
	rate := *ratePerMin / 60
	if rate == 0 {
		rate = -1
	}
	password, generated, err := joinCode(*passwordFile, *openAccess, *authorized)
	if err != nil {
		return usageError(std.err, "serve", err)
	}
	// A log piped into tee dies with it on Ctrl+C; the sessions must still
	// be told and closed, so a broken stderr must not kill the server.
	signal.Ignore(syscall.SIGPIPE)
	logger := log.NewWithOptions(std.err, log.Options{ReportTimestamp: true, TimeFormat: time.TimeOnly})
	srv, err := server.New(server.Config{
		Addr: *listen, HostKeyPath: *hostKey, Scenario: scenario, Speed: *speed, Paused: *paused, LogTime: *logTime,
		MaxSessions: *maxSessions, MaxConnections: *maxConns, SessionOpenTimeout: never(*loginTimeout),
		KeepaliveInterval: never(*keepalive), IdleTimeout: never(*idle), MaxDuration: never(*maxDuration),
		ConnRate: rate, ConnBurst: *rateBurst,
		AuthorizedKeysPath: *authorized, Password: password, PresenterKeysPath: *presenters,
		ExportDir: *exportDir, ExportFiles: *exportFiles, ExportBytes: int64(*exportMB * (1 << 20)),
		SimSlots: *simCPUs, FPS: *fps, Logger: logger,
	})
	if err != nil {
		return usageError(std.err, "serve", err)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		srv.Close()
		return usageError(std.err, "serve", fmt.Errorf("--listen: %w", err))
	}
	printServeBanner(std, srv, l.Addr(), *hostKey, *presenters, *authorized, password, generated)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		srv.Close()
		if err != nil {
			fmt.Fprintf(std.err, "sgdbias serve: %v\n", err)
			return 1
		}
		return 0
	case <-ctx.Done():
	}
	logger.Info("stopping: telling every session")
	sctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("sessions left were cut", "err", err)
	}
	<-served
	logger.Info("stopped")
	return 0
}

// defaultHostKey is the host key's place when --host-key is not given: the
// user's configuration folder, so that it outlives the working directory.
func defaultHostKey() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "sgdbias_host_ed25519"
	}
	return filepath.Join(dir, "sgdbias", "host_ed25519")
}

func speedText(v float64) string {
	if math.IsInf(v, 1) {
		return "unlimited"
	}
	return fmt.Sprintf("%g", v)
}
