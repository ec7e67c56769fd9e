package cli

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for sgdbias: run through a link
// named sgdbias, it is the program, so that the README's shell recipes can
// call it as separate processes.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "sgdbias" {
		os.Exit(Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// recipeGrid shrinks the README's cluster-sized grids to a test's size; each
// replacement must apply, so that a changed recipe fails here loudly.
var recipeGrid = [][2]string{
	{"log:1e-4:1:25", "log:1e-4:1:4"},
	{"--reps 20", "--reps 2"},
	// A progress line as soon as a job has finished, for the test to stop
	// shards part-way, and checkpoints often enough for a SIGKILL to leave
	// some behind.
	{"--resume", "--resume --progress-every 20ms --checkpoint-every 10ms"},
}

// oneJobDone matches a progress line with at least one job finished.
var oneJobDone = regexp.MustCompile(`^progress: .* [1-9][0-9]*/[0-9]+ jobs`)

// resumedSome matches the estimate of a run that resumed finished jobs.
var resumedSome = regexp.MustCompile(`\([1-9][0-9]* done before, resumed\)`)

// readmeSharding returns the shell blocks and the inline merge commands of
// the README's sharding section.
func readmeSharding(t *testing.T) (blocks, merges []string) {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "### Sharding")
	end := strings.Index(text, "## Reproducing the papers")
	if start < 0 || end < start {
		t.Fatal("README: no sharding section")
	}
	sec := text[start:end]
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(sec, -1) {
		blocks = append(blocks, m[1])
	}
	for _, m := range regexp.MustCompile("`(sgdbias sweep merge part-[^`]*)`").FindAllStringSubmatch(sec, -1) {
		merges = append(merges, m[1])
	}
	if len(blocks) != 2 || len(merges) != 1 {
		t.Fatalf("README sharding section: %d shell blocks and %d inline merge commands; want 2 and 1", len(blocks), len(merges))
	}
	return blocks, merges
}

func shrinkGrid(t *testing.T, s string) string {
	t.Helper()
	for _, r := range recipeGrid {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("recipe lacks %q:\n%s", r[0], s)
		}
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	return s
}

// sgdbiasOnPath puts a link named sgdbias to the test binary first on a
// PATH and returns the environment to run recipes with.
func sgdbiasOnPath(t *testing.T) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := os.Symlink(exe, filepath.Join(bin, "sgdbias")); err != nil {
		t.Skipf("cannot link the test binary: %v", err)
	}
	return append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// shell is one recipe command run by bash in its own process group, as a
// scheduler runs a task: signals go to the whole group.
type shell struct {
	cmd     *exec.Cmd
	ready   chan struct{} // closed at the first line on stderr matching readyAt
	mu      sync.Mutex
	stderr  bytes.Buffer
	scanned chan struct{}
}

func startShell(t *testing.T, dir string, env []string, script string, readyAt *regexp.Regexp) *shell {
	t.Helper()
	sh := &shell{cmd: exec.Command("bash", "-c", script), ready: make(chan struct{}), scanned: make(chan struct{})}
	sh.cmd.Dir, sh.cmd.Env = dir, env
	sh.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pipe, err := sh.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(sh.scanned)
		sc := bufio.NewScanner(pipe)
		ready := false
		for sc.Scan() {
			sh.mu.Lock()
			sh.stderr.WriteString(sc.Text() + "\n")
			sh.mu.Unlock()
			if !ready && readyAt != nil && readyAt.MatchString(sc.Text()) {
				close(sh.ready)
				ready = true
			}
		}
		if !ready {
			close(sh.ready)
		}
	}()
	return sh
}

// wait waits for bash and for every process of its group, so that a
// killed sgdbias has written its file before the next step.
func (sh *shell) wait() (int, string) {
	<-sh.scanned
	err := sh.cmd.Wait()
	pgid := sh.cmd.Process.Pid
	for syscall.Kill(-pgid, 0) == nil { // the group still has a member
		time.Sleep(10 * time.Millisecond)
	}
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return code, sh.stderr.String()
}

// killWhenReady signals the group once sgdbias has reported a finished job,
// i.e. while it runs (or, if it ended first, after it finished: then the
// rerun has nothing to do, which must give the same result too).
func (sh *shell) killWhenReady(sig syscall.Signal) {
	<-sh.ready
	syscall.Kill(-sh.cmd.Process.Pid, sig)
}

// runShell runs a command to its end and fails the test on a non-zero exit.
func runShell(t *testing.T, dir string, env []string, script string) string {
	t.Helper()
	code, errs := startShell(t, dir, env, script, nil).wait()
	if code != 0 {
		t.Fatalf("%s: exit %d\n%s", script, code, errs)
	}
	return errs
}

// unsharded is the recipe's sweep run whole, in this process: the flags
// without --shard, --out and --resume.
func unsharded(t *testing.T, sweepLine string, extra ...string) string {
	t.Helper()
	f := strings.Fields(sweepLine)
	var args []string
	for i := 1; i < len(f); i++ { // f[0] is "sgdbias"
		switch f[i] {
		case "--shard", "--out":
			i++
		case "--resume":
		default:
			args = append(args, f[i])
		}
	}
	out, errs, code := invoke(t, append(args, extra...)...)
	if code != 0 {
		t.Fatalf("unsharded %v: exit %d: %s", args, code, errs)
	}
	return out
}

// joinLines undoes the shell's line continuations.
func joinLines(s string) string { return strings.ReplaceAll(s, "\\\n", " ") }

func TestReadmeSlurmRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the recipe as separate processes")
	}
	blocks, merges := readmeSharding(t)
	script := shrinkGrid(t, joinLines(blocks[0]))
	arr := regexp.MustCompile(`#SBATCH --array=(\d+)-(\d+)`).FindStringSubmatch(script)
	if arr == nil {
		t.Fatal("the Slurm recipe has no --array=A-B")
	}
	lo, _ := strconv.Atoi(arr[1])
	hi, _ := strconv.Atoi(arr[2])
	env := sgdbiasOnPath(t)
	dir := t.TempDir()
	task := func(k int) *shell {
		return startShell(t, dir, append(env, "SLURM_ARRAY_TASK_ID="+strconv.Itoa(k)), script, oneJobDone)
	}
	// The array's tasks, as separate processes; three of them are stopped
	// as Slurm stops tasks (SIGTERM at the time limit), by a user (SIGINT)
	// and by the kernel (SIGKILL), then requeued: the same script again.
	kills := map[int]syscall.Signal{lo + 1: syscall.SIGTERM, lo + 2: syscall.SIGINT, lo + 3: syscall.SIGKILL}
	for k := lo; k <= hi; k++ {
		sh := task(k)
		if sig, ok := kills[k]; ok {
			sh.killWhenReady(sig)
		}
		code, errs := sh.wait()
		if _, killed := kills[k]; !killed && code != 0 {
			t.Fatalf("task %d: exit %d\n%s", k, code, errs)
		}
		if kills[k] != 0 && code != 0 && code != 130 && kills[k] != syscall.SIGKILL {
			t.Fatalf("task %d stopped by %v: exit %d, want 130 (or 0 if it had finished)\n%s", k, kills[k], code, errs)
		}
		if !strings.Contains(errs, "jobs on") {
			t.Errorf("task %d: no estimate on stderr:\n%s", k, errs)
		}
	}
	for k := range kills {
		code, errs := task(k).wait()
		if code != 0 {
			t.Fatalf("task %d requeued: exit %d\n%s", k, code, errs)
		}
		// A task stopped by a signal it could catch wrote the jobs it had
		// finished (at least one), and the rerun resumed from them.
		if kills[k] != syscall.SIGKILL && !resumedSome.MatchString(errs) {
			t.Errorf("task %d requeued after %v did not resume:\n%s", k, kills[k], errs)
		}
	}
	runShell(t, dir, env, merges[0])
	merged, err := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sweepLine := script[strings.Index(script, "sgdbias sweep"):]
	if want := unsharded(t, sweepLine, "--format", "csv", "--quiet"); string(merged) != want {
		t.Fatalf("merged CSV differs from the unsharded sweep:\n%s\n---\n%s", merged, want)
	}
}

func TestReadmeParallelRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the recipe as separate processes")
	}
	blocks, _ := readmeSharding(t)
	lines := strings.Split(strings.TrimSpace(shrinkGrid(t, joinLines(blocks[1]))), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "parallel ") || !strings.HasPrefix(lines[1], "sgdbias sweep merge ") {
		t.Fatalf("the GNU parallel recipe is not 'parallel … ::: …' then 'sgdbias sweep merge …':\n%q", lines)
	}
	tmpl, argList, ok := strings.Cut(lines[0], " ::: ")
	cmd := tmpl[strings.Index(tmpl, "sgdbias sweep"):] // drop "parallel -j N"
	if !ok || !strings.Contains(cmd, "{}") {
		t.Fatalf("no ':::' arguments or no {} in %q", lines[0])
	}
	env := sgdbiasOnPath(t)
	dir := t.TempDir()
	args := strings.Fields(argList)
	// GNU parallel's jobs: one process per argument, all at once; two are
	// stopped and run again (parallel --retries, or the user rerunning).
	kills := map[int]syscall.Signal{1: syscall.SIGTERM, 2: syscall.SIGKILL}
	shells := make([]*shell, len(args))
	for i, a := range args {
		shells[i] = startShell(t, dir, env, strings.ReplaceAll(cmd, "{}", a), oneJobDone)
	}
	for i, sh := range shells {
		if sig, ok := kills[i]; ok {
			sh.killWhenReady(sig)
		}
	}
	for i, sh := range shells {
		if code, errs := sh.wait(); code != 0 && kills[i] == 0 {
			t.Fatalf("job %s: exit %d\n%s", args[i], code, errs)
		}
	}
	for i, sig := range kills {
		errs := runShell(t, dir, env, strings.ReplaceAll(cmd, "{}", args[i]))
		if sig != syscall.SIGKILL && !resumedSome.MatchString(errs) {
			t.Errorf("job %s rerun after %v did not resume:\n%s", args[i], sig, errs)
		}
	}
	runShell(t, dir, env, lines[1]+" > merged.txt")
	sweepLine := cmd
	refSVG := filepath.Join(t.TempDir(), "ref.svg")
	unsharded(t, sweepLine, "--plot", refSVG, "--quiet")
	got, err1 := os.ReadFile(filepath.Join(dir, "sweep.svg"))
	want, err2 := os.ReadFile(refSVG)
	if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
		t.Fatalf("the merged figure differs from the unsharded one (%v, %v)", err1, err2)
	}
	// The merged table, timing aside, is the unsharded one.
	runShell(t, dir, env, lines[1]+" --no-timing --force > merged-table.txt")
	mergedTable, _ := os.ReadFile(filepath.Join(dir, "merged-table.txt"))
	if wantTable := unsharded(t, sweepLine, "--no-timing", "--quiet"); string(mergedTable) != wantTable {
		t.Fatalf("merged table differs:\n%s\n---\n%s", mergedTable, wantTable)
	}
}
