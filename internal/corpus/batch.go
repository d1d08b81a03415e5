package corpus

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
)

// Batch adds many seeds to one Dir and writes the manifest once, at Close:
// Dir.Add rewrites the whole manifest per seed, which is quadratic for an
// import of thousands. Seeds are written (atomically) as they are added, so
// an interrupted batch leaves whole seeds whose provenance is missing, never
// half a seed.
type Batch struct {
	d     Dir
	seen  map[string]bool
	added []Provenance
}

// NewBatch starts a batch of additions to d.
func (d Dir) NewBatch() *Batch { return &Batch{d: d, seen: map[string]bool{}} }

// Add stores data under its content name unless the format already holds it
// (or this batch added it), and queues p for the manifest.
func (b *Batch) Add(data []byte, p Provenance) (name string, added bool, err error) {
	name = Name(data)
	if b.seen[name] {
		return name, false, nil
	}
	b.seen[name] = true
	path := filepath.Join(b.d.Path(), name)
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
	b.added = append(b.added, p)
	return name, true, nil
}

// Added returns the number of new seeds so far.
func (b *Batch) Added() int { return len(b.added) }

// Close merges the batch's provenance into the manifest.
func (b *Batch) Close() error {
	if len(b.added) == 0 {
		return nil
	}
	entries, err := b.d.Manifest()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := b.d.WriteManifest(append(entries, b.added...)); err != nil {
		return err
	}
	b.added = nil
	return nil
}

// WriteManifest replaces the manifest with entries, sorted by file name so
// regenerating a corpus gives a stable diff.
func (d Dir) WriteManifest(entries []Provenance) error {
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].File < entries[j].File })
	var b strings.Builder
	for _, e := range entries {
		line, err := json.Marshal(e)
		if err != nil {
			return err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return atomicfile.Write(d.ManifestPath(), []byte(b.String()), 0o644)
}
