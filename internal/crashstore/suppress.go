package crashstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// SuppressionsFile is the store's suppression list, crashers/suppressions.txt
// (signature.SuppressionsPath says its format and where the fuzz targets
// look for it).
const SuppressionsFile = "suppressions.txt"

// Suppressions reads the store's suppression list; a missing file is empty.
func (s *Store) Suppressions() (map[string]string, error) {
	path := filepath.Join(s.Root, SuppressionsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	return signature.ParseSuppressions(path, data)
}

// SetSuppressed adds id to the suppression list with reason, or removes it.
// The rest of the file, comments included, is kept.
func (s *Store) SetSuppressed(id, reason string, on bool) error {
	if !signature.IsID(id) {
		return fmt.Errorf("crashstore: %q is not a signature id", id)
	}
	path := filepath.Join(s.Root, SuppressionsFile)
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &Error{Path: path, Err: err}
	}
	if _, err := signature.ParseSuppressions(path, data); err != nil {
		return err
	}
	if len(data) == 0 {
		data = []byte("# Signature ids of known crashes that fuzzing continues past; see 'fuzzrun triage -h'.\n")
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == id {
			continue
		}
		lines = append(lines, l)
	}
	if on {
		lines = append(lines, strings.TrimSpace(id+"  "+strings.ReplaceAll(reason, "\n", " ")))
	}
	return atomicfile.Write(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// SuppressedIDs returns the listed ids, sorted.
func SuppressedIDs(m map[string]string) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
