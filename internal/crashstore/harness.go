package crashstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/report"
)

// HarnessHash is the sha256 of the Go files of the package in dir (names
// and contents, in name order): what turns a stored input into calls of the
// library. "" when the directory cannot be read.
func HarnessHash(dir string) string {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		return ""
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "zz_fuzzrun") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return ""
		}
		h.Write([]byte(filepath.Base(f) + "\x00"))
		h.Write(data)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// harness records the target package's code as it is now. The commit is
// the checkout's HEAD when the package has no uncommitted change (so the
// package can be restored from it), else empty.
func (s *Store) harness(dir string) *report.Harness {
	abs := filepath.Join(s.ModuleRoot, filepath.FromSlash(dir))
	h := &report.Harness{Hash: HarnessHash(abs)}
	if h.Hash == "" {
		return nil
	}
	if s.Commit != nil {
		h.Commit = s.Commit(s.ModuleRoot, dir)
	} else {
		h.Commit = GitCommit(s.ModuleRoot, dir)
	}
	return h
}

// GitCommit returns HEAD of the git checkout at moduleRoot when the package
// directory dir has no uncommitted changes, else "".
func GitCommit(moduleRoot, dir string) string {
	head, err := exec.Command("git", "-C", moduleRoot, "rev-parse", "HEAD").Output()
	if err != nil {
		return ""
	}
	status, err := exec.Command("git", "-C", moduleRoot, "status", "--porcelain", "--", dir).Output()
	if err != nil || len(bytes.TrimSpace(status)) > 0 {
		return ""
	}
	return strings.TrimSpace(string(head))
}

// ModulePath is the module path in the store's go.mod ("" if unreadable).
func (s *Store) ModulePath() string { return s.modulePath() }

// modulePath is the module path in the store's go.mod, read once.
func (s *Store) modulePath() string {
	if s.modPath == "" {
		s.modPath = readModulePath(s.ModuleRoot)
	}
	return s.modPath
}

// readModulePath is the module path in root's go.mod, or "".
func readModulePath(root string) string {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}
