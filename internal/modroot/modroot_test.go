package modroot

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFind(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n"), 0o644)
	deep := filepath.Join(root, "a", "b")
	os.MkdirAll(deep, 0o755)
	for _, dir := range []string{root, deep} {
		got, err := Find(dir)
		if err != nil || got != root {
			t.Errorf("Find(%s) = %q, %v; want %q", dir, got, err, root)
		}
	}
	// A directory named go.mod is not a module file.
	other := t.TempDir()
	os.Mkdir(filepath.Join(other, "go.mod"), 0o755)
	if _, err := Find(other); !errors.Is(err, ErrNoModule) && err == nil {
		t.Errorf("Find under a go.mod directory: err = %v, want ErrNoModule", err)
	}
}
