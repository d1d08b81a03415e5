package ossfuzz

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
)

// compile_native_go_fuzzer finds a fuzz test by text, not by type: it takes
// the files under the package directory (recursively, any file) whose text
// holds the function's name, requires exactly one line of them to hold both
// "func FuzzXxx" and "testing.F", copies the file to a non-test file of the
// package, and breaks when more than one file names the function.
//
// Prepare makes a package meet that in an OSS-Fuzz source checkout: every
// other Go file that names the function in a comment or a string literal is
// rewritten with Unspell, which changes no behaviour. What it cannot fix is
// an error saying what to rename: a second declaration line matching (a
// target whose name begins another's, FuzzNTS and FuzzNTSKEClient), the
// name used as an identifier or in a non-Go file, or a fuzz test in an
// external _test package (the copy is compiled into the package itself).
//
// With write false, Prepare only checks, and returns the files it would
// rewrite.
func Prepare(f Fuzzer, write bool) (rewritten []string, err error) {
	var decl []string      // "file:line" of each line compile_native_go_fuzzer takes for the declaration
	var declFiles []string // the files holding them
	var others []string
	fuzzFile := ""
	err = filepath.WalkDir(f.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(data, []byte(f.Func)) {
			return err
		}
		found := false
		for i, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "func "+f.Func) && strings.Contains(line, "testing.F") {
				decl = append(decl, fmt.Sprintf("%s:%d", path, i+1))
				found = true
			}
		}
		if found {
			fuzzFile = path
			declFiles = append(declFiles, filepath.Base(path))
		} else {
			others = append(others, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ossfuzz: fuzzer %s: %w", f.Name, err)
	}
	if len(decl) != 1 {
		return nil, fmt.Errorf("ossfuzz: fuzzer %s: compile_native_go_fuzzer needs exactly one line with \"func %s\" and \"testing.F\", found %d in %s: rename the target whose name begins with %s",
			f.Name, f.Func, len(decl), strings.Join(declFiles, ", "), f.Func)
	}
	if err := checkPackageClause(f, fuzzFile); err != nil {
		return nil, err
	}
	for _, path := range others {
		if !strings.HasSuffix(path, ".go") {
			return nil, fmt.Errorf("ossfuzz: fuzzer %s: %s names %s; compile_native_go_fuzzer would take it for the fuzz test: reword it", f.Name, path, f.Func)
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("ossfuzz: fuzzer %s: %w", f.Name, err)
		}
		out, _, err := Unspell(src, f.Func)
		if err != nil {
			return nil, fmt.Errorf("ossfuzz: fuzzer %s: %s: %w", f.Name, path, err)
		}
		if write {
			st, err := os.Stat(path)
			if err != nil {
				return rewritten, err
			}
			if err := atomicfile.Write(path, out, st.Mode().Perm()); err != nil {
				return rewritten, fmt.Errorf("ossfuzz: %w", err)
			}
		}
		rewritten = append(rewritten, path)
	}
	return rewritten, nil
}

// CheckBuildable reports what would keep compile_native_go_fuzzer from
// building f once Prepare has run.
func CheckBuildable(f Fuzzer) error {
	_, err := Prepare(f, false)
	return err
}

func checkPackageClause(f Fuzzer, file string) error {
	ast, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.PackageClauseOnly)
	if err != nil {
		return fmt.Errorf("ossfuzz: fuzzer %s: %w", f.Name, err)
	}
	if strings.HasSuffix(ast.Name.Name, "_test") {
		return fmt.Errorf("ossfuzz: fuzzer %s: %s is in external test package %s; compile_native_go_fuzzer compiles it into the package, so declare package %s",
			f.Name, file, ast.Name.Name, strings.TrimSuffix(ast.Name.Name, "_test"))
	}
	return nil
}
