package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

const sinkPanic = `--- FAIL: FuzzParse (0.00s)
panic: parse: bad [recovered, repanicked]

goroutine 7 [running]:
example.com/toy/parse.Parse({0x1, 0x2, 0x3})
	/toy/parse/parse.go:9 +0x10
FAIL	example.com/toy/parse	0.01s
`

// Nothing found is lost: a crash the store cannot take is kept in the work
// directory and the error says where; an unconfirmed oom is not stored.
func TestStoreSinkKeepsWhatTheStoreRefuses(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/toy\n"), 0o644)
	// crashers/ is a file: the store cannot be written (even as root).
	os.WriteFile(filepath.Join(root, crashstore.DirName), []byte("not a directory"), 0o644)
	wd := &workdir.Dir{Root: filepath.Join(root, ".fuzzrun")}
	sink := &storeSink{store: crashstore.Open(root), root: root, wd: wd, ctx: context.Background()}
	c := engine.Crash{Target: "FuzzParse", ImportPath: "example.com/toy/parse", Dir: "parse",
		Input: []byte("bad"), GoFile: []byte("go test fuzz v1\n[]byte(\"bad\")\n"), File: "0123abcd", Output: []byte(sinkPanic)}
	_, err := sink.record(c)
	kept := filepath.Join(wd.Root, "unstored", "parse", "FuzzParse", "0123abcd")
	if err == nil || !strings.Contains(err.Error(), kept) {
		t.Fatalf("err = %v, want one naming %s", err, kept)
	}
	if data, err := os.ReadFile(kept); err != nil || string(data) != string(c.GoFile) {
		t.Errorf("input not kept: %q %v", data, err)
	}
	if log, err := os.ReadFile(kept + ".log"); err != nil || !strings.Contains(string(log), "panic: parse: bad") {
		t.Errorf("output not kept: %v", err)
	}

	os.Remove(filepath.Join(root, crashstore.DirName))
	c.Kind, c.Replayed, c.Reproduced, c.File = engine.KindOOM, true, false, "4567ef"
	_, err = sink.record(c)
	if !errors.Is(err, crashstore.ErrUnconfirmed) || !strings.Contains(err.Error(), filepath.Join(wd.Root, "unconfirmed")) {
		t.Fatalf("unconfirmed oom: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, crashstore.DirName, "parse.FuzzParse")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an unconfirmed oom was stored: %v", err)
	}
}
