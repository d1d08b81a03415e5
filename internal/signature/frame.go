package signature

import (
	"regexp"
	"strings"
)

// frame is a function name as a Go traceback prints it, without arguments:
// "github.com/miekg/dns.(*Msg).Unpack".
type frame string

// HarnessPackage is the import path of daemonfuzz's harness, whose frames are
// plumbing and never part of a signature.
const HarnessPackage = "github.com/daemonfuzz/daemonfuzz/internal/harness"

// pkgPath is the import path part: everything before the first dot after the
// last slash.
func (f frame) pkgPath() string {
	s := string(f)
	slash := strings.LastIndexByte(s, '/')
	dot := strings.IndexByte(s[slash+1:], '.')
	if dot < 0 {
		return ""
	}
	return s[:slash+1+dot]
}

// funcName is the name without its package: "(*Msg).Unpack" becomes
// "Msg.Unpack", as a person would write it in a title.
func (f frame) funcName() string {
	s := strings.TrimPrefix(string(f), f.pkgPath()+".")
	return strings.NewReplacer("(*", "", ")", "").Replace(s)
}

// pkgName is the last element of the import path, skipping a major-version
// suffix: "github.com/google/go-github/v75" names "go-github".
func (f frame) pkgName() string {
	elems := strings.Split(f.pkgPath(), "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && majorVersion.MatchString(last) {
		last = elems[len(elems)-2]
	}
	return last
}

var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// isStd reports whether the frame is in the standard library: its first path
// element has no dot.
func (f frame) isStd() bool {
	p := f.pkgPath()
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// plumbing lists the packages whose frames never name a bug: the runtime
// that reports it, the testing package and fuzzing engine that call the
// target, reflection between them, and daemonfuzz's harness.
var plumbing = map[string]bool{
	"":                 true, // panic, and other runtime frames printed without a package
	"runtime":          true,
	"runtime/debug":    true,
	"testing":          true,
	"internal/fuzz":    true,
	"reflect":          true,
	"main":             true, // _testmain.go
	HarnessPackage:     true,
	"internal/runtime": true,
}

// wrapper matches the FuzzXxx function and the closures inside it that only
// seed and call the target body.
var wrapper = regexp.MustCompile(`\.Fuzz[A-Za-z0-9_]*(\.func[0-9.]*)?$`)

// generated matches the functions fuzzrun generates into a target's package
// (internal/coverage's per-input wrapper, fuzzrunCoverWrap and its
// closures): machinery, whatever package they are compiled into.
var generated = regexp.MustCompile(`\.fuzzrun[A-Z][A-Za-z0-9_]*(\.func[0-9.]*)*$`)

// isPlumbing reports whether a frame is machinery rather than code under test.
func (f frame) isPlumbing() bool {
	p := f.pkgPath()
	if plumbing[p] || strings.HasPrefix(p, "internal/runtime/") || strings.HasPrefix(p, "runtime/") {
		return true
	}
	return wrapper.MatchString(string(f)) || generated.MatchString(string(f))
}

var (
	// Closure and wrapper numbering depends on the order of literals in a
	// function and has changed between Go versions (F.func1 vs F.func1.1).
	closureNum = regexp.MustCompile(`\.(func|gowrap|deferwrap)[0-9]+(\.[0-9]+)*`)
	// Generic instantiations print their type arguments as "[...]".
	typeArgs = regexp.MustCompile(`\[[^\]]*\]`)
)

// normFrame strips what varies between builds of the same code from a
// function name: closure numbers and type arguments.
func normFrame(name string) frame {
	name = closureNum.ReplaceAllString(name, ".$1")
	name = typeArgs.ReplaceAllString(name, "")
	return frame(name)
}
