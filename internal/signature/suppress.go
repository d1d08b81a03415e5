package signature

import (
	"bufio"
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/modroot"
)

// SuppressionsPath is where a module keeps its suppression list, relative
// to the module root: crashers/suppressions.txt, in the crash store
// (internal/crashstore edits it, internal/harness reads it). It lists the
// signature ids of known, reported crashes that fuzzing continues past,
// one id per line, then the reason; '#' starts a comment:
//
//	# dns: index out of range in unpackDataSVCB, miekg/dns#1234
//	2ba6651eee3b  dns: index out of range in unpackDataSVCB
//
// Only exact ids: nothing broader can be suppressed.
const SuppressionsPath = "crashers/suppressions.txt"

var idPattern = regexp.MustCompile(fmt.Sprintf(`^[0-9a-f]{%d}$`, IDLen))

// IsID reports whether s is spelled like a signature id.
func IsID(s string) bool { return idPattern.MatchString(s) }

// ParseSuppressions reads a suppression list: id -> reason. name is used
// in errors.
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
		if !IsID(f[0]) {
			return nil, fmt.Errorf("%s:%d: %q is not a signature id (%d hex digits); 'fuzzrun report' lists the ids", name, n, f[0], IDLen)
		}
		out[f[0]] = strings.Join(f[1:], " ")
	}
	return out, sc.Err()
}

// FindSuppressions returns the path of the suppression list of the suite
// holding dir (SuppressionsPath under modroot.Suite). The file may not
// exist.
func FindSuppressions(dir string) (string, error) {
	root, err := modroot.Suite(dir)
	if err != nil {
		return "", fmt.Errorf("%s: %w", dir, err)
	}
	return filepath.Join(root, filepath.FromSlash(SuppressionsPath)), nil
}
