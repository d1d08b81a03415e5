package target

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
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
// and _-prefixed directories, as the go command does. A nested module
// (a directory with its own go.mod) is skipped too, unless the root module
// has a corpus/ and the nested one has none: then it is part of the suite
// (modroot.Suite gives it the root's corpus and crash store) and its targets
// are listed with Module set, their sets classified within their module.
func Discover(moduleRoot string) ([]Target, error) {
	out, err := discoverModule(moduleRoot, "")
	if err != nil {
		return nil, err
	}
	sortTargets(out)
	return out, nil
}

// discoverModule discovers the module at root+"/"+module (module "" is the
// root itself), with Dir relative to root.
func discoverModule(root, module string) ([]Target, error) {
	moduleRoot := filepath.Join(root, filepath.FromSlash(module))
	modPath, err := ModulePath(moduleRoot)
	if err != nil {
		return nil, err
	}
	shares := dirExists(filepath.Join(root, "corpus"))
	var out, nested []Target
	fset := token.NewFileSet()
	err = filepath.WalkDir(moduleRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == moduleRoot {
				return nil
			}
			if hasGoMod(p) && !skipName(d.Name()) && shares && !dirExists(filepath.Join(p, "corpus")) {
				rel, err := filepath.Rel(root, p)
				if err != nil {
					return err
				}
				ts, err := discoverModule(root, filepath.ToSlash(rel))
				if err != nil {
					return err
				}
				nested = append(nested, ts...)
				return filepath.SkipDir
			}
			if skipDir(p, d.Name()) {
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
	classify(out) // within the module: its bench/ is its own
	if module != "" {
		for i := range out {
			out[i].Module = module
			out[i].Dir = path.Join(module, out[i].Dir)
		}
	}
	return append(out, nested...), nil
}

func skipName(name string) bool {
	return name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

func skipDir(p, name string) bool {
	return skipName(name) || hasGoMod(p)
}

func hasGoMod(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil && !st.IsDir()
}

func dirExists(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
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
