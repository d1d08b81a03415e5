package ossfuzz

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Target is one fuzz test as OSS-Fuzz needs to know it: the FuzzXxx
// function, the package that holds it and the corpus format it seeds from.
type Target struct {
	Func       string // FuzzXxx
	ImportPath string // the package's import path
	Dir        string // the package's directory
	// Module is the directory of the package's module relative to the
	// repository root when it is a nested module (target.Target.Module):
	// build.sh runs compile_native_go_fuzzer there.
	Module string
	Format string // the corpus/<format>/ it seeds from; "" for none
}

// Fuzzer is a Target under its OSS-Fuzz name, which names the binary in
// $OUT and its <name>_seed_corpus.zip, <name>.dict and <name>.options.
type Fuzzer struct {
	Name string
	Target
}

// validName is what OSS-Fuzz accepts as a fuzz target's binary name.
var validName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Fuzzers names every target: the package path below the module (without
// its leading "fuzz/", slashes as underscores) and the function, for example
// fuzz/dns FuzzWire → dns_FuzzWire. The function name is kept whole so that
// a ClusterFuzz report names the Go function to run. Two targets with one
// name, or a name OSS-Fuzz would refuse, are an error.
func Fuzzers(modulePath string, targets []Target) ([]Fuzzer, error) {
	out := make([]Fuzzer, 0, len(targets))
	seen := map[string]Target{}
	for _, t := range targets {
		rel := strings.TrimPrefix(t.ImportPath, modulePath)
		rel = strings.Trim(rel, "/")
		rel = strings.TrimPrefix(rel, "fuzz/")
		if rel == "fuzz" {
			rel = ""
		}
		name := t.Func
		if rel != "" {
			name = strings.ReplaceAll(rel, "/", "_") + "_" + t.Func
		}
		if !validName.MatchString(name) {
			return nil, fmt.Errorf("ossfuzz: fuzzer name %q for %s.%s has characters OSS-Fuzz refuses; rename the package or function", name, t.ImportPath, t.Func)
		}
		if prev, dup := seen[name]; dup {
			return nil, fmt.Errorf("ossfuzz: %s.%s and %s.%s would both be fuzzer %q; rename one", prev.ImportPath, prev.Func, t.ImportPath, t.Func, name)
		}
		seen[name] = t
		out = append(out, Fuzzer{Name: name, Target: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Lookup returns the fuzzer called name, or the one whose Go function is
// name when that is unambiguous, so a ClusterFuzz report's fuzzer name and
// a Go function name both work on the command line.
func Lookup(fuzzers []Fuzzer, name string) (Fuzzer, error) {
	var byFunc []Fuzzer
	for _, f := range fuzzers {
		if f.Name == name {
			return f, nil
		}
		if f.Func == name {
			byFunc = append(byFunc, f)
		}
	}
	switch len(byFunc) {
	case 1:
		return byFunc[0], nil
	case 0:
		names := make([]string, len(fuzzers))
		for i, f := range fuzzers {
			names[i] = f.Name
		}
		return Fuzzer{}, fmt.Errorf("ossfuzz: no fuzzer %q; known: %s", name, strings.Join(names, ", "))
	default:
		return Fuzzer{}, fmt.Errorf("ossfuzz: %q names %d fuzzers (%s, %s, ...); use the fuzzer name", name, len(byFunc), byFunc[0].Name, byFunc[1].Name)
	}
}
