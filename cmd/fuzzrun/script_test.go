package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the golden files (cmp's second argument) inside testdata/script/*.txtar")

// TestMain makes this test binary double as the fuzzrun command: scripts
// run `fuzzrun ...` (or `exec fuzzrun ...`) as a real process, one that can
// be sent SIGINT and whose children can be looked for afterwards. Every
// script shares this one binary.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"fuzzrun": fuzzrunMain})
}

// fuzzrunMain is main's body: the command run as its own process.
func fuzzrunMain() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	cli := &CLI{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Dir: "."}
	code := cli.Main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// TestScripts runs testdata/script/*.txtar: toy modules fuzzrun has never
// seen, driven through the fuzzrun command as a user would, with outputs
// compared to golden files by cmp (go test -run TestScripts -update
// rewrites them) or, where they vary from run to run (times, rates, ids),
// matched by regexp. Scripts that build or fuzz start with [short] skip.
func TestScripts(t *testing.T) {
	env, err := scriptGoEnv()
	if err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "script"),
		UpdateScripts: *update,
		Setup: func(e *testscript.Env) error {
			// Every go command of every script shares the real build and
			// module caches, so only the toy modules are compiled, once.
			// The module proxy is the user's: triage_realbug needs an old
			// miekg/dns, which a fresh machine has to download.
			for k, v := range env {
				e.Setenv(k, v)
			}
			e.Setenv("GOFLAGS", "-mod=mod")
			e.Setenv("REPO", repo) // toymod points toy modules here
			return nil
		},
		Cmds: scriptCmds,
	})
}

// scriptGoEnv is the go command's cache and proxy settings, for the scripts, whose
// environment is otherwise almost empty.
func scriptGoEnv() (map[string]string, error) {
	out, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOTOOLCHAIN", "GOPROXY", "GOSUMDB").Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	m := map[string]string{}
	return m, json.Unmarshal(out, &m)
}
