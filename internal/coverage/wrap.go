// wrap.go writes the build overlay around f.Fuzz's function; it is over 400
// lines because the wrapper's Go source (cover, recover and guard modes) is
// generated here as text next to the code that splices it in, and the two
// must change together.

package coverage

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// The wrapper: a build overlay replaces the argument of every f.Fuzz(fn) call
// of a package's FuzzXxx functions by fuzzrunWrap(fn), and adds the file
// that defines it. What the wrapper does is chosen by a Mode at build time
// and switched on by environment variables at run time, so one binary serves
// plain replays too:
//   - ModeCover appends a coverage record per input (EnvOut), for Profile;
//   - ModeGuard is the runner's way past known bugs, in any module: it skips
//     an input whose failure has a signature listed in EnvKnown.
//
// The guard computes signatures in-process with a copy of
// internal/signature compiled into the binary (signature.Source), so its
// ids are the crash store's. What it skips, and what it cannot:
//   - a panic in the fuzz function (or anything it calls on its goroutine):
//     recovered, signed with signature.FromPanic, skipped when known, else
//     re-panicked with its value while the panicking frames are still on the
//     stack, so Go reports it as before;
//   - a t.Error/t.Fatal-style failure (oracle violations included): Go marks
//     the *testing.T and, through Fail, every parent failed, and keeps the
//     message in the T's output buffer, then ends the input (t.Fatal by
//     runtime.Goexit, which cannot be stopped). The guard signs the logged
//     message as signature.Parse signs Go's report of it and, when known,
//     clears the failure: it restores the failed flags of the T and its
//     parents and truncates the output, through testing's unexported fields
//     (common.mu, failed, output, parent). Those are checked by name and type
//     first; if a Go release changes them, failures are no longer skipped
//     (panics still are) and the guard says so once on stderr.
//   - not skipped: a failure on another goroutine (a panic there kills the
//     process), a hang, an out-of-memory, a fatal runtime error (concurrent map
//     writes), a FuzzXxx that does not call f.Fuzz(fn) in its own body, and a
//     failure in the seed-adding code before f.Fuzz.
// A skipped input returns normally: Go may keep it in the corpus if it found
// new coverage on the way, and the next process skips it again.

// Environment variables the wrapper reads. Unset, its mode is inert.
const (
	// EnvOut names the file the coverage mode appends per-input records to.
	EnvOut = "FUZZRUN_COVER_OUT"
	// EnvKnown names a file of signature ids (one per line) the guard skips.
	// It is read once per process.
	EnvKnown = "FUZZRUN_KNOWN"
	// EnvRecover, set with EnvOut, makes the coverage mode recover a
	// panicking input instead of letting it end the process: it appends an
	// 'S' record (the panic's message, a newline, and the stack of the
	// panicking goroutine as runtime/debug.Stack prints it) after the
	// input's 'P' record and returns, so the next input runs in the same
	// process. In-process minimisation (internal/triage) runs thousands of
	// candidates per process this way.
	EnvRecover = "FUZZRUN_COVER_RECOVER"
	// EnvSkipped names a file the guard appends a skipped signature's id to,
	// one line the first time a process skips it.
	EnvSkipped = "FUZZRUN_SKIPPED"
)

// Mode selects what the wrapper does.
type Mode int

const (
	// ModeCover records each input's coverage. It needs a -cover build
	// linked with -ldflags=-checklinkname=0 (see Build).
	ModeCover Mode = 1 << iota
	// ModeGuard skips inputs whose failure has a known signature.
	ModeGuard
)

// sigPkgDir is the directory, under the target's package, at which the guard's
// copy of internal/signature is overlaid; it exists only in the overlay.
const sigPkgDir = "zz_fuzzrun_signature"

// fuzzCall is where a FuzzXxx test hands its fuzz function to f.Fuzz.
type fuzzCall struct {
	name       string // FuzzXxx
	file       string // absolute path of the _test.go file
	pkg        string // its package clause
	src        []byte
	start, end int // byte offsets of the argument to f.Fuzz
}

// findFuzzCall locates the f.Fuzz(fn) call in the body of func name(f
// *testing.F) among dir's test files.
func findFuzzCall(dir, name string) (fuzzCall, error) {
	calls, err := findFuzzCalls(dir, name)
	if err != nil {
		return fuzzCall{}, err
	}
	if len(calls) == 0 {
		return fuzzCall{}, fmt.Errorf("no func %s(*testing.F) in %s/*_test.go", name, dir)
	}
	return calls[0], nil
}

// findFuzzCalls locates the f.Fuzz(fn) calls of the FuzzXxx functions of
// dir's test files: of the one named only, or (only == "") of every one that
// makes such a call in its body.
func findFuzzCalls(dir, only string) ([]fuzzCall, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	var out []fuzzCall
	fset := token.NewFileSet()
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", path, err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Body == nil || !strings.HasPrefix(fd.Name.Name, "Fuzz") || only != "" && fd.Name.Name != only {
				continue
			}
			name := fd.Name.Name
			params := fd.Type.Params.List
			if len(params) != 1 || len(params[0].Names) != 1 {
				if only == "" {
					continue
				}
				return nil, fmt.Errorf("%s: %s does not take one *testing.F", path, name)
			}
			fname := params[0].Names[0].Name
			var call *ast.CallExpr
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				c, ok := n.(*ast.CallExpr)
				if !ok || call != nil {
					return call == nil
				}
				sel, ok := c.Fun.(*ast.SelectorExpr)
				if ok && sel.Sel.Name == "Fuzz" && len(c.Args) == 1 {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == fname {
						call = c
						return false
					}
				}
				return true
			})
			if call == nil {
				if only == "" {
					continue
				}
				return nil, fmt.Errorf("%s: %s never calls %s.Fuzz(fn) in its body; fuzzrun can only wrap the fuzz function of targets that do", path, name, fname)
			}
			tf := fset.File(call.Pos())
			abs, err := filepath.Abs(path)
			if err != nil {
				return nil, err
			}
			out = append(out, fuzzCall{name: name, file: abs, pkg: f.Name.Name, src: src,
				start: tf.Offset(call.Args[0].Pos()), end: tf.Offset(call.Args[0].End())})
		}
	}
	return out, nil
}

// wrapped returns the test file with the fuzz function wrapped; the splice
// stays on the call's lines, so positions elsewhere do not move.
func (c fuzzCall) wrapped() []byte { return wrapFile(c.src, []fuzzCall{c}) }

// wrapFile splices fuzzrunWrap( ... ) around the calls' arguments, all in
// the file src.
func wrapFile(src []byte, calls []fuzzCall) []byte {
	sort.Slice(calls, func(i, j int) bool { return calls[i].start < calls[j].start })
	var b strings.Builder
	at := 0
	for _, c := range calls {
		b.Write(src[at:c.start])
		b.WriteString("fuzzrunWrap(")
		b.Write(src[c.start:c.end])
		b.WriteString(")")
		at = c.end
	}
	b.Write(src[at:])
	return []byte(b.String())
}

// Overlay writes into tmp the build overlay (go build -overlay) that wraps
// the fuzz function of every FuzzXxx in the package directory pkgDir, whose
// import path is importPath, with the wrapper of mode, and returns the
// overlay file's path. only, if set, limits the wrapping to that FuzzXxx.
// A package with no FuzzXxx calling f.Fuzz(fn) in its body gets an overlay
// that changes nothing.
func Overlay(pkgDir, importPath, only, tmp string, mode Mode) (string, error) {
	pkgDir, err := filepath.Abs(pkgDir)
	if err != nil {
		return "", err
	}
	calls, err := findFuzzCalls(pkgDir, only)
	if err != nil {
		return "", err
	}
	replace := make(map[string]string)
	files := make(map[string][]byte)
	byFile := make(map[string][]fuzzCall)
	pkgs := make(map[string]bool)
	for _, c := range calls {
		byFile[c.file] = append(byFile[c.file], c)
		pkgs[c.pkg] = true
	}
	for file, cs := range byFile {
		dst := filepath.Join(tmp, "wrapped_"+filepath.Base(file))
		replace[file], files[dst] = dst, wrapFile(cs[0].src, cs)
	}
	for pkg := range pkgs {
		name := "zz_fuzzrun_wrap_" + pkg + "_test.go"
		dst := filepath.Join(tmp, name)
		replace[filepath.Join(pkgDir, name)], files[dst] = dst, wrapperSource(pkg, importPath, mode)
	}
	if mode&ModeGuard != 0 && len(pkgs) > 0 {
		src, err := signature.Source()
		if err != nil {
			return "", err
		}
		for n, data := range src {
			dst := filepath.Join(tmp, "signature", n)
			replace[filepath.Join(pkgDir, sigPkgDir, n)], files[dst] = dst, data
		}
	}
	ov, err := json.Marshal(map[string]map[string]string{"Replace": replace})
	if err != nil {
		return "", err
	}
	path := filepath.Join(tmp, "overlay.json")
	files[path] = ov
	for p, data := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return "", err
		}
	}
	return path, nil
}

// wrapperSource is the generated test file. Imports carry fuzzrun-prefixed
// names because file-scope names must not collide with the package's own.
func wrapperSource(pkg, importPath string, mode Mode) []byte {
	imports := map[string]string{"fuzzrunreflect": "reflect", "fuzzruntesting": "testing", "fuzzrunos": "os"}
	var body strings.Builder
	body.WriteString(wrapSource)
	if mode&ModeCover != 0 {
		for k, v := range map[string]string{"fuzzrunbinary": "encoding/binary", "fuzzrunbytes": "bytes", "fuzzrunfmt": "fmt", "fuzzrundebug": "runtime/debug", "fuzzrunsync": "sync", "fuzzrunatomic": "sync/atomic", "fuzzrununsafe": "unsafe"} {
			imports[k] = v
		}
		body.WriteString(coverSource)
	} else {
		body.WriteString("\nfunc fuzzrunCoverWrap(fn any) any { return fn }\n")
	}
	if mode&ModeGuard != 0 {
		for k, v := range map[string]string{"fuzzrunsync": "sync", "fuzzrundebug": "runtime/debug", "fuzzrunstrings": "strings", "fuzzrununsafe": "unsafe", "fuzzrunruntime": "runtime", "fuzzrunsig": importPath + "/" + sigPkgDir} {
			imports[k] = v
		}
		body.WriteString(guardSource)
	} else {
		body.WriteString("\nfunc fuzzrunGuard(fn any) any { return fn }\n")
	}
	names := make([]string, 0, len(imports))
	for k := range imports {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("// Code generated by fuzzrun (internal/coverage); DO NOT EDIT.\n\npackage " + pkg + "\n\nimport (\n")
	for _, k := range names {
		fmt.Fprintf(&b, "\t%s %q\n", k, imports[k])
	}
	b.WriteString(")\n")
	b.WriteString(body.String())
	return []byte(b.String())
}

// wrapSource composes the modes: the guard outside, so the coverage
// record of a failing input is written before the guard decides.
const wrapSource = `
var _ = fuzzrunos.Getenv

func fuzzrunWrap(fn any) any { return fuzzrunGuard(fuzzrunCoverWrap(fn)) }

// fuzzrunIsFuzzFunc reports whether fn is a func(*testing.T, ...).
func fuzzrunIsFuzzFunc(fn any) bool {
	v := fuzzrunreflect.ValueOf(fn)
	return v.Kind() == fuzzrunreflect.Func && v.Type().NumIn() > 0 && v.Type().In(0) == fuzzrunreflect.TypeOf((*fuzzruntesting.T)(nil))
}
`

// coverSource is the coverage mode. A record is: kind byte ('B' before the
// input, 'E' after it, 'F' after a failed input, 'P' after a panic, 'S'
// after 'P' with EnvRecover), a 4-byte little-endian name length, the
// subtest name, a 4-byte data length and the counter snapshot ('S': the
// panic's text).
const coverSource = `
var fuzzrunCoverMu fuzzrunsync.Mutex

// The coverage counters of a -cover binary, as the runtime hands them to
// internal/coverage/cfile. runtime/coverage's ClearCounters and
// WriteCounters refuse to run in a test binary before its exit-time metadata
// write, so the wrapper walks the counters itself, the way cfile does: per
// executed function, [numCounters, pkgID, funcID, counters...]. Linking to
// this name needs -ldflags=-checklinkname=0, which Build passes.
type fuzzrunCovBlob struct {
	Counters *uint32
	Len      uint64
}

//go:linkname fuzzrunCovCounterList internal/coverage/cfile.getCovCounterList
func fuzzrunCovCounterList() []fuzzrunCovBlob

// fuzzrunCovWalk calls f on every counter of every function that has run
// since its counters were last cleared; a function's header stays intact.
func fuzzrunCovWalk(f func(pkg, fn, idx uint32, c *fuzzrunatomic.Uint32)) {
	for _, blob := range fuzzrunCovCounterList() {
		sd := fuzzrununsafe.Slice((*fuzzrunatomic.Uint32)(fuzzrununsafe.Pointer(blob.Counters)), blob.Len)
		for i := 0; i < len(sd); i++ {
			if sd[i].Load() == 0 {
				continue
			}
			n := int(sd[i].Load())
			first := i + 3
			if first+n > len(sd) {
				break
			}
			pkg, fn := sd[i+1].Load(), sd[i+2].Load()
			for j := 0; j < n; j++ {
				f(pkg, fn, uint32(j), &sd[first+j])
			}
			i += 3 + n - 1
		}
	}
}

func fuzzrunCovClear() {
	fuzzrunCovWalk(func(_, _, _ uint32, c *fuzzrunatomic.Uint32) { c.Store(0) })
}

func fuzzrunCovSnapshot() []byte {
	var out []byte
	fuzzrunCovWalk(func(pkg, fn, idx uint32, c *fuzzrunatomic.Uint32) {
		if c.Load() != 0 {
			out = fuzzrunbinary.LittleEndian.AppendUint64(out, uint64(pkg)<<48|uint64(fn&0xffffff)<<24|uint64(idx&0xffffff))
		}
	})
	return out
}

func fuzzrunCoverRecord(kind byte, name string, data []byte) {
	fuzzrunCoverMu.Lock()
	defer fuzzrunCoverMu.Unlock()
	var b fuzzrunbytes.Buffer
	b.WriteByte(kind)
	b.Write(fuzzrunbinary.LittleEndian.AppendUint32(nil, uint32(len(name))))
	b.WriteString(name)
	b.Write(fuzzrunbinary.LittleEndian.AppendUint32(nil, uint32(len(data))))
	b.Write(data)
	f, err := fuzzrunos.OpenFile(fuzzrunos.Getenv("` + EnvOut + `"), fuzzrunos.O_WRONLY|fuzzrunos.O_APPEND|fuzzrunos.O_CREATE, 0o644)
	if err != nil {
		panic("fuzzrun coverage: " + err.Error())
	}
	defer f.Close()
	if _, err := f.Write(b.Bytes()); err != nil {
		panic("fuzzrun coverage: " + err.Error())
	}
}

// fuzzrunPanicText renders a panic value as the runtime prints it after
// "panic: " (internal/signature.PanicMessage, which generated code cannot
// import from another module).
func fuzzrunPanicText(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case interface{ String() string }:
		return v.String()
	case string:
		return v
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr, float32, float64, complex64, complex128:
		return fuzzrunfmt.Sprint(v)
	default:
		return fuzzrunfmt.Sprintf("(%T) %p", v, &v)
	}
}

func fuzzrunCoverWrap(fn any) any {
	if fuzzrunos.Getenv("` + EnvOut + `") == "" || !fuzzrunIsFuzzFunc(fn) {
		return fn
	}
	v := fuzzrunreflect.ValueOf(fn)
	return fuzzrunreflect.MakeFunc(v.Type(), func(args []fuzzrunreflect.Value) []fuzzrunreflect.Value {
		t, _ := args[0].Interface().(*fuzzruntesting.T)
		name := ""
		if t != nil {
			name = t.Name()
		}
		fuzzrunCoverRecord('B', name, nil)
		fuzzrunCovClear()
		returned := false
		defer func() {
			r := recover()
			snap := fuzzrunCovSnapshot()
			kind := byte('E')
			switch {
			case r != nil:
				kind = 'P'
			case !returned || (t != nil && t.Failed()):
				kind = 'F' // t.Fatal ends the call with runtime.Goexit
			}
			fuzzrunCoverRecord(kind, name, snap)
			if r != nil && fuzzrunos.Getenv("` + EnvRecover + `") != "" {
				fuzzrunCoverRecord('S', name, []byte(fuzzrunPanicText(r)+"\n"+string(fuzzrundebug.Stack())))
				return
			}
			if r != nil {
				panic(r)
			}
		}()
		out := v.Call(args)
		returned = true
		return out
	}).Interface()
}
`

// guardSource is the guard mode (see the comment at the top of the file).
// It runs around every input of a fuzzing process, so its clean path costs
// a few pointer reads (testing.T's layout is checked by reflection once per
// process, not per input), the common func(*testing.T, []byte) shape is
// wrapped by a plain closure instead of reflect.MakeFunc, and a failure's
// signature is computed once per distinct failure and cached: a known
// shallow bug stays in the corpus and mutations of it fail again and again,
// and signing each from a formatted stack costs hundreds of microseconds
// (BENCHMARKS.md, Runner). A panic is keyed by its message and the program
// counters of the panicking stack, which determine the frames the signature
// reads; a t.Error/t.Fatal failure by the exact text the signature parses.
const guardSource = `
var (
	fuzzrunKnownOnce fuzzrunsync.Once
	fuzzrunKnown     map[string]bool
	fuzzrunSkipMu    fuzzrunsync.Mutex
	fuzzrunSkipSeen  = map[string]bool{}
	fuzzrunSigMu     fuzzrunsync.Mutex
	fuzzrunSigCache  = map[string]string{}
)

// Bounds of the signature cache: failures whose text varies with the input
// (an index out of range names the index) must not grow it without limit. A
// full cache is emptied, so the failures that recur fill it again.
const (
	fuzzrunSigCacheMax = 4096
	fuzzrunSigKeyMax   = 4096
)

func fuzzrunIsKnown(id string) bool {
	fuzzrunKnownOnce.Do(func() {
		fuzzrunKnown = map[string]bool{}
		data, err := fuzzrunos.ReadFile(fuzzrunos.Getenv("` + EnvKnown + `"))
		if err != nil {
			return
		}
		for _, l := range fuzzrunstrings.Split(string(data), "\n") {
			if l = fuzzrunstrings.TrimSpace(l); l != "" {
				fuzzrunKnown[l] = true
			}
		}
	})
	return fuzzrunKnown[id]
}

// fuzzrunSigID returns the signature id of the failure key names, computing
// it with sign ("" for a failure it cannot sign) the first time.
func fuzzrunSigID(key string, sign func() string) string {
	fuzzrunSigMu.Lock()
	id, ok := fuzzrunSigCache[key]
	fuzzrunSigMu.Unlock()
	if ok {
		return id
	}
	id = sign()
	if len(key) <= fuzzrunSigKeyMax {
		fuzzrunSigMu.Lock()
		if len(fuzzrunSigCache) >= fuzzrunSigCacheMax {
			clear(fuzzrunSigCache)
		}
		fuzzrunSigCache[key] = id
		fuzzrunSigMu.Unlock()
	}
	return id
}

// fuzzrunSkipped notes id in the skipped file, once per process.
func fuzzrunSkipped(id string) {
	fuzzrunSkipMu.Lock()
	defer fuzzrunSkipMu.Unlock()
	if fuzzrunSkipSeen[id] {
		return
	}
	fuzzrunSkipSeen[id] = true
	path := fuzzrunos.Getenv("` + EnvSkipped + `")
	if path == "" {
		return
	}
	f, err := fuzzrunos.OpenFile(path, fuzzrunos.O_WRONLY|fuzzrunos.O_APPEND|fuzzrunos.O_CREATE, 0o644)
	if err != nil {
		return
	}
	f.Write([]byte(id + "\n"))
	f.Close()
}

// fuzzrunKnownPanic reports whether the panic r, being recovered by the
// caller's deferred function (the panicking frames are still on the
// stack), has a known signature, and notes it as skipped if so.
func fuzzrunKnownPanic(r any) bool {
	msg := fuzzrunsig.PanicMessage(r)
	var pcs [64]uintptr
	n := fuzzrunruntime.Callers(1, pcs[:])
	sign := func() string { return fuzzrunsig.FromPanicText(msg, fuzzrundebug.Stack()).Sig.ID() }
	var id string
	if n == len(pcs) {
		id = sign() // deeper than the key holds: never cached
	} else {
		key := make([]byte, 0, 1+len(msg)+1+8*n)
		key = append(key, 'P')
		key = append(key, msg...)
		key = append(key, 0)
		for _, pc := range pcs[:n] {
			for i := 0; i < 8; i++ {
				key = append(key, byte(uint64(pc)>>(8*i)))
			}
		}
		id = fuzzrunSigID(string(key), sign)
	}
	if !fuzzrunIsKnown(id) {
		return false
	}
	fuzzrunSkipped(id)
	return true
}

// fuzzrunLayout is where testing.common's fields the guard needs lie:
// offsets checked by name and type once per process.
var fuzzrunLayout struct {
	once                                 fuzzrunsync.Once
	ok                                   bool
	common, mu, failed, output, parent uintptr
}

var fuzzrunWarnOnce fuzzrunsync.Once

func fuzzrunLayoutOK() bool {
	l := &fuzzrunLayout
	l.once.Do(func() {
		tt := fuzzrunreflect.TypeOf(fuzzruntesting.T{})
		c, ok := tt.FieldByName("common")
		if !ok || len(c.Index) != 1 || c.Type.Kind() != fuzzrunreflect.Struct {
			return
		}
		field := func(name string, typ fuzzrunreflect.Type) (uintptr, bool) {
			f, ok := c.Type.FieldByName(name)
			return f.Offset, ok && len(f.Index) == 1 && f.Type == typ
		}
		var ok1, ok2, ok3, ok4 bool
		l.mu, ok1 = field("mu", fuzzrunreflect.TypeOf(fuzzrunsync.RWMutex{}))
		l.failed, ok2 = field("failed", fuzzrunreflect.TypeOf(false))
		l.output, ok3 = field("output", fuzzrunreflect.TypeOf([]byte(nil)))
		l.parent, ok4 = field("parent", fuzzrunreflect.PointerTo(c.Type))
		l.common, l.ok = c.Offset, ok1 && ok2 && ok3 && ok4
	})
	if !l.ok {
		fuzzrunWarnOnce.Do(func() {
			fuzzrunos.Stderr.WriteString("fuzzrun guard: this Go's testing.T is not laid out as expected; known t.Error/t.Fatal failures are not skipped (panics still are)\n")
		})
	}
	return l.ok
}

// fuzzrunCommon is the guard's view of one testing.common.
type fuzzrunCommon struct {
	mu     *fuzzrunsync.RWMutex
	failed *bool
	output *[]byte
	parent fuzzrununsafe.Pointer // *testing.common, or nil
}

func fuzzrunCommonAt(p fuzzrununsafe.Pointer) fuzzrunCommon {
	l := &fuzzrunLayout
	return fuzzrunCommon{
		mu:     (*fuzzrunsync.RWMutex)(fuzzrununsafe.Add(p, l.mu)),
		failed: (*bool)(fuzzrununsafe.Add(p, l.failed)),
		output: (*[]byte)(fuzzrununsafe.Add(p, l.output)),
		parent: *(*fuzzrununsafe.Pointer)(fuzzrununsafe.Add(p, l.parent)),
	}
}

// fuzzrunMaxDepth bounds the chain of a T and its parents the guard keeps.
const fuzzrunMaxDepth = 8

// fuzzrunMark is the failure state of a T and its parents before an input.
type fuzzrunMark struct {
	chain  [fuzzrunMaxDepth]fuzzrunCommon
	failed [fuzzrunMaxDepth]bool
	n      int
	outLen int
	ok     bool
}

func (m *fuzzrunMark) mark(t *fuzzruntesting.T) {
	if t == nil || !fuzzrunLayoutOK() {
		return
	}
	p := fuzzrununsafe.Add(fuzzrununsafe.Pointer(t), fuzzrunLayout.common)
	for m.n < fuzzrunMaxDepth && p != nil {
		st := fuzzrunCommonAt(p)
		st.mu.RLock()
		m.chain[m.n], m.failed[m.n] = st, *st.failed
		if m.n == 0 {
			m.outLen = len(*st.output)
		}
		st.mu.RUnlock()
		m.n++
		p = st.parent
	}
	m.ok = true
}

// message is what the T logged during the input.
func (m *fuzzrunMark) message() string {
	st := m.chain[0]
	st.mu.RLock()
	defer st.mu.RUnlock()
	if len(*st.output) < m.outLen {
		return ""
	}
	return string((*st.output)[m.outLen:])
}

// restore clears the input's failure from the T and its parents.
func (m *fuzzrunMark) restore() {
	for i, st := range m.chain[:m.n] {
		st.mu.Lock()
		*st.failed = m.failed[i]
		if i == 0 && len(*st.output) >= m.outLen {
			*st.output = (*st.output)[:m.outLen]
		}
		st.mu.Unlock()
	}
}

// fuzzrunSettleFailure clears t's failure of the input when its signature
// is known.
func fuzzrunSettleFailure(t *fuzzruntesting.T, m *fuzzrunMark) {
	if t == nil || !m.ok || !t.Failed() {
		return
	}
	text := "--- FAIL: " + t.Name() + " (0.00s)\n" + m.message()
	id := fuzzrunSigID("F"+text, func() string {
		c, err := fuzzrunsig.Parse([]byte(text), "")
		if err != nil {
			return ""
		}
		return c.Sig.ID()
	})
	if id != "" && fuzzrunIsKnown(id) {
		fuzzrunSkipped(id)
		m.restore()
	}
}

func fuzzrunGuard(fn any) any {
	if fuzzrunos.Getenv("` + EnvKnown + `") == "" || !fuzzrunIsFuzzFunc(fn) {
		return fn
	}
	if f, ok := fn.(func(*fuzzruntesting.T, []byte)); ok {
		return func(t *fuzzruntesting.T, b []byte) {
			var mark fuzzrunMark
			mark.mark(t)
			returned := false
			defer func() {
				if returned && (t == nil || !t.Failed()) {
					return
				}
				if r := recover(); r != nil {
					if !fuzzrunKnownPanic(r) {
						panic(r)
					}
					return
				}
				fuzzrunSettleFailure(t, &mark)
			}()
			f(t, b)
			returned = true
		}
	}
	v := fuzzrunreflect.ValueOf(fn)
	return fuzzrunreflect.MakeFunc(v.Type(), func(args []fuzzrunreflect.Value) (out []fuzzrunreflect.Value) {
		t, _ := args[0].Interface().(*fuzzruntesting.T)
		var mark fuzzrunMark
		mark.mark(t)
		returned := false
		defer func() {
			if returned && (t == nil || !t.Failed()) {
				return
			}
			if r := recover(); r != nil {
				if !fuzzrunKnownPanic(r) {
					panic(r)
				}
				out = nil
				for i := 0; i < v.Type().NumOut(); i++ {
					out = append(out, fuzzrunreflect.Zero(v.Type().Out(i)))
				}
				return
			}
			fuzzrunSettleFailure(t, &mark)
		}()
		out = v.Call(args)
		returned = true
		return out
	}).Interface()
}
`
