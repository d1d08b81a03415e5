package crashstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/report"
)

// Load reads and checks the crash directory at path. A directory without
// report.json gives an error wrapping fs.ErrNotExist when it is empty or
// missing, and ErrInconsistent when it holds other files.
func Load(path string) (Entry, error) {
	rp := filepath.Join(path, ReportFile)
	data, err := os.ReadFile(rp)
	if errors.Is(err, fs.ErrNotExist) {
		ents, derr := os.ReadDir(path)
		if derr == nil && len(ents) > 0 {
			return Entry{}, &Error{Path: path, Err: fmt.Errorf("%w: files but no %s; restore it from version control or move the directory aside", ErrInconsistent, ReportFile)}
		}
		return Entry{}, &Error{Path: rp, Err: err}
	}
	if err != nil {
		return Entry{}, &Error{Path: rp, Err: err}
	}
	var c report.Crash
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&c); err != nil {
		return Entry{}, &Error{Path: rp, Err: fmt.Errorf("%w: not valid report JSON (%v); fix it by hand or restore it from version control", ErrInconsistent, err)}
	}
	e := Entry{Path: path, Crash: &c}
	if err := e.check(); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// check verifies that report.json describes the directory it is in.
func (e Entry) check() error {
	c := e.Crash
	rp := e.File(ReportFile)
	bad := func(format string, args ...any) error {
		return &Error{Path: rp, Err: fmt.Errorf("%w: "+format, append([]any{ErrInconsistent}, args...)...)}
	}
	switch {
	case c.SchemaVersion > report.SchemaVersion:
		return bad("schema_version %d is newer than this fuzzrun's %d; update fuzzrun", c.SchemaVersion, report.SchemaVersion)
	case c.SchemaVersion < 1:
		return bad("schema_version %d; not a daemonfuzz crash report", c.SchemaVersion)
	case c.ID != filepath.Base(e.Path):
		return bad("id %q but the directory is named %q; rename one to match", c.ID, filepath.Base(e.Path))
	case c.Target == "":
		return bad("no target")
	case filepath.Base(filepath.Dir(e.Path)) != TargetKey(c.Dir, c.Target):
		return bad("target %s:%s belongs in %s, not %s", c.Dir, c.Target, TargetKey(c.Dir, c.Target), filepath.Base(filepath.Dir(e.Path)))
	}
	for _, f := range []report.File{c.Input, c.Original} {
		data, err := os.ReadFile(e.File(f.Name))
		if err != nil {
			return &Error{Path: e.File(f.Name), Err: fmt.Errorf("%w: %v; restore it or delete the crash directory", ErrInconsistent, err)}
		}
		if f.Name == "" || hashOf(data) != f.SHA256 || len(data) != f.Size {
			return &Error{Path: e.File(f.Name), Err: fmt.Errorf("%w: content (%d bytes, sha256 %.12s) does not match %s (%d bytes, sha256 %.12s); restore the file, or fix %s if the edit was deliberate",
				ErrInconsistent, len(data), hashOf(data), ReportFile, f.Size, f.SHA256, ReportFile)}
		}
	}
	return nil
}

func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func fileInfo(name string, data []byte) report.File {
	return report.File{Name: name, Size: len(data), SHA256: hashOf(data)}
}

// List rebuilds the list of crashes from the store's directories, sorted by
// target and id. A crash directory that does not load is reported in the
// returned errors (one per directory) and left alone; the others are listed.
func (s *Store) List() ([]Entry, []error) {
	targets, err := os.ReadDir(s.Root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{&Error{Path: s.Root, Err: err}}
	}
	var out []Entry
	var errs []error
	for _, t := range targets {
		if !t.IsDir() || skipName(t.Name()) {
			continue
		}
		tdir := filepath.Join(s.Root, t.Name())
		ids, err := os.ReadDir(tdir)
		if err != nil {
			errs = append(errs, &Error{Path: tdir, Err: err})
			continue
		}
		for _, id := range ids {
			if !id.IsDir() || skipName(id.Name()) {
				continue
			}
			e, err := Load(filepath.Join(tdir, id.Name()))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Crash, out[j].Crash
		if a.TargetID() != b.TargetID() {
			return a.TargetID() < b.TargetID()
		}
		return a.ID < b.ID
	})
	return out, errs
}

// skipName reports names in the store that are not crash directories:
// dot files (locks, temporaries) and _-prefixed ones (_incoming).
func skipName(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// Find returns the entries whose id is id or, when every match has the
// same id, starts with it: one bug found by several targets is one id and
// several entries. A prefix of several ids is an *AmbiguousError listing
// them.
func (s *Store) Find(id string) ([]Entry, error) {
	entries, errs := s.List()
	var found []Entry
	ids := map[string]bool{}
	for _, e := range entries {
		if e.Crash.ID == id {
			found = append(found, e)
		}
	}
	if len(found) == 0 {
		for _, e := range entries {
			if strings.HasPrefix(e.Crash.ID, id) {
				found = append(found, e)
				ids[e.Crash.ID] = true
			}
		}
	}
	switch {
	case len(ids) > 1:
		return nil, &AmbiguousError{Prefix: id, Candidates: found}
	case len(found) > 0:
		return found, nil
	case len(errs) > 0:
		return nil, fmt.Errorf("crashstore: no crash %q in %s (and %d directories did not load: %w)", id, s.Root, len(errs), errs[0])
	}
	return nil, fmt.Errorf("crashstore: no crash %q in %s; 'fuzzrun report' lists them", id, s.Root)
}

// AmbiguousError is an id prefix naming several signatures.
type AmbiguousError struct {
	Prefix     string
	Candidates []Entry
}

func (e *AmbiguousError) Error() string {
	// One line per id, with every target that hit it.
	var ids []string
	targets := map[string][]string{}
	title := map[string]string{}
	for _, c := range e.Candidates {
		if _, ok := targets[c.Crash.ID]; !ok {
			ids = append(ids, c.Crash.ID)
			title[c.Crash.ID] = c.Crash.Title
		}
		targets[c.Crash.ID] = append(targets[c.Crash.ID], c.Crash.TargetID())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "crashstore: %q is the start of %d crash ids; give more of the id:", e.Prefix, len(ids))
	for _, id := range ids {
		fmt.Fprintf(&b, "\n\t%s  %s  %s", id, strings.Join(targets[id], ","), title[id])
	}
	return b.String()
}
