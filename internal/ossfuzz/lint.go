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
)

// CheckBuildable reports what would make OSS-Fuzz's compile_native_go_fuzzer
// fail to build f, which it finds by text, not by type: it takes the one
// file under the package directory (recursively, any file) whose text holds
// the function's name, requires one line of it to hold both "func FuzzXxx"
// and "testing.F", and compiles that _test.go file as a non-test file of the
// package. So the name must appear in exactly one file (a doc comment or a
// FuzzXxxYyy elsewhere breaks the build), and that file must belong to the
// package itself, not to an external _test package.
func CheckBuildable(f Fuzzer) error {
	var hits []string
	err := filepath.WalkDir(f.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(f.Func)) {
			hits = append(hits, path)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ossfuzz: fuzzer %s: %w", f.Name, err)
	}
	if len(hits) != 1 {
		return fmt.Errorf("ossfuzz: fuzzer %s: %d files under %s contain %q (%s); compile_native_go_fuzzer needs exactly one, the fuzz test: rename or reword the others",
			f.Name, len(hits), f.Dir, f.Func, strings.Join(hits, ", "))
	}
	file := hits[0]
	src, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("ossfuzz: fuzzer %s: %w", f.Name, err)
	}
	n := 0
	for _, line := range strings.Split(string(src), "\n") {
		if strings.Contains(line, "func "+f.Func) && strings.Contains(line, "testing.F") {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("ossfuzz: fuzzer %s: %s has %d lines with both \"func %s\" and \"testing.F\"; compile_native_go_fuzzer needs exactly one",
			f.Name, file, n, f.Func)
	}
	ast, err := parser.ParseFile(token.NewFileSet(), file, src, parser.PackageClauseOnly)
	if err != nil {
		return fmt.Errorf("ossfuzz: fuzzer %s: %w", f.Name, err)
	}
	if strings.HasSuffix(ast.Name.Name, "_test") {
		return fmt.Errorf("ossfuzz: fuzzer %s: %s is in external test package %s; compile_native_go_fuzzer compiles it into the package, so declare package %s",
			f.Name, file, ast.Name.Name, strings.TrimSuffix(ast.Name.Name, "_test"))
	}
	return nil
}
