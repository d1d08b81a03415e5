package target

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The sets a target belongs to. Only the suite is fuzzed by default; the
// others are fuzzed when a pattern names them or the caller asks for all.
const (
	// SetSuite holds the targets the module is about. In a module with fuzz
	// targets under a top-level fuzz/ directory (daemonfuzz's layout), those
	// are the suite; in any other module, every target outside bench/ is.
	SetSuite = "suite"
	// SetBench holds baseline harnesses kept for benchmarks: every target
	// whose package lies under the module's bench/ directory.
	SetBench = "bench"
	// SetTool holds the remaining targets of a module with a fuzz/ suite:
	// fuzz tests of the module's own tooling (for daemonfuzz,
	// internal/ossfuzz:FuzzEncodeBytes).
	SetTool = "tool"
)

// classify sets the Set of every target of one module.
func classify(ts []Target) {
	under := func(dir, top string) bool { return dir == top || strings.HasPrefix(dir, top+"/") }
	fuzzDir := false
	for _, t := range ts {
		fuzzDir = fuzzDir || under(t.Dir, "fuzz")
	}
	for i, t := range ts {
		switch {
		case under(t.Dir, "bench"):
			ts[i].Set = SetBench
		case !fuzzDir || under(t.Dir, "fuzz"):
			ts[i].Set = SetSuite
		default:
			ts[i].Set = SetTool
		}
	}
}

// Select is the one selection of fuzzrun's verbs (run, list, oss-fuzz, the
// corpus and coverage tools): with no pattern it returns the suite (every
// target if all is set). A pattern is a regular expression matched, unanchored,
// against each target's name (FuzzXxx) and its ID (pkgdir:FuzzXxx), so
// "FuzzLabel$", "dhcp:FuzzLabel$", "fuzz/.*:FuzzLabel" and "fuzz/dns:" all
// work; a leading "./" is dropped. A pattern selects among the suite's
// targets, unless all is set or it matches none of them: then it selects
// among every target, so a benchmark baseline is fuzzed when named
// ("bench/dns/baseline:", "FuzzNaiveUnpack"). A pattern that is not a valid
// regular expression is a *PatternError; one that selects nothing is a
// *NoMatchError listing the nearest targets or packages.
func Select(targets []Target, patterns []string, all bool) ([]Target, error) {
	suite := targets
	if !all {
		suite = nil
		for _, t := range targets {
			if t.Set == SetSuite || t.Set == "" {
				suite = append(suite, t)
			}
		}
	}
	if len(patterns) == 0 {
		return suite, nil
	}
	selected := make(map[string]bool)
	for _, p := range patterns {
		re, err := compile(p)
		if err != nil {
			return nil, err
		}
		n := matchRE(suite, re, selected)
		if n == 0 && !all {
			n = matchRE(targets, re, selected)
		}
		if n == 0 {
			return nil, &NoMatchError{Pattern: p, Nearest: nearestFor(targets, p, 3)}
		}
	}
	var out []Target
	for _, t := range targets {
		if selected[t.ID()] {
			out = append(out, t)
		}
	}
	return out, nil
}

// Match selects among every target by patterns, as Select does with all
// set: for verbs that name one target of any set (minimize).
func Match(targets []Target, patterns []string) ([]Target, error) {
	return Select(targets, patterns, true)
}

// compile compiles one pattern.
func compile(p string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(strings.TrimPrefix(p, "./"))
	if err != nil {
		return nil, &PatternError{Pattern: p, Err: err}
	}
	return re, nil
}

func matchRE(targets []Target, re *regexp.Regexp, selected map[string]bool) int {
	n := 0
	for _, t := range targets {
		if re.MatchString(t.Name) || re.MatchString(t.ID()) {
			selected[t.ID()] = true
			n++
		}
	}
	return n
}

// PatternError is a pattern that is not a regular expression.
type PatternError struct {
	Pattern string
	Err     error
}

func (e *PatternError) Error() string {
	return fmt.Sprintf("pattern %q is not a regular expression (a pattern matches FuzzXxx or pkgdir:FuzzXxx): %v", e.Pattern, e.Err)
}

func (e *PatternError) Unwrap() error { return e.Err }

// NoMatchError reports a pattern that selects no target.
type NoMatchError struct {
	Pattern string
	// Nearest are the closest targets (pkgdir:FuzzXxx), or for a pattern
	// that names a package (it has a "/" or ends in ":"), the closest
	// packages (pkgdir:), best first.
	Nearest []string
}

func (e *NoMatchError) Error() string {
	if len(e.Nearest) == 0 {
		return fmt.Sprintf("no fuzz target matches %q, and the module has none (a target is func FuzzXxx(f *testing.F) in a _test.go file)", e.Pattern)
	}
	return fmt.Sprintf("no fuzz target matches %q; nearest: %s (run 'fuzzrun list -all' for all)", e.Pattern, strings.Join(e.Nearest, ", "))
}

// nearestFor suggests packages for a pattern that names a package, and
// targets for any other.
func nearestFor(targets []Target, p string, n int) []string {
	p = strings.TrimPrefix(p, "./")
	dir, name, hasColon := strings.Cut(p, ":")
	if !strings.Contains(p, "/") && !(hasColon && name == "") {
		return Nearest(targets, p, n)
	}
	if !hasColon {
		dir = p
	}
	dir = strings.TrimSuffix(dir, "/")
	seen := make(map[string]bool)
	var pkgs []Target
	for _, t := range targets {
		if !seen[t.Dir] {
			seen[t.Dir] = true
			pkgs = append(pkgs, t)
		}
	}
	type scored struct {
		id string
		d  int
	}
	var all []scored
	for _, t := range pkgs {
		all = append(all, scored{t.Dir + ":", distance(strings.ToLower(dir), strings.ToLower(t.Dir))})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		id := all[i].id
		if hasColon && name != "" {
			id += name
		}
		out = append(out, id)
	}
	return out
}

// Nearest returns the IDs of up to n targets whose name (with or without
// its Fuzz prefix) or ID is closest to s by edit distance, ignoring case.
func Nearest(targets []Target, s string, n int) []string {
	type scored struct {
		id string
		d  int
	}
	low := strings.ToLower(s)
	var all []scored
	for _, t := range targets {
		name := strings.ToLower(t.Name)
		d := min(distance(low, name), distance(low, strings.TrimPrefix(name, "fuzz")), distance(low, strings.ToLower(t.ID())))
		all = append(all, scored{t.ID(), d})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].id)
	}
	return out
}

// distance is the Levenshtein edit distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
