package server

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"sgdbias/server/load"
)

// Twenty sessions at once on an in-process server (clients in the same
// process): every session connects, gets frames, and every key press comes
// back as a frame. How fast is measured, not asserted here (timings belong
// to benchmarks): BenchmarkLoad and scripts/loadtest.sh report the frame
// interval and key-to-frame latency against the p95 ≤ 250 ms.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a 5 s load run")
	}
	_, addr, _ := testServer(t, Config{MaxSessions: 200})
	rep, err := load.Run(context.Background(), load.Options{Addr: addr, Sessions: 20, Duration: 5 * time.Second, KeyEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("frame interval %v; key to frame %v; %.1f fps", rep.FrameInterval, rep.KeyToFrame, rep.FPS)
	if rep.Connected != 20 || len(rep.Errors) > 0 {
		t.Fatalf("%d of 20 connected; errors %v", rep.Connected, rep.Errors)
	}
	if rep.KeyToFrame.N < 40 || rep.KeysLost > 0 {
		t.Errorf("key to frame %v, %d keys lost", rep.KeyToFrame, rep.KeysLost)
	}
}

// BenchmarkLoad opens SGDBIAS_LOAD_SESSIONS sessions (default 100) on an
// in-process server for 15 s and reports the frame interval, the
// key-to-frame latency and the heap per session (server and clients: both
// run in this process; scripts/loadtest.sh measures the server alone):
//
//	go test ./server -run '^$' -bench Load -benchtime 1x
func BenchmarkLoad(b *testing.B) {
	n := 100
	if v, err := strconv.Atoi(os.Getenv("SGDBIAS_LOAD_SESSIONS")); err == nil && v > 0 {
		n = v
	}
	for b.Loop() {
		_, addr, _ := testServer(b, Config{MaxSessions: n + 10})
		heap := func() float64 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return float64(m.HeapInuse + m.StackInuse)
		}
		before, loaded := heap(), 0.0
		rep, err := load.Run(context.Background(), load.Options{Addr: addr, Sessions: n, Duration: 15 * time.Second,
			Loaded: func() { loaded = heap() }})
		if err != nil {
			b.Fatal(err)
		}
		rep.Print(os.Stderr)
		b.ReportMetric(float64(rep.FrameInterval.P50)/1e6, "frame-p50-ms")
		b.ReportMetric(float64(rep.FrameInterval.P95)/1e6, "frame-p95-ms")
		b.ReportMetric(float64(rep.KeyToFrame.P50)/1e6, "key-p50-ms")
		b.ReportMetric(float64(rep.KeyToFrame.P95)/1e6, "key-p95-ms")
		b.ReportMetric(float64(rep.KeysLost), "keys-lost")
		b.ReportMetric((loaded-before)/float64(rep.Connected)/1e6, "heap-MB/session")
	}
}
