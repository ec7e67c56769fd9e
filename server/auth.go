package server

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"fmt"
	"os"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Access control. With neither --authorized-keys nor --password every
// client gets in (with any key, any password or none: keyboard-interactive
// asks nothing). With --authorized-keys, a listed key gets in; with
// --password, the shared password does (asked by keyboard-interactive or
// password authentication); with both, either. A presenter key always gets
// in, and is what makes a session the presenter's: the key that
// authenticated is the one the connection keeps (charmbracelet/ssh takes
// it from the successful method's permissions, never from a key that was
// only offered).

type access struct {
	authorized []gossh.PublicKey // nil: no key list
	presenters []gossh.PublicKey
	password   string
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

func (a *access) checkPassword(pw string) bool {
	if a.password == "" {
		return a.open()
	}
	return subtle.ConstantTimeCompare([]byte(pw), []byte(a.password)) == 1
}

func (a *access) passwordAuth(_ ssh.Context, pw string) bool { return a.checkPassword(pw) }

func (a *access) keyboardInteractive(_ ssh.Context, ch gossh.KeyboardInteractiveChallenge) bool {
	if a.open() {
		return true // nothing to ask
	}
	answers, err := ch("", "", []string{"sgdbias password: "}, []bool{false})
	return err == nil && len(answers) == 1 && a.checkPassword(answers[0])
}

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
