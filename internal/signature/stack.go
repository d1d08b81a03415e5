package signature

import (
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// StackFrame is one frame of a goroutine trace.
type StackFrame struct {
	Func string `json:"func"`           // as printed, without arguments
	File string `json:"file,omitempty"` // source path as printed
	Line int    `json:"line,omitempty"`
}

// goroutine is one goroutine of a traceback.
type goroutine struct {
	frames    []StackFrame
	createdBy string
}

var (
	goroutineHeader = regexp.MustCompile(`^goroutine \d+( gp=\S+)?( m=\S+)?( mp=\S+)? \[`)
	location        = regexp.MustCompile(`^\t(.*):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=.*)?$`)
	createdBy       = regexp.MustCompile(`^created by (\S+?)(?: in goroutine \d+)?$`)
)

// parseGoroutine reads the goroutine trace whose header is lines[0]. Lines
// may carry a common indentation (the testing package indents the stack of a
// panic it reports under -fuzz); it is the header's and is removed.
func parseGoroutine(lines []string) goroutine {
	trimmed := strings.TrimLeft(lines[0], " \t")
	indent := lines[0][:len(lines[0])-len(trimmed)]
	var g goroutine
	for i := 1; i < len(lines); i++ {
		l := strings.TrimPrefix(lines[i], indent)
		if strings.TrimSpace(l) == "" {
			break
		}
		if m := createdBy.FindStringSubmatch(l); m != nil {
			g.createdBy = m[1]
			break
		}
		if strings.HasPrefix(l, "...") { // "...additional frames elided..."
			continue
		}
		if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "goroutine ") {
			break
		}
		// A frame is a function line followed by its location; anything
		// else ends the trace (go test's "FAIL pkg" line, for one).
		if i+1 >= len(lines) {
			break
		}
		m := location.FindStringSubmatch(strings.TrimPrefix(lines[i+1], indent))
		if m == nil {
			break
		}
		f := StackFrame{Func: funcOf(l), File: m[1]}
		f.Line, _ = strconv.Atoi(m[2])
		g.frames = append(g.frames, f)
		i++
	}
	return g
}

// funcOf strips the argument list from a traceback's function line:
// "github.com/miekg/dns.(*Msg).Unpack(0xc000010000, {0x1, 0x2})" becomes
// "github.com/miekg/dns.(*Msg).Unpack". Arguments never contain parentheses,
// receivers do, so the argument list starts at the last '('.
func funcOf(line string) string {
	if i := strings.LastIndexByte(line, '('); i > 0 && strings.HasSuffix(line, ")") {
		return line[:i]
	}
	return line
}

// goroutines returns every goroutine trace in lines, in order.
func goroutines(lines []string) []goroutine {
	var out []goroutine
	for i, l := range lines {
		if goroutineHeader.MatchString(strings.TrimLeft(l, " \t")) {
			out = append(out, parseGoroutine(lines[i:]))
		}
	}
	return out
}

// sigFrames returns the first FrameDepth normalised frames of g that are not
// plumbing. A goroutine started by the code under test (a server loop, a
// worker) adds the function that started it. Frames of the fuzz target's own
// package (the package of its FuzzXxx wrapper: the target body, its oracle
// helpers) are left out when a frame of a library (neither the standard
// library nor the target package) remains, so that one bug in a library
// reached through two targets, or through two helpers of one, is one
// signature; a crash in the target package's own code keeps them.
func (g goroutine) sigFrames() []string {
	var names []string
	for _, f := range g.frames {
		names = append(names, f.Func)
	}
	if g.createdBy != "" {
		names = append(names, g.createdBy)
	}
	own := g.targetPackage()
	var all, lib []string
	inLib := false // a frame outside the standard library and the target package
	for _, name := range names {
		f := normFrame(name)
		if f.isPlumbing() {
			continue
		}
		all = append(all, string(f))
		if own == "" || f.pkgPath() != own {
			lib = append(lib, string(f))
			inLib = inLib || !f.isStd()
		}
	}
	if !inLib {
		lib = all // the bug is the target package's own
	}
	if len(lib) > FrameDepth {
		lib = lib[:FrameDepth]
	}
	return lib
}

// targetPackage is the import path of the package holding the FuzzXxx
// wrapper on g's stack, without an external test package's _test suffix,
// or "" when g does not run one.
func (g goroutine) targetPackage() string {
	for _, f := range g.frames {
		n := normFrame(f.Func)
		if wrapper.MatchString(string(n)) {
			return strings.TrimSuffix(n.pkgPath(), "_test")
		}
	}
	return ""
}

// trimmed returns the frames a report shows: from the first frame of code
// under test down to, not including, the harness and the FuzzXxx wrapper.
func (g goroutine) trimmed() []StackFrame {
	start := -1
	var out []StackFrame
	for i, f := range g.frames {
		plumb := normFrame(f.Func).isPlumbing()
		if start < 0 {
			if plumb {
				continue
			}
			start = i
		}
		if plumb {
			break
		}
		out = append(out, f)
	}
	return out
}

// runsTarget reports whether g is the goroutine running the fuzz function:
// it has the FuzzXxx wrapper or the harness on its stack.
func (g goroutine) runsTarget() bool {
	for _, f := range g.frames {
		if wrapper.MatchString(string(normFrame(f.Func))) || frame(f.Func).pkgPath() == HarnessPackage {
			return true
		}
	}
	return false
}

// FormatStack renders frames as a Go traceback does, with module-cache
// paths shortened to module@version/file.
func FormatStack(frames []StackFrame) string {
	var b strings.Builder
	for _, f := range frames {
		b.WriteString(f.Func)
		b.WriteString("(...)\n")
		if f.File != "" {
			b.WriteString("\t")
			b.WriteString(shortPath(f.File))
			b.WriteString(":")
			b.WriteString(strconv.Itoa(f.Line))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// shortPath drops the machine-specific prefix of a module-cache path.
func shortPath(p string) string {
	if _, after, ok := strings.Cut(p, "/pkg/mod/"); ok {
		return after
	}
	return p
}

// GorootPrefix starts the stored path of a standard-library frame:
// "$GOROOT/src/sort/zsortinterface.go".
const GorootPrefix = "$GOROOT/src/"

// RelStack returns frames with paths that mean the same on every machine:
// a file of the module at moduleRoot (import path modulePath) relative to
// the module root ("fuzz/dns/wire.go"), a module-cache file as
// module@version/file ("github.com/miekg/dns@v1.1.73/msg.go"), a
// standard-library file under GorootPrefix. A frame of the module whose
// path was recorded on another checkout (another root) is placed by its
// package's import path. Other paths are kept as they are.
func RelStack(frames []StackFrame, moduleRoot, modulePath string) []StackFrame {
	if len(frames) == 0 {
		return frames
	}
	out := make([]StackFrame, len(frames))
	for i, f := range frames {
		f.File = relPath(f, moduleRoot, modulePath)
		out[i] = f
	}
	return out
}

func relPath(f StackFrame, moduleRoot, modulePath string) string {
	p := filepath.ToSlash(f.File)
	if !strings.HasPrefix(p, "/") && !(len(p) > 2 && p[1] == ':') {
		return p // already relative
	}
	root := strings.TrimSuffix(filepath.ToSlash(moduleRoot), "/") + "/"
	if moduleRoot != "" && strings.HasPrefix(p, root) {
		return strings.TrimPrefix(p, root)
	}
	if _, after, ok := strings.Cut(p, "/pkg/mod/"); ok {
		return after
	}
	fr := normFrame(f.Func)
	pkg := strings.TrimSuffix(fr.pkgPath(), "_test")
	if fr.isStd() && pkg != "" {
		if i := strings.LastIndex(p, "/src/"+pkg+"/"); i >= 0 {
			return GorootPrefix + p[i+len("/src/"):]
		}
	}
	if modulePath != "" && (pkg == modulePath || strings.HasPrefix(pkg, modulePath+"/")) {
		dir := strings.TrimPrefix(strings.TrimPrefix(pkg, modulePath), "/")
		return path.Join(dir, path.Base(p))
	}
	return p
}

// fromPanic drops the frames above the runtime's innermost "panic" frame:
// the deferred functions that recovered the value and re-panicked it (the
// testing package's, harness.Check's guard, a target's own recover) and the
// one that called debug.Stack. The frames below it are where the value was
// first panicked.
func (g goroutine) fromPanic() goroutine {
	for i := len(g.frames) - 1; i >= 0; i-- {
		if f := g.frames[i].Func; f == "panic" || f == "runtime.gopanic" {
			g.frames = g.frames[i+1:]
			break
		}
	}
	return g
}
