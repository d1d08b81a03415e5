package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestTriageScripts runs testdata/script/triage_*.txtar: toy modules with
// planted (and one real, historical) bugs taken through the crash store
// with fuzzrun in-process. They build and replay test binaries, so -short
// skips them.
func TestTriageScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and replays toy modules")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "script", "triage_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no triage scripts: %v", err)
	}
	goEnv, err := goEnvVars()
	if err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(env *testscript.Env) error {
			// go commands the scripts run share the real build and
			// module caches, so only what changed is rebuilt.
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			env.Setenv("REPO", repo)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fuzzrun": scriptFuzzrun,
			"toymod":  scriptToymod,
		},
	})
}

// goEnvVars are the go command's cache and proxy settings, passed to the
// scripts, whose environment is otherwise empty.
func goEnvVars() (map[string]string, error) {
	out, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOSUMDB", "GOTOOLCHAIN", "GOFLAGS").Output()
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	return m, json.Unmarshal(out, &m)
}

// scriptFuzzrun runs fuzzrun in-process in the script's directory.
func scriptFuzzrun(ts *testscript.TestScript, neg bool, args []string) {
	var stdout, stderr bytes.Buffer
	cli := &CLI{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Dir: ts.MkAbs(".")}
	code := cli.Main(context.Background(), args)
	ts.Stdout().Write(stdout.Bytes())
	ts.Stderr().Write(stderr.Bytes())
	if (code != 0) != neg {
		ts.Fatalf("fuzzrun %s: exit code %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	if code != 0 {
		ts.Logf("exit code %d", code)
	}
}

// scriptToymod makes DIR/go.mod (holding a module line in the
// github.com/daemonfuzz/daemonfuzz/ namespace, so it may import the
// harness) use this repository through a replace directive. It copies the
// repository's requirements and go.sum, so the toy builds from the module
// cache alone with the versions the repository uses:
//
//	toymod DIR
func scriptToymod(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: toymod DIR")
	}
	dir := ts.MkAbs(args[0])
	repo := ts.Getenv("REPO")
	mod := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(mod)
	ts.Check(err)
	repoMod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	ts.Check(err)
	var b strings.Builder
	b.Write(data)
	b.WriteString("\nrequire github.com/daemonfuzz/daemonfuzz v0.0.0\n\nreplace github.com/daemonfuzz/daemonfuzz => " + repo + "\n")
	// The repository's go directive and require blocks, verbatim.
	inRequire := false
	for _, line := range strings.Split(string(repoMod), "\n") {
		switch {
		case strings.HasPrefix(line, "go "), strings.HasPrefix(line, "toolchain "):
			b.WriteString(line + "\n")
		case strings.HasPrefix(line, "require ("):
			inRequire = true
			b.WriteString(line + "\n")
		case inRequire:
			b.WriteString(line + "\n")
			inRequire = line != ")"
		case strings.HasPrefix(line, "require "):
			b.WriteString(line + "\n")
		}
	}
	ts.Check(os.WriteFile(mod, []byte(b.String()), 0o644))
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	ts.Check(err)
	ts.Check(os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))
}
