package server

import (
	"fmt"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Connect/disconnect cycles, a fifth of them cut abruptly at the TCP level
// (some before the first frame, some after), leave no goroutine behind:
// the count returns to its baseline. 500 cycles (60 with -short).
func TestNoLeak(t *testing.T) {
	cycles := 500
	if testing.Short() {
		cycles = 60
	}
	srv, addr, _ := testServer(t, Config{MaxSessions: 50})
	// Warm up: the first session starts the lazily started goroutines.
	warm := openTerm(t, dial(t, addr, nil), 80, 24)
	warm.waitText(t, 0, "sgdbias │")
	warm.press(t, "q")
	warm.wait(t)
	warm.sess.Close()
	waitUntil(t, "no session", func() bool { return srv.Sessions() == 0 })
	base := settle(0)

	var wg sync.WaitGroup
	errs := make(chan error, cycles)
	sem := make(chan struct{}, 4)
	for i := range cycles {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := cycle(addr, i); err != nil {
				errs <- fmt.Errorf("cycle %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	waitUntil(t, "every session to end", func() bool { return srv.Sessions() == 0 })
	after := settle(base)
	t.Logf("%d cycles: %d goroutines before, %d after", cycles, base, after)
	if after > base {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines after %d cycles, %d before\n%s", after, cycles, base, buf[:runtime.Stack(buf, true)])
	}
}

// settle waits (up to 10 s) for the goroutine count to drop to target and
// returns it.
func settle(target int) int {
	deadline := time.Now().Add(10 * time.Second)
	n := runtime.NumGoroutine()
	for time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(50 * time.Millisecond)
		m := runtime.NumGoroutine()
		if target > 0 && m <= target {
			return m
		}
		if target == 0 && m == n {
			return m
		}
		n = m
	}
	return n
}

// cycle connects, waits for the explorer, presses a key and leaves: with q
// (4 cycles in 5), or by cutting the connection (after the first frame, or
// before it, or with a TCP reset).
func cycle(addr string, i int) error {
	nc, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer nc.Close()
	conn, chans, reqs, err := gossh.NewClientConn(nc, addr, clientConfig())
	if err != nil {
		return err
	}
	c := gossh.NewClient(conn, chans, reqs)
	defer c.Close()
	tm, err := startTerm(c, 80, 24, true)
	if err != nil {
		return err
	}
	switch i % 10 {
	case 3: // cut before the first frame
		nc.Close()
		return nil
	case 7: // reset after it
		if _, ok := tm.waitFor(0, "sgdbias │", 20*time.Second); !ok {
			return fmt.Errorf("no first frame")
		}
		if tc, ok := nc.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		nc.Close()
		return nil
	}
	if _, ok := tm.waitFor(0, "sgdbias │", 20*time.Second); !ok {
		return fmt.Errorf("no first frame: %q", tail(tm.text(0), 300))
	}
	tm.stdin.Write([]byte("\t"))
	if _, ok := tm.waitFor(0, "▸noise", 20*time.Second); !ok {
		return fmt.Errorf("the key did not change the screen")
	}
	tm.stdin.Write([]byte("q"))
	done := make(chan error, 1)
	go func() { done <- tm.sess.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		return fmt.Errorf("q did not end the session")
	}
}
