package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
)

// Entry is one input of a corpus directory, decoded.
type Entry struct {
	Path string // the file
	Data []byte // the input (decoded from Go's format for a work corpus)
}

// Problem is a corpus entry that could not be used, and where it went.
type Problem struct {
	Path        string `json:"path"`
	Err         string `json:"error"`
	Quarantined string `json:"quarantined,omitempty"` // where the file was moved, if it was
}

func (p Problem) String() string {
	if p.Quarantined != "" {
		return fmt.Sprintf("%s: %s (quarantined to %s)", p.Path, p.Err, p.Quarantined)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Err)
}

var contentName = regexp.MustCompile(`^[0-9a-f]{16}$`)

// ReadEntries reads every input file of dir in name order. With goFormat the
// files are in Go's corpus file format (a work corpus or testdata/fuzz) and
// are decoded; otherwise they are raw, and a file named like a content hash
// whose content does not match is corrupt. A corrupt or unreadable entry is
// reported and, when quarantine is not "", moved there so the next run does
// not trip on it; the rest are still read. A missing dir yields nothing.
func ReadEntries(dir string, goFormat bool, quarantine string) ([]Entry, []Problem, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read corpus %s: %w", dir, err)
	}
	var out []Entry
	var problems []Problem
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err == nil {
			data, err = checkEntry(e.Name(), data, goFormat)
		}
		if err != nil {
			problems = append(problems, quarantineEntry(path, err, quarantine))
			continue
		}
		out = append(out, Entry{Path: path, Data: data})
	}
	return out, problems, nil
}

func checkEntry(name string, data []byte, goFormat bool) ([]byte, error) {
	if goFormat {
		return corpusfile.Decode(data)
	}
	if contentName.MatchString(name) && Name(data) != name {
		return nil, fmt.Errorf("content does not match its name (its hash is %s)", Name(data))
	}
	return data, nil
}

// quarantineEntry moves path into dir (corpusfile.Quarantine). A file that
// cannot be moved is reported where it is.
func quarantineEntry(path string, cause error, dir string) Problem {
	p := Problem{Path: path, Err: cause.Error()}
	if dir == "" {
		return p
	}
	dest, err := corpusfile.Quarantine(path, dir, cause)
	if err != nil {
		p.Err += "; not quarantined: " + err.Error()
		return p
	}
	p.Quarantined = dest
	return p
}

// QuarantineDir is where corrupt entries of a format's seeds go:
// corpus/.quarantine/<format>/, outside what harness.Seed reads.
func (d Dir) QuarantineDir() string { return filepath.Join(d.Root, ".quarantine", d.Format) }

// Formats lists the formats of a corpus root: directories with a manifest.
func Formats(root string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(root, "*.manifest.jsonl"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range matches {
		f := strings.TrimSuffix(filepath.Base(m), ".manifest.jsonl")
		if dirExists(filepath.Join(root, f)) {
			out = append(out, f)
		}
	}
	return out, nil
}
