package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// Build compiles the test binary of t's package with Go's fuzzing coverage
// instrumentation (what `go test -fuzz` builds) into outDir and returns its
// path. One binary serves every target of the package, for fuzzing and for
// replay. The fuzz function of every FuzzXxx is wrapped by coverage's guard
// (coverage.ModeGuard), which does nothing unless FuzzOptions.Env switches it
// on with coverage.EnvKnown.
func Build(ctx context.Context, moduleRoot string, t target.Target, outDir string) (string, error) {
	// The guard's overlay (inert unless the fuzzing process gets
	// coverage.EnvKnown) lets a run skip the bugs it already stored.
	ovDir := filepath.Join(outDir, binName(t)+".overlay")
	if err := os.RemoveAll(ovDir); err != nil {
		return "", fmt.Errorf("build %s: %w", t.ImportPath, err)
	}
	overlay, err := coverage.Overlay(t.AbsDir(moduleRoot), t.ImportPath, "", ovDir, coverage.ModeGuard)
	if err != nil {
		return "", &BuildError{ImportPath: t.ImportPath, Err: err, Output: "fuzzrun could not write the build overlay that wraps the fuzz functions"}
	}
	return BuildOverlay(ctx, moduleRoot, t, outDir, overlay)
}

// binName is the file name of t's package's test binary.
func binName(t target.Target) string {
	return strings.NewReplacer("/", "_", ".", "_").Replace(t.Dir)
}

// BuildOverlay is Build with go's -overlay file (none when empty): triage
// builds a target with its package's files as they were when a crash was
// recorded.
func BuildOverlay(ctx context.Context, moduleRoot string, t target.Target, outDir, overlay string) (string, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", fmt.Errorf("build %s: %w", t.ImportPath, err)
	}
	name := strings.NewReplacer("/", "_", ".", "_").Replace(t.Dir)
	bin, err := filepath.Abs(filepath.Join(outDir, name+".test"))
	if err != nil {
		return "", err
	}
	args := []string{"test", "-c", "-fuzz=.", "-vet=off", "-o", bin}
	if overlay != "" {
		args = append(args, "-overlay="+overlay)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, t.PackageArg())...)
	cmd.Dir = t.ModuleDir(moduleRoot)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", &BuildError{ImportPath: t.ImportPath, Err: err, Output: out.String()}
	}
	if _, err := os.Stat(bin); err != nil {
		return "", &BuildError{ImportPath: t.ImportPath, Err: err, Output: "go test -c wrote no binary (does the package have tests?)"}
	}
	return bin, nil
}

// BuildError is a package whose test binary did not build.
type BuildError struct {
	ImportPath string
	Err        error
	Output     string
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("build test binary of %s (fix it so 'go test -c %s' works): %v\n%s", e.ImportPath, e.ImportPath, e.Err, strings.TrimSpace(e.Output))
}

func (e *BuildError) Unwrap() error { return e.Err }
