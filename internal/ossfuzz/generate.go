package ossfuzz

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"text/template"

	"go.yaml.in/yaml/v3"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
)

// Project describes the repository to OSS-Fuzz.
type Project struct {
	Name string // the OSS-Fuzz project name and the directory under $SRC
	Repo string // the git URL OSS-Fuzz clones, also the homepage

	// PrimaryContact and AutoCCs are filled in by a maintainer in the
	// generated project.yaml; ReadMaintainers carries them over when the
	// files are generated again.
	PrimaryContact string
	AutoCCs        []string
}

// Paths of the generated files, relative to the module root.
const (
	CFLiteDir   = ".clusterfuzzlite"
	WorkflowDir = ".github/workflows"
)

// OSSFuzzDir returns the directory of the OSS-Fuzz project files, laid out
// as projects/<name>/ is in google/oss-fuzz.
func OSSFuzzDir(p Project) string { return filepath.Join("oss-fuzz", "projects", p.Name) }

//go:embed templates/*.tmpl
var templateFS embed.FS

// The workflow templates hold GitHub's own ${{ }} expressions, so the
// templates use [[ ]].
var templates = template.Must(template.New("").Delims("[[", "]]").ParseFS(templateFS, "templates/*.tmpl"))

// Unbuildable is a target left out of build.sh, with why, so the script says
// which targets OSS-Fuzz does not get and what to fix.
type Unbuildable struct {
	Name, Reason string
}

// Files returns every generated file, keyed by its slash-separated path
// relative to the module root: the OSS-Fuzz project, the ClusterFuzzLite
// build integration and its two workflows. build.sh builds fuzzers and
// names the skipped ones in comments.
func Files(p Project, fuzzers []Fuzzer, skipped []Unbuildable) (map[string][]byte, error) {
	data := struct {
		Project Project
		Fuzzers []Fuzzer
		Skipped []Unbuildable
		Pins    struct{ Build, Run Action }
	}{Project: p, Fuzzers: fuzzers, Skipped: skipped}
	data.Pins.Build, data.Pins.Run = CFLBuildFuzzers, CFLRunFuzzers
	oss := filepath.ToSlash(OSSFuzzDir(p))
	out := map[string][]byte{}
	for path, tmpl := range map[string]string{
		oss + "/build.sh":                 "build.sh.tmpl",
		oss + "/Dockerfile":               "Dockerfile.oss-fuzz.tmpl",
		oss + "/project.yaml":             "project.oss-fuzz.yaml.tmpl",
		CFLiteDir + "/build.sh":           "build.sh.tmpl",
		CFLiteDir + "/Dockerfile":         "Dockerfile.cflite.tmpl",
		CFLiteDir + "/project.yaml":       "project.cflite.yaml.tmpl",
		WorkflowDir + "/cflite_pr.yml":    "cflite_pr.yml.tmpl",
		WorkflowDir + "/cflite_batch.yml": "cflite_batch.yml.tmpl",
	} {
		var b bytes.Buffer
		if err := templates.ExecuteTemplate(&b, tmpl, data); err != nil {
			return nil, fmt.Errorf("ossfuzz: render %s: %w", path, err)
		}
		out[path] = b.Bytes()
	}
	return out, nil
}

// ReadMaintainers fills p's PrimaryContact and AutoCCs from the project.yaml
// already generated under root, if any, so regeneration keeps what a
// maintainer wrote there.
func ReadMaintainers(root string, p *Project) error {
	path := filepath.Join(root, OSSFuzzDir(*p), "project.yaml")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ossfuzz: %w", err)
	}
	var y struct {
		PrimaryContact string   `yaml:"primary_contact"`
		AutoCCs        []string `yaml:"auto_ccs"`
	}
	if err := yaml.Unmarshal(data, &y); err != nil {
		return fmt.Errorf("ossfuzz: %s: %w; fix the YAML or delete the file to regenerate it", path, err)
	}
	p.PrimaryContact, p.AutoCCs = y.PrimaryContact, y.AutoCCs
	return nil
}

var emailRE = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

// ValidEmail reports whether s is a plain email address, safe to write
// between double quotes in project.yaml.
func ValidEmail(s string) bool { return emailRE.MatchString(s) }

// executable is the mode of generated shell scripts.
func mode(path string) fs.FileMode {
	if filepath.Ext(path) == ".sh" {
		return 0o755
	}
	return 0o644
}

// Write writes files under root and returns the paths it changed.
func Write(root string, files map[string][]byte) ([]string, error) {
	var changed []string
	for _, rel := range sortedKeys(files) {
		path := filepath.Join(root, filepath.FromSlash(rel))
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, files[rel]) {
			continue
		}
		if err := atomicfile.Write(path, files[rel], mode(rel)); err != nil {
			return changed, fmt.Errorf("ossfuzz: %w", err)
		}
		changed = append(changed, rel)
	}
	return changed, nil
}

// Stale returns the paths under root whose content differs from files, or
// that are missing.
func Stale(root string, files map[string][]byte) ([]string, error) {
	var stale []string
	for _, rel := range sortedKeys(files) {
		old, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("ossfuzz: %w", err)
		}
		if err != nil || !bytes.Equal(old, files[rel]) {
			stale = append(stale, rel)
		}
	}
	return stale, nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
