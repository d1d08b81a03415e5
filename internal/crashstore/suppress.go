package crashstore

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// SuppressionsFile is the store's suppression list, crashers/suppressions.txt:
// the signature ids of known, reported crashes that fuzzing continues past
// (internal/harness skips an input whose crash has a listed id). One id per
// line, then the reason; '#' starts a comment:
//
//	# dns: index out of range in unpackDataSVCB, miekg/dns#1234
//	2ba6651eee3b  dns: index out of range in unpackDataSVCB
//
// Only exact ids: nothing broader can be suppressed.
const SuppressionsFile = "suppressions.txt"

var idPattern = regexp.MustCompile(fmt.Sprintf(`^[0-9a-f]{%d}$`, signature.IDLen))

// ParseSuppressions reads a suppression list. name is used in errors.
func ParseSuppressions(name string, data []byte) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if !idPattern.MatchString(f[0]) {
			return nil, fmt.Errorf("%s:%d: %q is not a signature id (%d hex digits); 'fuzzrun report' lists the ids", name, n, f[0], signature.IDLen)
		}
		out[f[0]] = strings.Join(f[1:], " ")
	}
	return out, sc.Err()
}

// FindSuppressions returns the path of the suppression list of the module
// holding dir: the first ancestor with a go.mod, then crashers/ in it.
func FindSuppressions(dir string) (string, error) {
	root, err := FindModuleRoot(dir)
	if err != nil {
		return "", err
	}
	return filepath.Join(root, DirName, SuppressionsFile), nil
}

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
	return ParseSuppressions(path, data)
}

// SetSuppressed adds id to the suppression list with reason, or removes it.
// The rest of the file, comments included, is kept.
func (s *Store) SetSuppressed(id, reason string, on bool) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("crashstore: %q is not a signature id", id)
	}
	path := filepath.Join(s.Root, SuppressionsFile)
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &Error{Path: path, Err: err}
	}
	if _, err := ParseSuppressions(path, data); err != nil {
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
