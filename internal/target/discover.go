package target

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

// corpusDirective is the comment that declares a target's corpus format when
// its body does not call harness.Seed: //daemonfuzz:corpus FORMAT.
const corpusDirective = "//daemonfuzz:corpus "

// Discover returns every fuzz test of the module rooted at moduleRoot,
// sorted by package directory and name. It skips testdata, vendor, hidden
// and _-prefixed directories, and nested modules (directories with their own
// go.mod), as the go command does.
func Discover(moduleRoot string) ([]Target, error) {
	modPath, err := ModulePath(moduleRoot)
	if err != nil {
		return nil, err
	}
	var out []Target
	fset := token.NewFileSet()
	err = filepath.WalkDir(moduleRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != moduleRoot && skipDir(p, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), "_test.go") || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_") {
			return nil
		}
		rel, err := filepath.Rel(moduleRoot, filepath.Dir(p))
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(rel)
		found, err := parseFile(fset, p)
		if err != nil {
			return err
		}
		for _, f := range found {
			out = append(out, Target{Name: f.name, Dir: dir, ImportPath: importPath(modPath, dir), Format: f.format})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("discover fuzz targets under %s: %w", moduleRoot, err)
	}
	sortTargets(out)
	classify(out)
	return out, nil
}

func skipDir(p, name string) bool {
	if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
		return true
	}
	_, err := os.Stat(filepath.Join(p, "go.mod"))
	return err == nil
}

// ModulePath reads the module path from moduleRoot/go.mod.
func ModulePath(moduleRoot string) (string, error) {
	gomod := filepath.Join(moduleRoot, "go.mod")
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", &ModuleError{Dir: moduleRoot, Err: err}
	}
	mp := modfile.ModulePath(data)
	if mp == "" {
		return "", &ModuleError{Dir: moduleRoot, Err: fmt.Errorf("%s has no module line", gomod)}
	}
	return mp, nil
}

type found struct{ name, format string }

// parseFile finds the fuzz tests declared in one test file.
func parseFile(fset *token.FileSet, path string) ([]found, error) {
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse %s (fix the syntax error; go test would fail too): %w", path, err)
	}
	testingName := testingImportName(f)
	if testingName == "" {
		return nil, nil
	}
	var out []found
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || !isFuzzFunc(fn, testingName) {
			continue
		}
		out = append(out, found{name: fn.Name.Name, format: format(fn)})
	}
	return out, nil
}

// testingImportName is the name under which the file imports "testing", or
// "" if it does not.
func testingImportName(f *ast.File) string {
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "testing" {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return "testing"
		}
	}
	return ""
}

// isFuzzFunc reports whether fn is func FuzzXxx(f *testing.F) as go test
// defines it: the name is Fuzz or Fuzz followed by a non-lowercase rune.
func isFuzzFunc(fn *ast.FuncDecl, testingName string) bool {
	if fn.Recv != nil || fn.Type.Results != nil || fn.Type.TypeParams != nil {
		return false
	}
	name := fn.Name.Name
	if !strings.HasPrefix(name, "Fuzz") {
		return false
	}
	if rest := name[len("Fuzz"):]; rest != "" && rest[0] >= 'a' && rest[0] <= 'z' {
		return false
	}
	params := fn.Type.Params.List
	if len(params) != 1 || len(params[0].Names) > 1 {
		return false
	}
	star, ok := params[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "F" {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == testingName
}

// format finds the corpus format of a fuzz test: the string literal second
// argument of a Seed(f, "format", ...) call in its body (harness.Seed or a
// local helper of that name), else a //daemonfuzz:corpus directive in its
// doc comment.
func format(fn *ast.FuncDecl) string {
	var fmtName string
	if fn.Body != nil {
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if fmtName != "" {
				return false
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 || calleeName(call.Fun) != "Seed" {
				return true
			}
			if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					fmtName = s
				}
			}
			return true
		})
	}
	if fmtName != "" {
		return fmtName
	}
	if fn.Doc != nil {
		for _, c := range fn.Doc.List {
			if rest, ok := strings.CutPrefix(c.Text, corpusDirective); ok {
				return strings.TrimSpace(rest)
			}
		}
	}
	return ""
}

func calleeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}
