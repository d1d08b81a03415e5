package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain makes this test binary double as the fuzzrun command, so
// scripts can `exec fuzzrun ...` a real process: one that can be sent
// SIGINT, whose children can be looked for afterwards.
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

// TestRunScripts runs testdata/script/list_*.txtar and run_*.txtar: toy
// modules fuzzrun has never seen (none imports this repository), driven
// through `exec fuzzrun` as a user would. The run_ scripts build and fuzz,
// so -short skips them (each says [short] skip).
func TestRunScripts(t *testing.T) {
	var files []string
	for _, pat := range []string{"list_*.txtar", "run_*.txtar"} {
		m, err := filepath.Glob(filepath.Join("testdata", "script", pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no list_ or run_ scripts in testdata/script")
	}
	goEnv, err := scriptGoEnv()
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(env *testscript.Env) error {
			// The go commands fuzzrun starts share the real build cache,
			// so only the toy module itself is compiled; no network.
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOFLAGS", "-mod=mod")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitlines": cmdWaitLines,
			"noprocs":   cmdNoProcs,
			"minfiles":  cmdMinFiles,
		},
	})
}

// scriptGoEnv is the go command's cache settings, for the scripts, whose
// environment is otherwise almost empty.
func scriptGoEnv() (map[string]string, error) {
	out, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOTOOLCHAIN").Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	m := map[string]string{}
	return m, json.Unmarshal(out, &m)
}

// cmdWaitLines waits until FILE holds at least N lines: a condition a
// background fuzzrun reaches, not a time. It gives up after ten minutes,
// far beyond any healthy run, so a broken runner fails instead of hanging.
//
//	waitlines FILE N
func cmdWaitLines(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitlines FILE N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	path := ts.MkAbs(args[0])
	giveUp := time.Now().Add(10 * time.Minute)
	for {
		if countLines(path) >= n {
			return
		}
		if time.Now().After(giveUp) {
			ts.Fatalf("%s never reached %d lines", args[0], n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		n++
	}
	return n
}

// cmdNoProcs fails if any process still runs inside the script's work
// directory: a fuzzing coordinator or worker fuzzrun failed to stop.
//
//	noprocs
func cmdNoProcs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: noprocs")
	}
	work := ts.Getenv("WORK")
	ents, err := os.ReadDir("/proc")
	ts.Check(err)
	var left []string
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || (cwd != work && !strings.HasPrefix(cwd, work+"/")) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		left = append(left, e.Name()+": "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	if len(left) > 0 {
		ts.Fatalf("processes left running in $WORK:\n%s", strings.Join(left, "\n"))
	}
}

// cmdMinFiles checks that DIR holds at least N files.
//
//	minfiles DIR N
func cmdMinFiles(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: minfiles DIR N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	ents, _ := os.ReadDir(ts.MkAbs(args[0]))
	files := 0
	for _, e := range ents {
		if !e.IsDir() {
			files++
		}
	}
	if (files >= n) == neg {
		ts.Fatalf("%s holds %d files; want %s%d", args[0], files, map[bool]string{false: "at least ", true: "fewer than "}[neg], n)
	}
}
