// local.go runs GitHub workflow files here (matrix expansion, steps, env,
// the fake API); it is over 400 lines because a workflow runner is one state
// machine over one parsed YAML model, and splitting it would spread that
// model over files.

package ci

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Workflow is the part of a GitHub Actions workflow the local runner runs.
type Workflow struct {
	Name string
	Jobs []Job // in file order
}

// Job is one job of a workflow.
type Job struct {
	ID      string
	Needs   []string
	If      string
	Matrix  map[string]string // strategy.matrix: each key's expression or value
	Outputs map[string]string
	Steps   []Step
	RunsOn  string // runs-on, as written
}

// Step is one step of a job.
type Step struct {
	Name, ID, Uses, Run, If string
	With, Env               map[string]string
	Line                    int
}

// Label names the step in messages.
func (s Step) Label() string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Uses != "":
		return s.Uses
	}
	return s.Run
}

// ParseWorkflow reads a workflow file's jobs and steps.
func ParseWorkflow(data []byte) (*Workflow, error) {
	var doc struct {
		Name string
		Jobs yaml.Node
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	wf := &Workflow{Name: doc.Name}
	for i := 0; i+1 < len(doc.Jobs.Content); i += 2 {
		var j struct {
			Needs    yaml.Node
			If       string
			RunsOn   string `yaml:"runs-on"`
			Outputs  map[string]string
			Strategy struct{ Matrix map[string]string }
			Steps    []struct {
				Name, ID, Uses, Run, If string
				With, Env               map[string]string
				Line                    int `yaml:"-"`
			}
		}
		node := doc.Jobs.Content[i+1]
		if err := node.Decode(&j); err != nil {
			return nil, fmt.Errorf("job %s: %w", doc.Jobs.Content[i].Value, err)
		}
		job := Job{ID: doc.Jobs.Content[i].Value, If: j.If, Matrix: j.Strategy.Matrix, Outputs: j.Outputs, RunsOn: j.RunsOn}
		switch j.Needs.Kind {
		case yaml.ScalarNode:
			job.Needs = []string{j.Needs.Value}
		case yaml.SequenceNode:
			for _, n := range j.Needs.Content {
				job.Needs = append(job.Needs, n.Value)
			}
		}
		steps := get(node, "steps")
		for k, s := range j.Steps {
			job.Steps = append(job.Steps, Step{Name: s.Name, ID: s.ID, Uses: s.Uses, Run: s.Run, If: s.If,
				With: s.With, Env: s.Env, Line: steps.Content[k].Line})
		}
		wf.Jobs = append(wf.Jobs, job)
	}
	return wf, nil
}

// Local runs a workflow's jobs on this machine, each in a fresh clone of
// Repo, the way a GitHub-hosted runner would, for the actions the
// repository's workflows use: checkout (a git clone), setup-go (the Go on
// PATH), cache restore/save (a directory that outlives the run, keys
// immutable, restore-keys matching the newest entry by prefix) and
// upload/download-artifact (a directory per run, v4 semantics: hidden files
// left out unless include-hidden-files, one upload per name, downloads by
// pattern into a directory per artifact unless merge-multiple). A run:
// step runs with bash -eo pipefail, its env:, $GITHUB_OUTPUT and
// $GITHUB_STEP_SUMMARY. Any other action is an error.
type Local struct {
	Repo      string         // the repository actions/checkout clones
	Dir       string         // scratch directory: the jobs' workspace (one at a time) and temp dirs
	Cache     string         // the actions/cache store; reuse it across runs
	Artifacts string         // this run's artifacts
	Env       []string       // extra environment of every run: step (GITHUB_API_URL, ...)
	Contexts  map[string]any // github, inputs, secrets, ...
	// Matrix, when set, picks the matrix entries to run from all of them.
	Matrix func(job string, entries []any) []any
	Log    io.Writer

	seq int
}

// Result is what happened to one job (one matrix entry of it).
type Result struct {
	Job     string
	Failed  bool
	Err     error
	Outputs map[string]any
}

// Run runs the workflow's jobs in file order (needs must name earlier jobs)
// and returns the first failure, if any, with every job's result.
func (l *Local) Run(ctx context.Context, wf *Workflow) ([]Result, error) {
	needs := map[string]any{}
	var results []Result
	var firstErr error
	for _, job := range wf.Jobs {
		st := Status{}
		jobNeeds := map[string]any{}
		for _, n := range job.Needs {
			r, ok := needs[n].(map[string]any)
			if !ok {
				return results, fmt.Errorf("job %s needs %s, which has not run before it", job.ID, n)
			}
			jobNeeds[n] = r
			st.Failed = st.Failed || r["result"] == "failure"
		}
		cx := l.contexts(map[string]any{"needs": jobNeeds})
		if run, err := condition(job.If, cx, st); err != nil {
			return results, fmt.Errorf("job %s: if: %w", job.ID, err)
		} else if !run {
			fmt.Fprintf(l.Log, "== job %s: skipped (if: %s)\n", job.ID, job.If)
			needs[job.ID] = map[string]any{"result": "skipped", "outputs": map[string]any{}}
			continue
		}
		entries := []any{nil}
		if len(job.Matrix) > 0 {
			var err error
			if entries, err = l.expand(job, cx); err != nil {
				return results, err
			}
		}
		outputs := map[string]any{}
		result := "success"
		for _, entry := range entries {
			r := l.runJob(ctx, job, cx, entry)
			results = append(results, r)
			if r.Failed {
				result = "failure"
				if firstErr == nil {
					firstErr = r.Err
				}
			}
			for k, v := range r.Outputs {
				outputs[k] = v
			}
		}
		needs[job.ID] = map[string]any{"result": result, "outputs": outputs}
	}
	return results, firstErr
}

func (l *Local) contexts(extra map[string]any) map[string]any {
	cx := map[string]any{}
	for k, v := range l.Contexts {
		cx[k] = v
	}
	for k, v := range extra {
		cx[k] = v
	}
	return cx
}

// condition evaluates an if:, which without a status function means
// success() && (if).
func condition(cond string, cx map[string]any, st Status) (bool, error) {
	cond = strings.TrimSpace(cond)
	if m := interpolation.FindStringSubmatch(cond); m != nil && m[0] == cond {
		cond = m[1]
	}
	if cond == "" {
		return !st.Failed, nil
	}
	v, err := Eval(cond, cx, st)
	if err != nil {
		return false, err
	}
	if !regexp.MustCompile(`\b(always|failure|cancelled|success)\(`).MatchString(cond) {
		return !st.Failed && Truthy(v), nil
	}
	return Truthy(v), nil
}

// expand evaluates the matrix of a job with one matrix key.
func (l *Local) expand(job Job, cx map[string]any) ([]any, error) {
	if len(job.Matrix) != 1 {
		return nil, fmt.Errorf("job %s: the local runner expands a matrix of one key", job.ID)
	}
	var key, expr string
	for key, expr = range job.Matrix {
	}
	m := interpolation.FindStringSubmatch(strings.TrimSpace(expr))
	if m == nil {
		return nil, fmt.Errorf("job %s: matrix.%s is not an expression", job.ID, key)
	}
	v, err := Eval(m[1], cx, Status{})
	if err != nil {
		return nil, fmt.Errorf("job %s: matrix.%s: %w", job.ID, key, err)
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("job %s: matrix.%s is %s, not a non-empty list", job.ID, key, String(v))
	}
	if l.Matrix != nil {
		list = l.Matrix(job.ID, list)
	}
	entries := make([]any, len(list))
	for i, e := range list {
		entries[i] = map[string]any{key: e}
	}
	return entries, nil
}

func (l *Local) runJob(ctx context.Context, job Job, cx map[string]any, matrix any) Result {
	l.seq++
	name := job.ID
	if matrix != nil {
		name += " " + String(matrix)
		cx = l.contexts(map[string]any{"needs": cx["needs"], "matrix": matrix})
	}
	fmt.Fprintf(l.Log, "== job %s\n", name)
	res := Result{Job: name, Outputs: map[string]any{}}
	// One workspace path for every job, as on a hosted runner: Go's build
	// cache keys on the source directory, so jobs share compiled packages.
	ws := filepath.Join(l.Dir, "workspace")
	tmp := filepath.Join(l.Dir, fmt.Sprintf("tmp-%02d-%s", l.seq, job.ID))
	if err := os.RemoveAll(ws); err != nil {
		res.Failed, res.Err = true, err
		return res
	}
	for _, d := range []string{ws, tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			res.Failed, res.Err = true, err
			return res
		}
	}
	steps := map[string]any{}
	cx["steps"] = steps
	st := Status{}
	for i, s := range job.Steps {
		run, err := condition(s.If, cx, st)
		if err != nil {
			err = fmt.Errorf("job %s, step %q (line %d): if: %w", name, s.Label(), s.Line, err)
			return Result{Job: name, Failed: true, Err: err}
		}
		if !run {
			fmt.Fprintf(l.Log, "-- step %q: skipped\n", s.Label())
			continue
		}
		fmt.Fprintf(l.Log, "-- step %q\n", s.Label())
		start := time.Now()
		outputs, err := l.step(ctx, s, i, ws, tmp, cx, st)
		fmt.Fprintf(l.Log, "-- step %q: %.1fs\n", s.Label(), time.Since(start).Seconds())
		if s.ID != "" {
			steps[s.ID] = map[string]any{"outputs": outputs}
		}
		if err != nil && !st.Failed {
			st.Failed = true
			res.Failed = true
			res.Err = fmt.Errorf("job %s, step %q (line %d): %w", name, s.Label(), s.Line, err)
			fmt.Fprintf(l.Log, "-- step %q FAILED: %v\n", s.Label(), err)
		}
	}
	for k, expr := range job.Outputs {
		v, err := Interpolate(expr, cx, st)
		if err != nil && !res.Failed {
			res.Failed, res.Err = true, fmt.Errorf("job %s: output %s: %w", name, k, err)
		}
		res.Outputs[k] = v
	}
	return res
}

func (l *Local) step(ctx context.Context, s Step, i int, ws, tmp string, cx map[string]any, st Status) (map[string]any, error) {
	with := map[string]string{}
	for k, v := range s.With {
		iv, err := Interpolate(v, cx, st)
		if err != nil {
			return nil, fmt.Errorf("with.%s: %w", k, err)
		}
		with[k] = iv
	}
	if s.Run != "" {
		return l.run(ctx, s, i, ws, tmp, cx, st)
	}
	action := s.Uses
	if at := strings.LastIndexByte(action, '@'); at >= 0 {
		action = action[:at]
	}
	switch action {
	case "actions/checkout":
		cmd := exec.CommandContext(ctx, "git", "clone", "-q", l.Repo, ws)
		if err := os.Remove(ws); err != nil {
			return nil, err
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("git clone: %v: %s", err, out)
		}
	case "actions/setup-go":
		if f := with["go-version-file"]; f != "" {
			if _, err := os.Stat(filepath.Join(ws, f)); err != nil {
				return nil, fmt.Errorf("go-version-file: %w", err)
			}
		}
	case "actions/cache/restore":
		return l.cacheRestore(ws, with)
	case "actions/cache/save":
		return nil, l.cacheSave(ws, with)
	case "actions/upload-artifact":
		return nil, l.upload(ws, with)
	case "actions/download-artifact":
		return nil, l.download(ws, with)
	default:
		return nil, fmt.Errorf("the local runner does not run action %s", s.Uses)
	}
	return map[string]any{}, nil
}

// run runs a run: script as GitHub's bash shell does.
func (l *Local) run(ctx context.Context, s Step, i int, ws, tmp string, cx map[string]any, st Status) (map[string]any, error) {
	outFile := filepath.Join(tmp, fmt.Sprintf("output-%d", i))
	summary := filepath.Join(tmp, "summary.md")
	env := append(os.Environ(), l.Env...)
	env = append(env, "CI=true", "GITHUB_ACTIONS=true", "GITHUB_WORKSPACE="+ws, "RUNNER_TEMP="+tmp,
		"GITHUB_OUTPUT="+outFile, "GITHUB_STEP_SUMMARY="+summary)
	for _, k := range sortedKeys(s.Env) {
		v, err := Interpolate(s.Env[k], cx, st)
		if err != nil {
			return nil, fmt.Errorf("env.%s: %w", k, err)
		}
		env = append(env, k+"="+v)
	}
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
	cmd.Dir, cmd.Env = ws, env
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, l.Log)
	cmd.Stderr = cmd.Stdout
	err := cmd.Run()
	outputs := map[string]any{}
	if data, rerr := os.ReadFile(outFile); rerr == nil {
		for k, v := range parseOutputs(data) {
			outputs[k] = v
		}
	}
	if err != nil {
		return outputs, fmt.Errorf("%s: %v", s.Run, err)
	}
	return outputs, nil
}

// parseOutputs reads $GITHUB_OUTPUT: name=value lines and name<<DELIM
// blocks.
func parseOutputs(data []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if k, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(k, "=") {
			var v []string
			for sc.Scan() && sc.Text() != delim {
				v = append(v, sc.Text())
			}
			out[k] = strings.Join(v, "\n")
		} else if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// cacheRestore restores the entry of key, or the newest whose key starts
// with one of restore-keys (tried in order).
func (l *Local) cacheRestore(ws string, with map[string]string) (map[string]any, error) {
	key := with["key"]
	if key == "" {
		return nil, fmt.Errorf("cache restore without a key")
	}
	hit := ""
	if _, err := os.Stat(filepath.Join(l.Cache, key)); err == nil {
		hit = key
	}
	for _, prefix := range lines(with["restore-keys"]) {
		if hit != "" {
			break
		}
		best, bestOrder := "", int64(-1)
		entries, _ := os.ReadDir(l.Cache)
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), prefix) {
				continue
			}
			data, err := os.ReadFile(filepath.Join(l.Cache, e.Name(), ".order"))
			var order int64
			if err == nil {
				fmt.Sscan(string(data), &order)
			}
			if order > bestOrder {
				best, bestOrder = e.Name(), order
			}
		}
		hit = best
	}
	if hit == "" {
		fmt.Fprintf(l.Log, "cache: no entry for %s\n", key)
		return map[string]any{"cache-hit": "false"}, nil
	}
	fmt.Fprintf(l.Log, "cache: restored %s\n", hit)
	for _, p := range lines(with["path"]) {
		src := filepath.Join(l.Cache, hit, "files", filepath.FromSlash(p))
		if _, err := os.Stat(src); err != nil {
			continue
		}
		if err := copyTree(src, filepath.Join(ws, filepath.FromSlash(p))); err != nil {
			return nil, err
		}
	}
	return map[string]any{"cache-hit": fmt.Sprint(hit == key), "cache-matched-key": hit}, nil
}

// cacheSave stores the paths under key, unless key exists: cache entries
// are immutable.
func (l *Local) cacheSave(ws string, with map[string]string) error {
	key := with["key"]
	dir := filepath.Join(l.Cache, key)
	if _, err := os.Stat(dir); err == nil {
		fmt.Fprintf(l.Log, "cache: %s exists; not saved again\n", key)
		return nil
	}
	n := 0
	for _, p := range lines(with["path"]) {
		src := filepath.Join(ws, filepath.FromSlash(p))
		if _, err := os.Stat(src); err != nil {
			continue
		}
		n++
		if err := copyTree(src, filepath.Join(dir, "files", filepath.FromSlash(p))); err != nil {
			return err
		}
	}
	if n == 0 {
		fmt.Fprintf(l.Log, "cache: nothing to save under %s\n", key)
		return nil
	}
	fmt.Fprintf(l.Log, "cache: saved %s\n", key)
	return os.WriteFile(filepath.Join(dir, ".order"), []byte(fmt.Sprint(time.Now().UnixNano())), 0o644)
}

// upload stores the files of path under the artifact's name: the
// directory's contents for one directory, paths below the common ancestor
// for several. Hidden files (a path element starting with a dot) are left
// out unless include-hidden-files is true, as in upload-artifact v4.4+.
func (l *Local) upload(ws string, with map[string]string) error {
	name := with["name"]
	if name == "" {
		name = "artifact"
	}
	dest := filepath.Join(l.Artifacts, name)
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("an artifact named %q was already uploaded in this run (v4 artifacts are immutable)", name)
	}
	hidden := with["include-hidden-files"] == "true"
	paths := lines(with["path"])
	root := ""
	for _, p := range paths {
		p = path.Clean(p)
		if root == "" {
			root = p
			if fi, err := os.Stat(filepath.Join(ws, p)); err != nil || !fi.IsDir() {
				root = path.Dir(p)
			}
			continue
		}
		for root != "." && !strings.HasPrefix(p+"/", root+"/") {
			root = path.Dir(root)
		}
	}
	n := 0
	for _, p := range paths {
		base := filepath.Join(ws, filepath.FromSlash(path.Clean(p)))
		err := filepath.Walk(base, func(f string, fi os.FileInfo, err error) error {
			if err != nil || fi.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(ws, f)
			if !hidden && isHidden(rel) {
				return nil
			}
			inArtifact, _ := filepath.Rel(filepath.Join(ws, filepath.FromSlash(root)), f)
			n++
			return copyFile(f, filepath.Join(dest, inArtifact))
		})
		if err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if n == 0 {
		switch with["if-no-files-found"] {
		case "error":
			return fmt.Errorf("artifact %s: no files found at %s", name, strings.Join(paths, ", "))
		case "ignore":
		default:
			fmt.Fprintf(l.Log, "warning: artifact %s: no files found at %s\n", name, strings.Join(paths, ", "))
		}
		return nil
	}
	fmt.Fprintf(l.Log, "artifact: uploaded %s (%d files)\n", name, n)
	return nil
}

func isHidden(rel string) bool {
	for _, el := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(el, ".") && el != "." && el != ".." {
			return true
		}
	}
	return false
}

// download copies the artifacts named, or matching pattern, into path:
// each into path/<name>/ unless merge-multiple (or a single name).
func (l *Local) download(ws string, with map[string]string) error {
	dest := filepath.Join(ws, filepath.FromSlash(with["path"]))
	entries, _ := os.ReadDir(l.Artifacts)
	for _, e := range entries {
		if name := with["name"]; name != "" {
			if e.Name() == name {
				return copyTree(filepath.Join(l.Artifacts, name), dest)
			}
			continue
		}
		if ok, _ := path.Match(with["pattern"], e.Name()); !ok && with["pattern"] != "" {
			continue
		}
		to := filepath.Join(dest, e.Name())
		if with["merge-multiple"] == "true" {
			to = dest
		}
		if err := copyTree(filepath.Join(l.Artifacts, e.Name()), to); err != nil {
			return err
		}
	}
	if name := with["name"]; name != "" {
		return fmt.Errorf("no artifact named %s", name)
	}
	return nil
}

func copyTree(src, dst string) error {
	return filepath.Walk(src, func(f string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, f)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		return copyFile(f, filepath.Join(dst, rel))
	})
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, fi.Mode().Perm())
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
