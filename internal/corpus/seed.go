// Package corpus owns daemonfuzz's seed corpora on disk: corpus/<format>/
// holds raw inputs named by a prefix of their SHA-256, and
// corpus/<format>.manifest.jsonl records where each one came from.
package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/modroot"
)

// NameLen is the number of hex digits of SHA-256 in a seed's file name:
// 64 bits, enough that two distinct seeds of one format never collide.
const NameLen = 16

// Name returns the content-addressed file name of data.
func Name(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:NameLen]
}

// Provenance says where one seed came from. Kind is one of the Kind*
// constants; Source names the RFC section, the daemon and version, the capture,
// or the crash it was minimised from.
type Provenance struct {
	File   string    `json:"file"`
	Kind   string    `json:"kind"`
	Source string    `json:"source"`
	Note   string    `json:"note,omitempty"`
	Added  time.Time `json:"added"`
}

// Kinds of provenance.
const (
	KindHandmade = "handmade" // built by a generator in this repository
	KindRFC      = "rfc"      // an example from a standard
	KindCaptured = "captured" // captured from a real daemon or client
	KindImported = "imported" // imported from a file or corpus of unknown origin
	KindFuzzer   = "fuzzer"   // found by fuzzing and merged for the coverage it adds
	KindCrash    = "crash"    // minimised from a fixed crasher
)

// Dir is a format's seed directory, corpus/<format>.
type Dir struct {
	Root   string // the corpus/ directory
	Format string
}

// Path returns the directory holding the format's seeds.
func (d Dir) Path() string { return filepath.Join(d.Root, d.Format) }

// ManifestPath returns the file recording the seeds' provenance.
func (d Dir) ManifestPath() string { return filepath.Join(d.Root, d.Format+".manifest.jsonl") }

// Add stores data under its content name and records p for it. It reports
// whether the seed was new; an existing seed keeps its first provenance.
func (d Dir) Add(data []byte, p Provenance) (name string, added bool, err error) {
	name = Name(data)
	path := filepath.Join(d.Path(), name)
	if _, err := os.Stat(path); err == nil {
		return name, false, nil
	}
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		return "", false, err
	}
	p.File = name
	if p.Added.IsZero() {
		p.Added = time.Now().UTC()
	}
	if err := d.appendManifest(p); err != nil {
		return "", false, err
	}
	return name, true, nil
}

// appendManifest rewrites the manifest with p added, sorted by file name so
// regenerating a corpus gives a stable diff.
func (d Dir) appendManifest(p Provenance) error {
	entries, err := d.Manifest()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return d.WriteManifest(append(entries, p))
}

// Manifest reads the provenance records of the format.
func (d Dir) Manifest() ([]Provenance, error) {
	data, err := os.ReadFile(d.ManifestPath())
	if err != nil {
		return nil, err
	}
	var out []Provenance
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var p Provenance
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			return out, fmt.Errorf("%s:%d: %w", d.ManifestPath(), i+1, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// Seeds reads every seed of the format, in file-name order. A missing or
// empty directory, or an unreadable file, is an error naming the path: a
// corpus that silently yields nothing is worse than none.
func (d Dir) Seeds() ([]Seed, error) {
	dir := d.Path()
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read corpus %s: %w", dir, err)
	}
	var out []Seed
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read seed %s: %w", path, err)
		}
		out = append(out, Seed{Path: path, Data: data})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("corpus %s holds no seeds", dir)
	}
	return out, nil
}

// Seed is one corpus file.
type Seed struct {
	Path string
	Data []byte
}

// FindRoot returns the corpus/ directory of the suite containing dir
// (modroot.Suite).
func FindRoot(dir string) (string, error) {
	root, err := modroot.Suite(dir)
	if err != nil {
		return "", fmt.Errorf("find corpus/ from %s: %w", dir, err)
	}
	c := filepath.Join(root, "corpus")
	if !dirExists(c) {
		return "", fmt.Errorf("no corpus/ directory beside %s", filepath.Join(root, "go.mod"))
	}
	return c, nil
}

func dirExists(p string) bool { st, err := os.Stat(p); return err == nil && st.IsDir() }

// GenRoot is the corpus/ directory a seed generator writes: root when it is
// set (the generator's -root flag), else FindRoot of the working directory.
func GenRoot(root string) (string, error) {
	if root != "" {
		return root, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if root, err = FindRoot(wd); err != nil {
		return "", fmt.Errorf("%w (run from inside the daemonfuzz module or pass -root)", err)
	}
	return root, nil
}
