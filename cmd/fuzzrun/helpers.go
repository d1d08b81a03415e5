package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// The helpers the verbs share: resolving what the command line names (paths,
// the module, its targets, its work directory and crash store) and writing
// JSON. Everything else a verb does is a call into internal/.

// cliPath resolves a path given on the command line against the CLI's
// directory ("" stays "").
func cliPath(c *CLI, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// workDir is the work directory a verb uses: the -workdir flag, resolved
// against the CLI's directory, or .fuzzrun at the module root.
func workDir(cli *CLI, root, flag string) *workdir.Dir {
	return workdir.At(root, cliPath(cli, flag))
}

// corpusRoot is the corpus/ directory of the module holding dir.
func corpusRoot(dir string) (string, error) {
	root, err := target.FindModuleRoot(dir)
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "corpus"), nil
}

// selectTargets discovers the targets of the module holding dir and keeps
// those target.Select picks for the patterns: the suite unless a pattern
// names others or all is set. It returns the module root too. A pattern
// that is not a regular expression is a usage error.
func selectTargets(dir string, patterns []string, all bool) (string, []target.Target, error) {
	root, err := target.FindModuleRoot(dir)
	if err != nil {
		return "", nil, err
	}
	everything, err := target.Discover(root)
	if err != nil {
		return "", nil, err
	}
	sel, err := target.Select(everything, patterns, all)
	var pe *target.PatternError
	if errors.As(err, &pe) {
		return "", nil, &usageError{pe.Error()}
	}
	if err != nil {
		return "", nil, err
	}
	return root, sel, nil
}

// patterns is a -target flag as selectTargets' patterns: none for "".
func patterns(p string) []string {
	if p == "" {
		return nil
	}
	return []string{p}
}

// openStore opens the crash store of the module holding dir.
func openStore(dir string) (*crashstore.Store, error) {
	root, err := target.FindModuleRoot(dir)
	if err != nil {
		return nil, err
	}
	return crashstore.Open(root), nil
}

// selectEntries returns the stored crashes args name (all when none) and
// the errors of directories that did not load.
func selectEntries(store *crashstore.Store, args []string) ([]crashstore.Entry, []error) {
	if len(args) == 0 {
		return store.List()
	}
	var out []crashstore.Entry
	var errs []error
	seen := map[string]bool{}
	for _, a := range args {
		es, err := findEntries(store, a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range es {
			if !seen[e.Path] {
				seen[e.Path] = true
				out = append(out, e)
			}
		}
	}
	return out, errs
}

// findEntries resolves a crash named by directory path, <target>/<id>, or
// an id or id prefix (every target's entry of that id).
func findEntries(store *crashstore.Store, arg string) ([]crashstore.Entry, error) {
	for _, p := range []string{arg, filepath.Join(store.Root, arg)} {
		if st, err := os.Stat(filepath.Join(p, crashstore.ReportFile)); err == nil && !st.IsDir() {
			e, err := crashstore.Load(p)
			return []crashstore.Entry{e}, err
		}
	}
	if strings.Contains(arg, "/") {
		p := filepath.Join(store.Root, arg)
		if _, err := os.Stat(p); err == nil {
			e, err := crashstore.Load(p) // reports what is wrong with it
			return []crashstore.Entry{e}, err
		}
		return nil, fmt.Errorf("no crash directory %s; 'fuzzrun report' lists the crashes", p)
	}
	return store.Find(arg)
}

func relTo(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
