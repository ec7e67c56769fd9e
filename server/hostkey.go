package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// loadHostKey reads the server's private host key from path, creating an
// ed25519 key there (mode 0600, OpenSSH PEM) when the file does not exist,
// so that students' known_hosts stay valid from one lecture to the next.
// created reports a new key.
func loadHostKey(path string) (pemBytes []byte, signer gossh.Signer, created bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = createHostKey(path)
		created = err == nil
		if errors.Is(err, fs.ErrExist) { // created by someone else meanwhile
			data, err = os.ReadFile(path)
			created = false
		}
	}
	if err != nil {
		return nil, nil, false, fmt.Errorf("--host-key: %w", err)
	}
	signer, err = gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, nil, false, fmt.Errorf("--host-key %s: not a private SSH key without a passphrase: %w", path, err)
	}
	return data, signer, created, nil
}

func createHostKey(path string) ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "sgdbias host key")
	if err != nil {
		return nil, err
	}
	data := pem.EncodeToMemory(block)
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return data, nil
}

// hostKeyLoose reports whether a key file can be read by others than its
// owner.
func hostKeyLoose(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().Perm()&0o077 != 0
}
