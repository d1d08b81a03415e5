package crashstore

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/report"
)

// GoListDeps lists the modules linked into the test binary of the package
// in dir (relative to moduleRoot), with replacements resolved, sorted by
// path. These are the versions a crash was seen with and, after triage, the
// versions it stopped reproducing with.
//
// It runs in the package's directory, so a package of a module nested in
// the root (target.Target.Module) lists its own module's versions.
func GoListDeps(moduleRoot, dir string) ([]report.Module, error) {
	const arg = "."
	const format = `{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}}{{with .Replace}} {{.Path}} {{.Version}}{{end}}{{end}}{{end}}`
	cmd := exec.Command("go", "list", "-deps", "-test", "-f", format, arg)
	cmd.Dir = filepath.Join(moduleRoot, filepath.FromSlash(dir))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps -test %s in %s: %v: %s", arg, cmd.Dir, err, strings.TrimSpace(stderr.String()))
	}
	seen := map[string]report.Module{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch len(f) {
		case 2:
			seen[f[0]] = report.Module{Path: f[0], Version: f[1]}
		case 3: // replaced by a directory
			seen[f[0]] = report.Module{Path: f[0], Version: f[1] + " => " + f[2]}
		case 4:
			seen[f[0]] = report.Module{Path: f[0], Version: f[1] + " => " + f[2] + " " + f[3]}
		}
	}
	mods := make([]report.Module, 0, len(seen))
	for _, m := range seen {
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return mods, nil
}

// deps returns the dependency versions of the package in dir, computed once
// per store. A failure leaves them out rather than losing the crash.
func (s *Store) deps(dir string) []report.Module {
	if m, ok := s.depsCache[dir]; ok {
		return m
	}
	f := s.Deps
	if f == nil {
		f = GoListDeps
	}
	m, err := f(s.ModuleRoot, dir)
	if err != nil {
		m = nil
	}
	if s.depsCache == nil {
		s.depsCache = map[string][]report.Module{}
	}
	s.depsCache[dir] = m
	return m
}

// pkgName is the name a title gives a package: the last element of its
// import path (skipping a /vN suffix), else of its directory.
func pkgName(importPath, dir string) string {
	p := importPath
	if p == "" {
		p = dir
	}
	elems := strings.Split(strings.Trim(p, "/"), "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = elems[len(elems)-2]
	}
	if last == "." {
		return ""
	}
	return path.Clean(last)
}
