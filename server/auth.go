package server

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"fmt"
	"os"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Access control. With neither a key list (Config.AuthorizedKeysPath) nor
// a join code (Config.Password; the command line makes one up unless told
// --open) every client gets in (with any key, any password or none:
// keyboard-interactive asks nothing). With a key list, a listed key gets
// in; with a join code, the code does (asked by keyboard-interactive or
// password authentication); with both, either. A presenter key always gets
// in, and is what makes a session the presenter's: the key that
// authenticated is the one the connection keeps (charmbracelet/ssh takes
// it from the successful method's permissions, never from a key that was
// only offered).

type access struct {
	authorized []gossh.PublicKey // nil: no key list
	presenters []gossh.PublicKey
	password   string
	failures   *failures
}

// readKeys parses an authorized_keys file: one key a line, comments and
// blank lines skipped.
func readKeys(flag, path string) ([]gossh.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	var keys []gossh.PublicKey
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 || text[0] == '#' {
			continue
		}
		k, _, _, _, err := gossh.ParseAuthorizedKey(text)
		if err != nil {
			return nil, fmt.Errorf("%s %s:%d: not a public key (%v); want authorized_keys lines such as 'ssh-ed25519 AAAA… name'", flag, path, line, err)
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s %s: no public key in the file", flag, path)
	}
	return keys, nil
}

func contains(keys []gossh.PublicKey, k gossh.PublicKey) bool {
	for _, a := range keys {
		if ssh.KeysEqual(a, k) {
			return true
		}
	}
	return false
}

func (a *access) open() bool { return a.authorized == nil && a.password == "" }

func (a *access) isPresenter(k gossh.PublicKey) bool {
	return k != nil && contains(a.presenters, k)
}

func (a *access) publicKey(_ ssh.Context, k ssh.PublicKey) bool {
	switch {
	case a.isPresenter(k), a.open():
		return true
	case a.authorized != nil:
		return contains(a.authorized, k)
	}
	return false // password only: the key is not enough
}

// checkPassword checks a password typed from host; failures back off
// (see failures).
func (a *access) checkPassword(host, pw string) bool {
	if a.password == "" {
		return a.open()
	}
	if a.failures != nil && !a.failures.mayTry(host) {
		return false
	}
	if subtle.ConstantTimeCompare([]byte(pw), []byte(a.password)) == 1 {
		return true
	}
	if a.failures != nil {
		a.failures.failed(host)
	}
	return false
}

func (a *access) passwordAuth(ctx ssh.Context, pw string) bool {
	return a.checkPassword(hostOf(ctx.RemoteAddr()), pw)
}

func (a *access) keyboardInteractive(ctx ssh.Context, ch gossh.KeyboardInteractiveChallenge) bool {
	if a.open() {
		return true // nothing to ask
	}
	answers, err := ch("", "", []string{"sgdbias join code: "}, []bool{false})
	return err == nil && len(answers) == 1 && a.checkPassword(hostOf(ctx.RemoteAddr()), answers[0])
}

// failures is the password back-off: each address may fail burst times at
// once, then once every `every`; an attempt with no failure left waits
// `every` and fails without being checked, so that guessing gains nothing
// from going faster (≈ 360 tries a minute before, 30 now). A class behind
// one NAT shares the allowance, which is why it is generous: a few
// mistyped codes cost no one anything.
type failures struct {
	mu    sync.Mutex
	hosts *lru.Cache[string, *rate.Limiter]
	burst int
	every time.Duration
	sleep func(time.Duration)
}

func newFailures(burst int, every time.Duration) *failures {
	c, _ := lru.New[string, *rate.Limiter](4096) // fails only for a size ≤ 0
	return &failures{hosts: c, burst: burst, every: every, sleep: time.Sleep}
}

func (f *failures) limiter(host string) *rate.Limiter {
	f.mu.Lock()
	defer f.mu.Unlock()
	l, ok := f.hosts.Get(host)
	if !ok {
		l = rate.NewLimiter(rate.Every(f.every), f.burst)
		f.hosts.Add(host, l)
	}
	return l
}

// mayTry reports whether a password from host is checked; when not, it
// has waited first.
func (f *failures) mayTry(host string) bool {
	if f.limiter(host).Tokens() >= 1 {
		return true
	}
	f.sleep(f.every)
	return false
}

func (f *failures) failed(host string) { f.limiter(host).Allow() }

// options returns the server's authentication handlers: a method is offered
// only when it can succeed. An open server without presenters asks nothing
// at all ("none" authentication), so that any client gets in, even one
// with no key and no way to answer a prompt.
func (a *access) options() []ssh.Option {
	if a.open() && a.presenters == nil {
		return nil
	}
	opts := []ssh.Option{func(s *ssh.Server) error {
		s.PublicKeyHandler = a.publicKey
		return nil
	}}
	if a.open() || a.password != "" {
		opts = append(opts, func(s *ssh.Server) error {
			s.PasswordHandler = a.passwordAuth
			s.KeyboardInteractiveHandler = a.keyboardInteractive
			return nil
		})
	}
	return opts
}
