package crashstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/daemonfuzz/daemonfuzz/internal/report"
)

// FindingsDir is the directory of root-cause write-ups under the module
// root: findings/<slug>/finding.json, each listing the signature ids of the
// crashes it explains.
const FindingsDir = "findings"

// FindingFile is the name of a finding's JSON file.
const FindingFile = "finding.json"

// findingJSON is the contract with the write-ups: the fields the crash
// store reads from findings/<slug>/finding.json.
type findingJSON struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Status     string   `json:"status"`
	Link       string   `json:"link"`
	Signatures []string `json:"signatures"`
}

// Findings maps signature ids to the finding that lists them.
type Findings map[string]*report.Finding

// Of returns the finding listing id, or nil.
func (f Findings) Of(id string) *report.Finding {
	if f == nil {
		return nil
	}
	if x, ok := f[id]; ok {
		c := *x
		return &c
	}
	return nil
}

// LoadFindings reads every findings/<slug>/finding.json of the module at
// moduleRoot. A missing findings/ is no findings; a file that does not parse
// is an error naming it.
func LoadFindings(moduleRoot string) (Findings, error) {
	dir := filepath.Join(moduleRoot, FindingsDir)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return Findings{}, nil
	}
	if err != nil {
		return nil, &Error{Path: dir, Err: err}
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	out := Findings{}
	for _, e := range ents {
		if !e.IsDir() || skipName(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name(), FindingFile)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, &Error{Path: path, Err: err}
		}
		var f findingJSON
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, &Error{Path: path, Err: fmt.Errorf("not a finding (%v); fix the JSON", err)}
		}
		if f.ID == "" {
			f.ID = e.Name()
		}
		for _, id := range f.Signatures {
			if _, dup := out[id]; dup {
				continue // the first write-up, by slug, names it
			}
			out[id] = &report.Finding{ID: f.ID, Title: f.Title, Status: f.Status, Link: f.Link,
				Path: FindingsDir + "/" + e.Name()}
		}
	}
	return out, nil
}

// storeRootOf is the module root of a crash directory
// <root>/crashers/<target>/<id>, or "" when path is not laid out so (a
// directory being built beside its final name counts).
func storeRootOf(path string) string {
	store := filepath.Dir(filepath.Dir(path))
	if filepath.Base(store) != DirName {
		return ""
	}
	return filepath.Dir(store)
}
