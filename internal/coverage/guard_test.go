package coverage

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// TestGuard builds testdata/guardmod with the guard's overlay and runs each
// seed of its two targets (one of the []byte shape, one wrapped by
// reflection) alone: first with an empty known list, which must change
// nothing, then with the signatures of "known panic" and "known failure"
// (signed from the first runs' output, as the runner signs them), which
// the guard must skip while the others still fail as before.
func TestGuard(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary")
	}
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("testdata/guardmod")); err != nil {
		t.Fatal(err)
	}
	pkgDir := filepath.Join(root, "g")
	ov, err := Overlay(pkgDir, "example.com/guardmod/g", "", filepath.Join(root, "overlay"), ModeGuard)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "g.test")
	build := exec.Command("go", "test", "-c", "-vet=off", "-overlay="+ov, "-o", bin, "./g")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	if keep := os.Getenv("FUZZRUN_GUARD_BIN"); keep != "" {
		// bench/runner/guard.sh counts the guard's instructions with it.
		data, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keep, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	known := filepath.Join(root, "known.txt")
	skipped := filepath.Join(root, "skipped.txt")
	var inert bool // run with the guard switched off
	run := func(target string, seed int) (string, bool) {
		cmd := exec.Command(bin, fmt.Sprintf("-test.run=^%s$/^seed#%d$", target, seed))
		cmd.Dir = pkgDir
		cmd.Env = append(os.Environ(), EnvKnown+"="+known, EnvSkipped+"="+skipped)
		if inert {
			cmd.Env = append(os.Environ(), EnvKnown+"=")
		}
		out, err := cmd.CombinedOutput()
		return string(out), err == nil
	}
	ids := make(map[string]string) // target/seed -> signature id of its failure
	for _, target := range []string{"FuzzBytes", "FuzzTwo"} {
		if err := os.WriteFile(known, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		for seed, name := range []string{"fine", "known panic", "new panic", "known failure", "new failure"} {
			out, ok := run(target, seed)
			// t.Errorf lets the input go on; a panic and t.Fatalf do not.
			if ok != (name == "fine") || !ok && strings.Contains(out, "returned") != (name == "new failure") {
				t.Fatalf("%s %q with nothing known: passed %v\n%s", target, name, ok, out)
			}
			if ok {
				continue
			}
			c, err := signature.Parse([]byte(out), "")
			if err != nil {
				t.Fatalf("%s %q: sign: %v\n%s", target, name, err, out)
			}
			ids[target+"/"+name] = c.Sig.ID()
		}
	}
	// What the guard lets through is signed as without it.
	inert = true
	for _, target := range []string{"FuzzBytes", "FuzzTwo"} {
		for seed, name := range []string{"fine", "known panic", "new panic", "known failure", "new failure"} {
			if name == "fine" {
				continue
			}
			out, _ := run(target, seed)
			c, err := signature.Parse([]byte(out), "")
			if err != nil || c.Sig.ID() != ids[target+"/"+name] {
				t.Errorf("%s %q without the guard: signature %s (%v), with it %s\n%s", target, name, c.Sig.ID(), err, ids[target+"/"+name], out)
			}
		}
	}
	inert = false
	list := ids["FuzzBytes/known panic"] + "\n" + ids["FuzzBytes/known failure"] + "\n" + ids["FuzzTwo/known panic"] + "\n" + ids["FuzzTwo/known failure"] + "\n"
	if err := os.WriteFile(known, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"FuzzBytes", "FuzzTwo"} {
		for seed, name := range []string{"fine", "known panic", "new panic", "known failure", "new failure"} {
			out, ok := run(target, seed)
			wantOK := name == "fine" || strings.HasPrefix(name, "known")
			if ok != wantOK {
				t.Errorf("%s %q with its signature known: passed %v, want %v\n%s", target, name, ok, wantOK, out)
				continue
			}
			if name == "known failure" && strings.Contains(out, "known failure") {
				t.Errorf("%s %q: the skipped failure's message is still in the output:\n%s", target, name, out)
			}
			if !ok {
				// Not skipped: reported as before, with the same signature.
				c, err := signature.Parse([]byte(out), "")
				if err != nil || c.Sig.ID() != ids[target+"/"+name] {
					t.Errorf("%s %q: signature %v (%v), want %s\n%s", target, name, c.Sig.ID(), err, ids[target+"/"+name], out)
				}
			}
		}
	}
	// FuzzRepeat, all in one process: the known failures are skipped every
	// time, the new one reported every time.
	if err := os.WriteFile(known, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for seed, name := range []string{"known panic", "known failure"} {
		out, _ := run("FuzzRepeat", seed)
		c, err := signature.Parse([]byte(out), "")
		if err != nil {
			t.Fatalf("FuzzRepeat %q: sign: %v\n%s", name, err, out)
		}
		list += c.Sig.ID() + "\n"
	}
	if err := os.WriteFile(known, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^FuzzRepeat$")
	cmd.Dir = pkgDir
	cmd.Env = append(os.Environ(), EnvKnown+"="+known)
	out, err := cmd.CombinedOutput()
	if err == nil || strings.Count(string(out), "new failure") != 3 || strings.Contains(string(out), "known") {
		t.Errorf("FuzzRepeat: %v, want 3 new failures and no known one:\n%s", err, out)
	}

	data, err := os.ReadFile(skipped)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(bytes.TrimSpace(data)); len(strings.Fields(got)) != 4 {
		t.Errorf("skipped file lists %q, want the 4 known ids", got)
	}
}
