package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"

	"sgdbias/sim/problem"
)

// FileFormat names the format of result files; a reader refuses others.
const FileFormat = "sgdbias-sweep/1"

// fileJSON is the layout of a result file: the whole configuration and the
// raw per-job records, so that merging recomputes every statistic exactly.
type fileJSON struct {
	Format      string   `json:"format"`
	Version     string   `json:"sgdbias_version,omitempty"`
	Fingerprint string   `json:"fingerprint"`
	Config      Config   `json:"config"`
	Shard       Shard    `json:"shard"`
	JobsTotal   int      `json:"jobs_total"`
	ShardJobs   int      `json:"shard_jobs"`
	Interrupted bool     `json:"interrupted"`
	WallSeconds float64  `json:"wall_seconds,omitempty"`
	Records     []Record `json:"records"`
}

// WriteJSON writes the result as a result file (one record per line, so
// that the file diffs and greps well).
func (r *Result) WriteJSON(w io.Writer) error {
	shard := r.Shard
	if shard.Whole() {
		shard = Shard{K: 0, N: 1}
	}
	f := fileJSON{
		Format: FileFormat, Version: r.Version, Fingerprint: r.Config.Fingerprint(),
		Config: r.Config, Shard: shard, JobsTotal: r.Config.Jobs(),
		ShardJobs: len(shard.Jobs(r.Config.Jobs())), Interrupted: r.Interrupted,
		WallSeconds: r.WallSeconds,
	}
	head, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	// Replace the empty "records": null with one record per line.
	head = bytes.TrimSuffix(head, []byte("\n}"))
	head = bytes.TrimSuffix(head, []byte("null"))
	var buf bytes.Buffer
	buf.Write(head)
	buf.WriteString("[")
	for i, rec := range r.Records {
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n    ")
		buf.Write(b)
	}
	if len(r.Records) > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteString("]\n}\n")
	_, err = w.Write(buf.Bytes())
	return err
}

// ReadFile reads a result file written by WriteJSON.
func ReadFile(path string) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadResult(path, f)
}

// ReadResult reads a result file and checks it: its format, that its
// configuration is valid and matches its fingerprint, and that every record
// belongs to its shard, once, with the point, algorithm and repetition its
// job index says. name is used in messages.
func ReadResult(name string, rd io.Reader) (*Result, error) {
	dec := json.NewDecoder(rd)
	dec.DisallowUnknownFields()
	var f fileJSON
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: not a sweep result file: %v", name, strings.TrimPrefix(err.Error(), "json: "))
	}
	if f.Format == "" {
		return nil, fmt.Errorf("%s: not a sweep result file: it has no \"format\": %q; write one with 'sgdbias sweep --out'", name, FileFormat)
	}
	if f.Format != FileFormat {
		return nil, fmt.Errorf("%s: format %q is not %q; write it with 'sgdbias sweep --out'", name, f.Format, FileFormat)
	}
	c := f.Config
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid config: %v", name, err)
	}
	if fp := c.Fingerprint(); fp != f.Fingerprint {
		return nil, fmt.Errorf("%s: the fingerprint %.12s… does not match the config (%.12s…): the file was edited or damaged", name, f.Fingerprint, fp)
	}
	if f.Shard.N < 1 || f.Shard.K < 0 || f.Shard.K >= f.Shard.N {
		return nil, fmt.Errorf("%s: shard %d/%d is not valid", name, f.Shard.K, f.Shard.N)
	}
	if f.JobsTotal != c.Jobs() {
		return nil, fmt.Errorf("%s: jobs_total %d, but the config has %d jobs", name, f.JobsTotal, c.Jobs())
	}
	res := &Result{Config: c, Shard: f.Shard, Records: f.Records, Interrupted: f.Interrupted,
		WallSeconds: f.WallSeconds, Version: f.Version, Source: name}
	if res.Shard.Whole() {
		res.Shard = Shard{}
	}
	sort.SliceStable(res.Records, func(i, j int) bool { return res.Records[i].Job < res.Records[j].Job })
	for i, rec := range res.Records {
		if rec.Job < 0 || rec.Job >= c.Jobs() || !res.Shard.Contains(rec.Job) {
			return nil, fmt.Errorf("%s: record of job %d is not a job of shard %s", name, rec.Job, f.Shard)
		}
		if i > 0 && res.Records[i-1].Job == rec.Job {
			return nil, fmt.Errorf("%s: job %d is recorded twice", name, rec.Job)
		}
		if j := c.Job(rec.Job); j.Point != rec.Point || j.Algo != rec.Algo || j.Rep != rec.Rep {
			return nil, fmt.Errorf("%s: record of job %d says point %d, %s, rep %d; the config says point %d, %s, rep %d",
				name, rec.Job, rec.Point, rec.Algo, rec.Rep, j.Point, j.Algo, j.Rep)
		}
	}
	return res, nil
}

// MissingError reports the jobs of a sweep that no part covered.
type MissingError struct {
	Config Config
	Jobs   []int // the missing job indices, sorted
	// Absent lists the shards of a common N that no part was for, and
	// Incomplete the parts that lack some of their own jobs (interrupted).
	Absent     []Shard
	Incomplete []string
}

func (e *MissingError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "missing %d of %d jobs", len(e.Jobs), e.Config.Jobs())
	if len(e.Absent) > 0 {
		names := make([]string, len(e.Absent))
		for i, s := range e.Absent {
			names[i] = s.String()
		}
		fmt.Fprintf(&b, "; no file for shard %s", strings.Join(names, ", "))
	}
	if len(e.Incomplete) > 0 {
		fmt.Fprintf(&b, "; incomplete (interrupted?): %s", strings.Join(e.Incomplete, ", "))
	}
	const show = 3
	var eg []string
	for _, j := range e.Jobs[:min(show, len(e.Jobs))] {
		eg = append(eg, e.Config.DescribeJob(j))
	}
	fmt.Fprintf(&b, "; first missing: %s", strings.Join(eg, "; "))
	return b.String()
}

// Merge combines results of the same sweep (shards, typically) into one
// result for the whole sweep, with the statistics recomputed from the raw
// records. It refuses parts of different sweeps (different fingerprints) and
// parts that share a job. When jobs are missing it returns the merged result
// together with a *MissingError, so that a caller may still use it.
func Merge(parts []*Result) (*Result, error) {
	if len(parts) == 0 {
		return nil, errors.New("merge: no result to merge")
	}
	base := parts[0]
	fp := base.Config.Fingerprint()
	owner := map[int]string{}
	res := &Result{Config: base.Config, Version: base.Version}
	for i, part := range parts {
		name := sourceName(part, i)
		if pf := part.Config.Fingerprint(); pf != fp {
			return nil, fmt.Errorf("%s is from a different sweep than %s (fingerprint %.12s… ≠ %.12s…; differs in %s)",
				name, sourceName(base, 0), pf, fp, strings.Join(configDiff(base.Config, part.Config), ", "))
		}
		for _, rec := range part.Records {
			if prev, dup := owner[rec.Job]; dup {
				return nil, fmt.Errorf("%s and %s both have job %d (%s): shards overlap; merge each shard once",
					prev, name, rec.Job, part.Config.DescribeJob(rec.Job))
			}
			owner[rec.Job] = name
			res.Records = append(res.Records, rec)
		}
		res.WallSeconds += part.WallSeconds
		res.Interrupted = res.Interrupted || part.Interrupted
	}
	sort.Slice(res.Records, func(i, j int) bool { return res.Records[i].Job < res.Records[j].Job })
	missing := res.Missing()
	if len(missing) == 0 {
		res.Interrupted = false
		return res, nil
	}
	res.Interrupted = true
	me := &MissingError{Config: res.Config, Jobs: missing}
	if n := commonShardCount(parts); n > 1 {
		present := map[int]bool{}
		for _, p := range parts {
			present[p.Shard.K] = true
		}
		for k := range n {
			if !present[k] {
				me.Absent = append(me.Absent, Shard{K: k, N: n})
			}
		}
	}
	for i, p := range parts {
		if m := p.Missing(); len(m) > 0 {
			me.Incomplete = append(me.Incomplete, fmt.Sprintf("%s lacks %d of its jobs", sourceName(p, i), len(m)))
		}
	}
	return res, me
}

// commonShardCount is the N all parts share, or 0 when they differ.
func commonShardCount(parts []*Result) int {
	n := parts[0].Shard.N
	for _, p := range parts {
		if p.Shard.N != n {
			return 0
		}
	}
	return n
}

func sourceName(r *Result, i int) string {
	if r.Source != "" {
		return r.Source
	}
	return fmt.Sprintf("part %d", i+1)
}

// DescribeJob names job i by its swept parameters, algorithm and repetition,
// e.g. "α=0.001 sgd rep 3 (seed 4)".
func (c Config) DescribeJob(i int) string {
	j := c.Job(i)
	pt := c.Grid.Point(j.Point)
	var parts []string
	for _, p := range c.Grid.Swept() {
		parts = append(parts, fmt.Sprintf("%s=%.4g", p.Label(), pt.Value(p)))
	}
	parts = append(parts, string(j.Algo), fmt.Sprintf("rep %d (seed %d)", j.Rep, c.DataSeed(j.Rep)))
	return fmt.Sprintf("job %d: %s", i, strings.Join(parts, " "))
}

// configDiff names the fields in which two configurations differ, as dotted
// JSON keys (two levels deep).
func configDiff(a, b Config) []string {
	ma, mb := asMap(a), asMap(b)
	var out []string
	for _, k := range unionKeys(ma, mb) {
		va, vb := ma[k], mb[k]
		sa, okA := va.(map[string]any)
		sb, okB := vb.(map[string]any)
		if okA && okB {
			for _, kk := range unionKeys(sa, sb) {
				if !reflect.DeepEqual(stripSpec(sa[kk]), stripSpec(sb[kk])) {
					out = append(out, k+"."+kk)
				}
			}
			continue
		}
		if !reflect.DeepEqual(va, vb) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = []string{"nothing visible (a damaged file?)"}
	}
	return out
}

func stripSpec(v any) any {
	if m, ok := v.(map[string]any); ok {
		c := map[string]any{}
		for k, x := range m {
			if k != "spec" {
				c[k] = x
			}
		}
		return c
	}
	return v
}

func asMap(c Config) map[string]any {
	b, _ := json.Marshal(c)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func unionKeys(a, b map[string]any) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// ProblemSHA256 identifies a problem by its numbers: the SHA-256 of n, d and
// the bits of X, y and β* (when known) and of the feature variances.
func ProblemSHA256(p *problem.Problem) string {
	h := sha256.New()
	var buf [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(buf[:], v)
		h.Write(buf[:])
	}
	putAll := func(v []float64) {
		put(uint64(len(v)))
		for _, x := range v {
			put(math.Float64bits(x))
		}
	}
	put(uint64(p.N))
	put(uint64(p.D))
	putAll(p.X)
	putAll(p.Y)
	putAll(p.BetaStar)
	putAll(p.FeatureVar)
	return hex.EncodeToString(h.Sum(nil))
}
