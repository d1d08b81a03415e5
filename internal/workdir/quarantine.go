package workdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// Quarantined is a work corpus entry moved aside before fuzzing.
type Quarantined struct {
	From, To string
	Reason   error
}

// QuarantineCorpus moves aside the entries of t's work corpus that Go could
// not use (see Quarantine).
func (w *Dir) QuarantineCorpus(t target.Target) ([]Quarantined, error) {
	return Quarantine(w.CorpusDir(t), w.QuarantineDir(t))
}

// Quarantine checks every entry of the work corpus dir and moves the ones
// Go could not use to qdir (corpusfile.Quarantine): unreadable files (which
// would make Go's coordinator abort the whole target) and files that are
// not in Go's corpus format (which Go skips without a word). It returns
// what it moved; the error is only for a directory it cannot list or a move
// that fails.
func Quarantine(dir, qdir string) ([]Quarantined, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read work corpus %s: %w", dir, err)
	}
	var out []Quarantined
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err == nil {
			err = corpusfile.Check(data)
		}
		if err == nil {
			continue
		}
		to, merr := corpusfile.Quarantine(path, qdir, err)
		if merr != nil {
			return out, merr
		}
		out = append(out, Quarantined{From: path, To: to, Reason: err})
	}
	return out, nil
}
