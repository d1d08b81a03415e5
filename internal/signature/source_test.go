package signature

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestSourceCompilesAlone checks that the files Source hands out build as a
// package of their own in a module that knows nothing of daemonfuzz: the
// guard compiles exactly that copy into foreign fuzz targets.
func TestSourceCompilesAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	src, err := Source()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"parse.go", "inprocess.go", "signature.go"} {
		if src[want] == nil {
			t.Errorf("Source lacks %s", want)
		}
	}
	dir := t.TempDir()
	files := map[string][]byte{"go.mod": []byte("module example.com/copy\n\ngo 1.26\n")}
	for n, data := range src {
		files[filepath.Join("sig", n)] = data
	}
	for n, data := range files {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "build", "./sig")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the copy does not build: %v\n%s", err, out)
	}
}
