// Package server serves the sgdbias explorer over SSH (lecture mode): a
// lecturer runs one server, each student types one ssh command and gets
// the explorer in their own terminal, with nothing to install.
//
// Each SSH session runs its own bubbletea program with its own lipgloss
// renderer (colour profile and background of the student's terminal), sized
// from the PTY (at most MaxWidth×MaxHeight) and following window changes,
// which are taken latest-wins so that no client can block its own
// connection's reader. Sessions without a PTY, exec and subsystem requests
// are refused with a one-line reason; agent forwarding too; there is no
// shell and no file access (saving is off unless an export folder is
// allowed, then each session has a folder and a quota of its own).
//
// The room is protected at three levels: connections (conns.go: a token
// bucket per address sized for a class behind one NAT, a total cap, a
// clock on every connection without a session, keepalives), logins
// (auth.go: a join code by default, failures back off per address) and
// sessions (a maximum number, a maximum length, an idle timeout for
// private sessions after a warning). Every ending the server decides is
// told to the client with a reason and exit status 1, and a session that
// does not end when told has its connection cut.
//
// Every session's simulator draws its chunks of steps from one shared
// budget (live.Budget), so that when many run each stays responsive, and
// stops when the session ends. With presenter keys, sessions authenticated
// with one of them drive a shared stage; every other session follows it
// read-only and can fork a private copy (f) or follow again (F).
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	rm "github.com/charmbracelet/wish/recover"
	gossh "golang.org/x/crypto/ssh"

	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/sim/problem"
)

// Config is everything a server needs; zero values take the defaults
// noted.
type Config struct {
	// Addr is the address to listen on (default 127.0.0.1:2222).
	Addr string
	// HostKeyPath is the server's private host key; an ed25519 key is
	// created there (mode 0600) if the file does not exist. Required.
	HostKeyPath string

	// Scenario is what every session's runs start from.
	Scenario live.Scenario
	// Speed is the clock's speed at start in steps per second (0: the
	// scenario's default, measured once; live.Unlimited: flat out).
	Speed float64
	// Paused starts private sessions with the clock stopped (the stage
	// always starts stopped: the presenter starts it).
	Paused bool
	// LogTime starts the explorers with a logarithmic time axis.
	LogTime bool

	// MaxSessions is the most sessions at once (default 250: a large
	// lecture hall); more are refused politely. Presenters are not counted.
	MaxSessions int
	// MaxConnections is the most TCP connections at once, in any state
	// (default MaxSessions + 100: room for handshakes and presenters
	// beyond the sessions); see connTable.
	MaxConnections int
	// SessionOpenTimeout closes a connection that has not opened a session
	// this long after it was accepted or after its last session ended
	// (default 20 s; negative: never): silent TCP connections, `ssh -N`.
	SessionOpenTimeout time.Duration
	// KeepaliveInterval and KeepaliveCount: a client that answers no
	// keepalive for KeepaliveCount intervals is gone (defaults 15 s, 3;
	// a negative interval turns them off).
	KeepaliveInterval time.Duration
	KeepaliveCount    int
	// IdleTimeout ends a private session after this long without a key
	// press (default 20 min; negative: never), after a warning on its
	// screen. Redraws do not count. Presenters and followers of the stage
	// are exempt: watching is not idling.
	IdleTimeout time.Duration
	// MaxDuration ends a session after this long (default 4 h; negative:
	// never).
	MaxDuration time.Duration
	// ConnRate and ConnBurst are the token bucket of new TCP connections
	// from one IP address: ConnBurst at once, then ConnRate a second
	// (defaults 2/s after 150: a class of 200 behind one NAT arriving
	// within a minute gets in; a flood is held to 2 a second). A negative
	// rate turns the limit off. Presenter keys get in beyond it.
	ConnRate  float64
	ConnBurst int
	// FailureBurst failed passwords from one address are answered at once;
	// beyond them one a FailureEvery, and every attempt in between waits
	// and fails unchecked (defaults 30 and 2 s).
	FailureBurst int
	FailureEvery time.Duration

	// AuthorizedKeysPath and Password restrict who gets in (either
	// suffices when both are set); with neither, everyone does. The
	// password is the lecture's join code.
	AuthorizedKeysPath string
	Password           string
	// PresenterKeysPath lists the keys of the presenters: their sessions
	// drive a shared stage that every other session follows.
	PresenterKeysPath string

	// ExportDir is the folder where sessions may export CSV files and save
	// scenarios, each session in a folder of its own; empty turns both
	// off. ExportFiles and ExportBytes are each session's quota (defaults
	// 20 files, 8 MB).
	ExportDir   string
	ExportFiles int
	ExportBytes int64

	// SimSlots is how many simulation chunks may run at once over all
	// sessions (default GOMAXPROCS−1, at least 1).
	SimSlots int
	// FPS caps each session's frame rate (default 20).
	FPS int
	// FrameCost is the CPU time one frame of one session is assumed to
	// take, to stretch the frame interval when many sessions share the
	// machine (default 1.2 ms, measured at 80×24 with the simulation,
	// the SSH encryption and the output included; see
	// Server.FrameInterval).
	FrameCost time.Duration

	// Logger receives connects, disconnects and refusals (default: stderr).
	Logger *log.Logger
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:2222"
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = 250
	}
	if c.MaxConnections <= 0 {
		c.MaxConnections = c.MaxSessions + 100
	}
	c.SessionOpenTimeout = orDefault(c.SessionOpenTimeout, 20*time.Second)
	c.KeepaliveInterval = orDefault(c.KeepaliveInterval, 15*time.Second)
	if c.KeepaliveCount <= 0 {
		c.KeepaliveCount = 3
	}
	c.IdleTimeout = orDefault(c.IdleTimeout, 20*time.Minute)
	c.MaxDuration = orDefault(c.MaxDuration, 4*time.Hour)
	if c.ConnRate == 0 {
		c.ConnRate = 2
	}
	if c.ConnBurst <= 0 {
		c.ConnBurst = 150
	}
	if c.FailureBurst <= 0 {
		c.FailureBurst = 30
	}
	c.FailureEvery = orDefault(c.FailureEvery, 2*time.Second)
	if c.ExportFiles <= 0 {
		c.ExportFiles = 20
	}
	if c.ExportBytes <= 0 {
		c.ExportBytes = 8 << 20
	}
	if c.FPS <= 0 {
		c.FPS = 20
	}
	if c.FrameCost <= 0 {
		c.FrameCost = 1200 * time.Microsecond
	}
	if c.Logger == nil {
		c.Logger = log.NewWithOptions(os.Stderr, log.Options{ReportTimestamp: true, TimeFormat: time.TimeOnly})
	}
}

// orDefault is d, or def when d is zero (a negative d stays: never).
func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// Server is an SSH server of explorers.
type Server struct {
	cfg         Config
	log         *log.Logger
	ssh         *ssh.Server
	access      *access
	fingerprint string
	newKey      bool
	speed       float64
	budget      *live.Budget
	stage       *stage
	conns       *connTable
	failures    *failures

	mu       sync.Mutex
	sessions map[*session]struct{}
	bySSH    map[ssh.Session]*session
	idle     *sync.Cond // signalled when a session ends
	nextID   atomic.Uint64
	active   atomic.Int64 // sessions, presenters included
	students atomic.Int64 // sessions counted by MaxSessions
	closing  atomic.Bool
	addr     atomic.Pointer[net.Addr]
}

// New prepares a server: it reads (or creates) the host key and the key
// lists, measures the scenario's default speed and starts the stage when
// there are presenter keys. It does not listen yet.
func New(cfg Config) (*Server, error) {
	cfg.defaults()
	if cfg.HostKeyPath == "" {
		return nil, errors.New("--host-key: a host key file is needed (it is created if missing)")
	}
	s := &Server{cfg: cfg, log: cfg.Logger, sessions: map[*session]struct{}{}, bySSH: map[ssh.Session]*session{},
		access: &access{password: cfg.Password}}
	s.idle = sync.NewCond(&s.mu)
	if cfg.AuthorizedKeysPath != "" {
		keys, err := readKeys("--authorized-keys", cfg.AuthorizedKeysPath)
		if err != nil {
			return nil, err
		}
		s.access.authorized = keys
	}
	if cfg.PresenterKeysPath != "" {
		keys, err := readKeys("--presenter-keys", cfg.PresenterKeysPath)
		if err != nil {
			return nil, err
		}
		s.access.presenters = keys
	}
	if cfg.ExportDir != "" {
		info, err := os.Stat(cfg.ExportDir)
		if err != nil {
			return nil, fmt.Errorf("--allow-export: %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("--allow-export %s: not a folder", cfg.ExportDir)
		}
	}
	pemBytes, signer, created, err := loadHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	s.fingerprint, s.newKey = gossh.FingerprintSHA256(signer.PublicKey()), created
	if hostKeyLoose(cfg.HostKeyPath) {
		s.log.Warn("the host key can be read by other users; chmod 600 it", "file", cfg.HostKeyPath)
	}

	// The budget's slots are cores: a run holding a slot must not take a
	// second core from the sessions' rendering and SSH (nor may the speed
	// calibration below, which sets the pace from one core's work).
	sim.OneCorePerRun()
	s.speed = cfg.Speed
	if s.speed == 0 {
		p := cfg.Scenario.Data
		if p == nil {
			if p, err = problem.Generate(cfg.Scenario.Spec); err != nil {
				return nil, err
			}
		}
		s.speed = live.DefaultSpeedFor(cfg.Scenario, p)
	}
	s.budget = live.NewBudget(cfg.SimSlots)
	s.conns = newConnTable(&s.cfg, func(msg string, kv ...any) { s.log.Info(msg, kv...) })
	s.failures = newFailures(cfg.FailureBurst, cfg.FailureEvery)
	s.access.failures = s.failures

	opts := []ssh.Option{
		wish.WithAddress(cfg.Addr),
		wish.WithHostKeyPEM(pemBytes),
		wish.WithVersion("sgdbias"),
		wish.WithMiddleware(rm.MiddlewareWithLogger(s.log,
			s.explorer, // innermost: the explorer
			s.scope,    // the session's lifetime: runners, timers, log
			s.admit,    // shutdown, throttled address, session limit
			s.refuse,   // exec, no PTY
			s.track,    // the connection's clock and keepalives
		)),
		func(srv *ssh.Server) error {
			srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{"default": s.refuseSubsystem}
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel}
			srv.ConnCallback = func(ctx ssh.Context, c net.Conn) net.Conn {
				if s.closing.Load() {
					return nil
				}
				if tc := s.conns.accept(ctx, c); tc != nil {
					return tc
				}
				return nil // the server closes it before the handshake
			}
			srv.ConnectionFailedCallback = func(c net.Conn, err error) {
				if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
					s.conns.note("refused", "login failed: "+trimSSH(err), hostOf(c.RemoteAddr()))
				}
			}
			return nil
		},
	}
	// A backstop at the connection level; the session's own timer comes
	// first.
	if cfg.MaxDuration > 0 {
		opts = append(opts, wish.WithMaxTimeout(cfg.MaxDuration+time.Minute))
	}
	opts = append(opts, s.access.options()...)
	s.ssh, err = wish.NewServer(opts...)
	if err != nil {
		return nil, err
	}
	if s.access.presenters != nil {
		st, err := newStage(cfg.Scenario, live.Options{Speed: s.speed, Paused: true})
		if err != nil {
			return nil, err
		}
		s.stage = st
	}
	return s, nil
}

func trimSSH(err error) string {
	return strings.TrimPrefix(err.Error(), "ssh: ")
}

// Fingerprint is the SHA256 fingerprint of the host key, as ssh prints it.
func (s *Server) Fingerprint() string { return s.fingerprint }

// NewHostKey reports whether New created the host key file.
func (s *Server) NewHostKey() bool { return s.newKey }

// Speed is the clock speed sessions start with.
func (s *Server) Speed() float64 { return s.speed }

// Sessions is the number of sessions now open.
func (s *Server) Sessions() int { return int(s.active.Load()) }

// Budget is the step budget all the sessions' simulators share.
func (s *Server) Budget() *live.Budget { return s.budget }

// Addr is the address the server listens on (nil before Serve).
func (s *Server) Addr() net.Addr {
	if a := s.addr.Load(); a != nil {
		return *a
	}
	return nil
}

// ListenAndServe listens on the configured address and serves until
// Shutdown; it returns nil after a shutdown.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve serves on l until Shutdown; it returns nil after a shutdown.
func (s *Server) Serve(l net.Listener) error {
	a := l.Addr()
	s.addr.Store(&a)
	err := s.ssh.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown tells every session that the server is going away, waits for
// them to close (until ctx ends), closes the listener and every
// connection left, and stops the stage.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.mu.Lock()
	n := len(s.sessions)
	for st := range s.sessions {
		st.end("the server is shutting down", true)
	}
	s.mu.Unlock()
	if n > 0 {
		s.log.Info("shutting down", "sessions", n)
	}
	gone := make(chan struct{})
	go func() {
		s.mu.Lock()
		for len(s.sessions) > 0 && ctx.Err() == nil {
			s.idle.Wait()
		}
		s.mu.Unlock()
		close(gone)
	}()
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.idle.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	<-gone
	// Sessions still there did not end when told: cut, and logged.
	s.mu.Lock()
	for st := range s.sessions {
		s.log.Warn("stuck session cut at shutdown", "session", st.id, "remote", st.remote, "role", st.role)
		if c := connOf(st.sess.Context()); c != nil {
			go c.cut("stuck at shutdown")
		}
	}
	s.mu.Unlock()
	// Every session has said goodbye: give the clients a moment to hang up
	// (OpenSSH does at once), then close what is left.
	grace, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	var err error
	if s.ssh.Shutdown(grace) != nil {
		err = s.ssh.Close()
	}
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if s.stage != nil {
		s.stage.close()
	}
	return err
}

// Close closes every connection at once.
func (s *Server) Close() error {
	s.closing.Store(true)
	err := s.ssh.Close()
	if s.stage != nil {
		s.stage.close()
	}
	return err
}

// FrameInterval is the least time between two frames of a session now:
// 1/FPS while the machine has room, stretched so that all the sessions'
// frames together stay within about 60% of the CPUs (FrameCost per frame
// and session), at most half a second. A key press is still shown at once
// (bubbletea redraws after every message); only the clock's frames thin.
func (s *Server) FrameInterval() time.Duration {
	base := time.Second / time.Duration(s.cfg.FPS)
	n := float64(max(1, s.active.Load()))
	cpus := float64(runtime.GOMAXPROCS(0))
	d := time.Duration(n * float64(s.cfg.FrameCost) / (0.6 * cpus))
	return time.Duration(math.Min(float64(max(base, d)), float64(500*time.Millisecond)))
}

// runnerOptions are the options of a session's private runner.
func (s *Server) runnerOptions() live.Options {
	return live.Options{Speed: s.speed, Paused: s.cfg.Paused, Budget: s.budget}
}
