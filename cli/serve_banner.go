package cli

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"sgdbias/server"
)

// joinCodeAlphabet has no look-alikes (0/o, 1/l/i).
const joinCodeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// joinCode is the lecture's shared password: from --password-file, else
// $SGDBIAS_PASSWORD, else (unless --open, or keys are required) a short
// random code made up now; generated says which. It is never a flag's
// value, so that it shows neither in ps nor in serve -h.
func joinCode(file string, open bool, authorizedKeys string) (code string, generated bool, err error) {
	switch {
	case file != "" && open:
		return "", false, errors.New("--password-file and --open: pick one")
	case file != "":
		f, err := os.Open(file)
		if err != nil {
			return "", false, fmt.Errorf("--password-file: %w", err)
		}
		defer f.Close()
		line, err := bufio.NewReader(f).ReadString('\n')
		line = strings.TrimSpace(line)
		if line == "" {
			if err == nil || errors.Is(err, io.EOF) {
				return "", false, fmt.Errorf("--password-file %s: the first line is empty; want the join code on it", file)
			}
			return "", false, fmt.Errorf("--password-file: %w", err)
		}
		return line, false, nil
	case os.Getenv("SGDBIAS_PASSWORD") != "":
		return os.Getenv("SGDBIAS_PASSWORD"), false, nil
	case open || authorizedKeys != "":
		return "", false, nil
	}
	// A secret, so drawn from crypto/rand, not from a seeded generator.
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", false, err
	}
	for i := range b {
		b[i] = joinCodeAlphabet[int(b[i])%len(joinCodeAlphabet)]
	}
	return string(b), true, nil
}

func printServeBanner(std stdio, srv *server.Server, addr net.Addr, hostKey, presenters, authorized, password string, generated bool) {
	state := ""
	if srv.NewHostKey() {
		state = " (new)"
	}
	w := std.err
	fmt.Fprintf(w, "sgdbias serve: listening on %s\n", addr)
	fmt.Fprintf(w, "host key %s%s, fingerprint %s\n", hostKey, state, srv.Fingerprint())
	hosts, port, loopback := reachable(addr)
	prefix := "ssh -o StrictHostKeyChecking=accept-new "
	if port != "22" {
		prefix = "ssh -p " + port + " -o StrictHostKeyChecking=accept-new "
	}
	for i, h := range hosts {
		lead := "students connect with:  "
		if i > 0 {
			lead = "                    or:  "
		}
		fmt.Fprintln(w, lead+prefix+h)
	}
	if loopback {
		fmt.Fprintln(w, "warning: only this machine can reach "+addr.String()+"; to serve a room, --listen 0.0.0.0:"+port)
	}
	switch {
	case generated:
		fmt.Fprintln(w, "join code: "+password+"  (students type it when ssh asks; --open for none)")
	case authorized != "" && password != "":
		fmt.Fprintln(w, "access: the keys of "+authorized+" or the join code")
	case authorized != "":
		fmt.Fprintln(w, "access: the keys of "+authorized)
	case password != "":
		fmt.Fprintln(w, "access: the join code from --password-file or $SGDBIAS_PASSWORD")
	default:
		fmt.Fprintln(w, "access: open to anyone who can reach the address (--open)")
	}
	if presenters != "" {
		fmt.Fprintln(w, "presenter: the keys of "+presenters+" drive the stage; everyone else follows it (f: private copy)")
	}
	fmt.Fprintf(w, "speed at start: %s steps/s; Ctrl+C stops the server\n", speedText(srv.Speed()))
}

// reachable lists the addresses students can use for the listening
// address: itself when it is one address, else every address of the
// machine's interfaces that is up and not loopback (IPv4 only for
// 0.0.0.0); loopback reports that only this machine can reach them.
func reachable(addr net.Addr) (hosts []string, port string, loopback bool) {
	a, ok := addr.(*net.TCPAddr)
	if !ok {
		return []string{"HOST"}, "22", false
	}
	port = fmt.Sprint(a.Port)
	switch {
	case a.IP.IsLoopback():
		return []string{hostText(a.IP)}, port, true
	case !a.IP.IsUnspecified():
		return []string{hostText(a.IP)}, port, false
	}
	v4only := a.IP.To4() != nil
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, ia := range addrs {
			ipn, ok := ia.(*net.IPNet)
			if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() || (v4only && ipn.IP.To4() == nil) {
				continue
			}
			hosts = append(hosts, hostText(ipn.IP))
		}
	}
	if len(hosts) == 0 {
		return []string{"127.0.0.1"}, port, true
	}
	return hosts, port, false
}

// hostText is how ssh takes an address.
func hostText(ip net.IP) string {
	return ip.String() // ssh takes IPv6 addresses bare too
}
