package corpusfile

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
)

// WhySuffix names the note Quarantine leaves beside a moved file: the
// file's name plus WhySuffix holds the reason, one line.
const WhySuffix = ".why"

// Quarantine moves the corpus entry at path into dir (created if needed),
// beside a note holding cause, so the next run does not trip on it and a
// person can see why it went. It returns the entry's new path; on error
// the entry was not moved (the note is best effort: the move is what
// matters).
func Quarantine(path, dir string, cause error) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("quarantine %s: %w", path, err)
	}
	dest := filepath.Join(dir, filepath.Base(path))
	if err := os.Rename(path, dest); err != nil {
		return "", fmt.Errorf("quarantine %s (move or remove it by hand): %w", path, err)
	}
	if cause != nil {
		_ = atomicfile.Write(dest+WhySuffix, []byte(cause.Error()+"\n"), 0o644) // the move is what matters
	}
	return dest, nil
}
