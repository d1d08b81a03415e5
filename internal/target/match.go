package target

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Match selects the targets named by patterns; no pattern selects all. A
// pattern is either "pkgdir:Name" (Name is a regular expression anchored to
// the whole name; "pkgdir:" selects the whole package) or a regular expression matched against Name
// and against ID ("pkgdir:Name"). A pattern that selects nothing is an error
// that lists the nearest target names, so a typo is one look away from its fix.
func Match(targets []Target, patterns []string) ([]Target, error) {
	if len(patterns) == 0 {
		return targets, nil
	}
	selected := make(map[string]bool)
	for _, p := range patterns {
		n, err := matchOne(targets, p, selected)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, &NoMatchError{Pattern: p, Nearest: Nearest(targets, p, 3)}
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

func matchOne(targets []Target, p string, selected map[string]bool) (int, error) {
	n := 0
	if dir, name, ok := strings.Cut(p, ":"); ok {
		dir = strings.TrimPrefix(strings.TrimSuffix(dir, "/"), "./")
		if dir == "" {
			dir = "."
		}
		if name == "" {
			name = ".*"
		}
		re, err := regexp.Compile("^(?:" + name + ")$")
		if err != nil {
			return 0, fmt.Errorf("pattern %q: %w", p, err)
		}
		for _, t := range targets {
			if t.Dir == dir && re.MatchString(t.Name) {
				selected[t.ID()] = true
				n++
			}
		}
		return n, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return 0, fmt.Errorf("pattern %q is not a regular expression: %w", p, err)
	}
	for _, t := range targets {
		if re.MatchString(t.Name) || re.MatchString(t.ID()) {
			selected[t.ID()] = true
			n++
		}
	}
	return n, nil
}

// NoMatchError reports a pattern that selects no target.
type NoMatchError struct {
	Pattern string
	Nearest []string // IDs of the closest targets, best first
}

func (e *NoMatchError) Error() string {
	if len(e.Nearest) == 0 {
		return fmt.Sprintf("no fuzz target matches %q, and the module has none (a target is func FuzzXxx(f *testing.F) in a _test.go file)", e.Pattern)
	}
	return fmt.Sprintf("no fuzz target matches %q; nearest: %s (run 'fuzzrun list' for all)", e.Pattern, strings.Join(e.Nearest, ", "))
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
