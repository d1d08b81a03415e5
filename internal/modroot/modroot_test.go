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

func TestSuite(t *testing.T) {
	repo := t.TempDir()
	mk := func(dir string, files ...string) string {
		d := filepath.Join(repo, dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f == "corpus" {
				os.Mkdir(filepath.Join(d, f), 0o755)
			} else {
				os.WriteFile(filepath.Join(d, f), []byte("module m\n"), 0o644)
			}
		}
		return d
	}
	mk(".", "go.mod", "corpus")
	nested := mk("fuzz/coredns", "go.mod")
	mk("fuzz/coredns/gen")
	own := mk("fuzz/own", "go.mod", "corpus")
	plain := t.TempDir()
	os.WriteFile(filepath.Join(plain, "go.mod"), []byte("module p\n"), 0o644)
	for _, c := range []struct{ dir, want string }{
		{repo, repo},
		{filepath.Join(nested, "gen"), repo}, // a nested module shares the repository's corpus
		{nested, repo},
		{own, own},     // a nested module with a corpus of its own keeps it
		{plain, plain}, // no corpus anywhere: the module itself
	} {
		got, err := Suite(c.dir)
		if err != nil || got != c.want {
			t.Errorf("Suite(%s) = %q, %v; want %q", c.dir, got, err, c.want)
		}
	}
}
