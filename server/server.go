// Package server serves the sgdbias explorer over SSH (lecture mode): a
// lecturer runs one server, each student types one ssh command and gets
// the explorer in their own terminal, with nothing to install.
//
// Each SSH session runs its own bubbletea program with its own lipgloss
// renderer (colour profile and background of the student's terminal), sized
// from the PTY and following window changes. Sessions without a PTY, exec
// and subsystem requests are refused with a one-line reason; there is no
// shell and no file access (saving is off unless an export folder is
// allowed). Limits: a maximum number of sessions, an idle timeout on key
// presses, a maximum session length and a per-IP connection rate; optional
// access control by authorized keys and/or a shared password.
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
	"github.com/charmbracelet/wish/bubbletea"
	"github.com/charmbracelet/wish/ratelimiter"
	rm "github.com/charmbracelet/wish/recover"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

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

	// MaxSessions is the most sessions at once (default 100); more are
	// refused politely.
	MaxSessions int
	// IdleTimeout ends a session after this long without a key press
	// (default 20 min; negative: never). Redraws do not count; presenters
	// are exempt (the stage goes on without them anyway).
	IdleTimeout time.Duration
	// MaxDuration ends a session after this long (default 4 h; negative:
	// never).
	MaxDuration time.Duration
	// RatePerIP is the sustained number of new sessions per second allowed
	// from one IP address, with RateBurst at once (defaults 0.5/s, burst
	// 10; a negative rate turns the limit off).
	RatePerIP float64
	RateBurst int

	// AuthorizedKeysPath and Password restrict who gets in (either
	// suffices when both are set); with neither, everyone does.
	AuthorizedKeysPath string
	Password           string
	// PresenterKeysPath lists the keys of the presenters: their sessions
	// drive a shared stage that every other session follows.
	PresenterKeysPath string

	// ExportDir is the folder where sessions may export CSV files and save
	// scenarios; empty turns both off.
	ExportDir string

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
		c.MaxSessions = 100
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 20 * time.Minute
	}
	if c.MaxDuration == 0 {
		c.MaxDuration = 4 * time.Hour
	}
	if c.RatePerIP == 0 {
		c.RatePerIP = 0.5
	}
	if c.RateBurst <= 0 {
		c.RateBurst = 10
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
	limiter     ratelimiter.RateLimiter
	conns       *connLimiter

	mu       sync.Mutex
	sessions map[*session]struct{}
	bySSH    map[ssh.Session]*session
	idle     *sync.Cond // signalled when a session ends
	nextID   atomic.Uint64
	active   atomic.Int64
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
	if cfg.RatePerIP > 0 {
		s.limiter = ratelimiter.NewRateLimiter(rate.Limit(cfg.RatePerIP), cfg.RateBurst, 4096)
		s.conns = newConnLimiter(cfg.RatePerIP, cfg.RateBurst)
	}

	opts := []ssh.Option{
		wish.WithAddress(cfg.Addr),
		wish.WithHostKeyPEM(pemBytes),
		wish.WithVersion("sgdbias"),
		wish.WithMiddleware(rm.MiddlewareWithLogger(s.log,
			bubbletea.MiddlewareWithProgramHandler(s.program, termenv.Ascii), // innermost: the explorer
			s.scope,  // the session's lifetime: runners, timers, log
			s.admit,  // shutdown, rate limit, session limit
			s.refuse, // exec, no PTY
		)),
		func(srv *ssh.Server) error {
			srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{"default": s.refuseSubsystem}
			srv.ConnCallback = func(_ ssh.Context, c net.Conn) net.Conn {
				if s.conns != nil && !s.conns.allow(c.RemoteAddr()) {
					s.log.Warn("refused", "remote", c.RemoteAddr(), "reason", "too many connections from this address")
					return nil // the server closes it before the handshake
				}
				return c
			}
			srv.ConnectionFailedCallback = func(c net.Conn, err error) {
				if !errors.Is(err, io.EOF) {
					s.log.Warn("refused", "remote", c.RemoteAddr(), "reason", trimSSH(err))
				}
			}
			return nil
		},
	}
	// Backstops at the connection level; the app-level timeouts come first.
	if cfg.MaxDuration > 0 {
		opts = append(opts, wish.WithMaxTimeout(cfg.MaxDuration+time.Minute))
	}
	if cfg.IdleTimeout > 0 {
		opts = append(opts, wish.WithIdleTimeout(cfg.IdleTimeout+time.Minute))
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
	// Every session has said goodbye: give the clients a moment to hang up
	// (OpenSSH does at once), then close what is left.
	grace, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	var err error
	if s.ssh.Shutdown(grace) != nil {
		err = s.ssh.Close()
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

// refusal ends a session before the explorer starts: one line on stderr,
// exit status 1, and a log line.
func (s *Server) refusal(sess ssh.Session, reason, text string) {
	s.log.Warn("refused", "remote", sess.RemoteAddr(), "user", sess.User(), "reason", reason)
	fmt.Fprint(sess.Stderr(), "sgdbias: "+text+"\r\n")
	_ = sess.Exit(1)
}

// hostHint is how a student should connect, from the address the session
// came in on.
func hostHint(sess ssh.Session) string {
	if a, ok := sess.LocalAddr().(*net.TCPAddr); ok && a.Port != 22 {
		return fmt.Sprintf("ssh -p %d HOST", a.Port)
	}
	return "ssh HOST"
}

// refuse turns away exec requests and sessions without a terminal.
func (s *Server) refuse(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if cmd := sess.RawCommand(); cmd != "" {
			s.refusal(sess, "exec "+quoteCmd(cmd),
				"this server runs no commands, only the explorer; connect without one: "+hostHint(sess))
			return
		}
		if _, _, ok := sess.Pty(); !ok {
			s.refusal(sess, "no pty",
				"the explorer needs a terminal; connect from one with "+strings.Replace(hostHint(sess), "ssh", "ssh -t", 1))
			return
		}
		next(sess)
	}
}

func quoteCmd(c string) string {
	if len(c) > 40 {
		c = c[:40] + "…"
	}
	return fmt.Sprintf("%q", c)
}

// refuseSubsystem answers every subsystem request (sftp, …).
func (s *Server) refuseSubsystem(sess ssh.Session) {
	s.refusal(sess, "subsystem "+sess.Subsystem(), "no "+sess.Subsystem()+" here: this server only shows the explorer")
}

// admit applies the shutdown, the per-IP rate and the session limit (a
// presenter is never turned away by the last two).
func (s *Server) admit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if s.closing.Load() {
			s.refusal(sess, "shutting down", "the server is shutting down")
			return
		}
		if s.access.isPresenter(sess.PublicKey()) {
			s.active.Add(1)
			defer s.active.Add(-1)
			next(sess)
			return
		}
		if s.limiter != nil {
			if err := s.limiter.Allow(sess); err != nil {
				s.refusal(sess, "rate limit", "too many connections from your address; wait a minute and try again")
				return
			}
		}
		if n := s.active.Add(1); n > int64(s.cfg.MaxSessions) {
			s.active.Add(-1)
			s.refusal(sess, "full", fmt.Sprintf("the server is full (%d sessions); try again in a few minutes", s.cfg.MaxSessions))
			return
		}
		defer s.active.Add(-1)
		next(sess)
	}
}
