// Package ci owns the hardening rules of daemonfuzz's GitHub workflows and
// checks them: least privilege (top-level permissions of contents: read,
// write scopes only on the jobs that need them, each with its reason), every
// third-party action pinned by full commit SHA with its version beside it,
// one SHA per action across all workflows, no pull_request_target, and no
// ${{ }} expression inside a run: script, where an attacker-controlled value
// (a branch name, a crash title, issue text) would become shell code; such
// values reach scripts through env: instead. And one definition of CI: a
// step is a checkout, toolchain, cache or artifact action (or
// ClusterFuzzLite's own), or it runs one script of the repository
// (`bash scripts/....sh`), which .ci/run and the tests run too.
//
// The package also runs workflows here (Local, Eval): the nightly's steps,
// read from its YAML, in a scratch clone against a fake GitHub API.
package ci

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one rule a workflow breaks, with where.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

var (
	scriptRun  = regexp.MustCompile(`^bash scripts/[A-Za-z0-9_./-]+\.sh$`)
	pinned     = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@]+)?@[0-9a-f]{40}$`)
	versionTag = regexp.MustCompile(`^#\s*v\d+(\.\d+)*\b`)
)

// Pins records, per action repository, the SHAs used and where, so that
// Consistent can require one SHA per action across workflows.
type Pins map[string]map[string]string // repo → sha → first "file:line"

// Check returns every rule the workflow in data breaks, and records its
// action pins in pins.
func Check(file string, data []byte, pins Pins) []Problem {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []Problem{{file, 0, fmt.Sprintf("not YAML: %v", err)}}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return []Problem{{file, 0, "not a workflow: the document is not a mapping"}}
	}
	c := &checker{file: file, pins: pins}
	top := doc.Content[0]
	if on := get(top, "on"); on != nil {
		if on.Kind == yaml.ScalarNode && on.Value == "pull_request_target" || get(on, "pull_request_target") != nil {
			c.add(on, "pull_request_target runs untrusted code with a write token; use pull_request")
		}
		for _, n := range on.Content {
			if n.Kind == yaml.ScalarNode && n.Value == "pull_request_target" && on.Kind == yaml.SequenceNode {
				c.add(n, "pull_request_target runs untrusted code with a write token; use pull_request")
			}
		}
	}
	perms := get(top, "permissions")
	if perms == nil || perms.Kind != yaml.MappingNode || len(perms.Content) != 2 ||
		perms.Content[0].Value != "contents" || perms.Content[1].Value != "read" {
		c.add(orNode(perms, top), "top-level permissions must be exactly `contents: read`; grant more on the job that needs it")
	}
	jobs := get(top, "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		c.add(top, "no jobs")
		return c.problems
	}
	for i := 0; i+1 < len(jobs.Content); i += 2 {
		name, job := jobs.Content[i].Value, jobs.Content[i+1]
		c.checkJobPermissions(name, get(job, "permissions"))
		if uses := get(job, "uses"); uses != nil {
			c.checkUses(uses) // a reusable workflow
		}
		steps := get(job, "steps")
		if steps == nil {
			continue
		}
		for _, step := range steps.Content {
			if uses := get(step, "uses"); uses != nil {
				c.checkUses(uses)
				if !allowedAction(uses.Value) {
					c.add(uses, fmt.Sprintf("job %s: %s is not a checkout, toolchain, cache or artifact action; put the check in a script under scripts/ and run it", name, uses.Value))
				}
			}
			if run := get(step, "run"); run != nil && strings.Contains(run.Value, "${{") {
				c.add(run, fmt.Sprintf("job %s: a run: script interpolates a ${{ }} expression; pass the value through env: and use \"$VAR\"", name))
			} else if run != nil && !scriptRun.MatchString(strings.TrimSpace(run.Value)) {
				c.add(run, fmt.Sprintf("job %s: run: %q is not one `bash scripts/....sh`; put the commands in a script that .ci/run can run too", name, firstLine(run.Value)))
			}
		}
	}
	return c.problems
}

// allowedActions are the actions a step may use instead of running a
// script: the runner's plumbing, and ClusterFuzzLite, which is itself the
// fuzzing service its workflows run.
var allowedActions = []string{
	"actions/checkout@", "actions/setup-go@", "actions/cache@", "actions/cache/restore@", "actions/cache/save@",
	"actions/upload-artifact@", "actions/download-artifact@", "google/clusterfuzzlite/actions/",
}

func allowedAction(ref string) bool {
	for _, a := range allowedActions {
		if strings.HasPrefix(ref, a) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// Consistent reports actions pinned to more than one SHA across workflows.
func (p Pins) Consistent() []string {
	var out []string
	for repo, shas := range p {
		if len(shas) < 2 {
			continue
		}
		var where []string
		for sha, at := range shas {
			where = append(where, sha[:12]+" at "+at)
		}
		sort.Strings(where)
		out = append(out, fmt.Sprintf("%s is pinned to %d commits (%s); use one", repo, len(shas), strings.Join(where, ", ")))
	}
	sort.Strings(out)
	return out
}

type checker struct {
	file     string
	pins     Pins
	problems []Problem
}

func (c *checker) add(n *yaml.Node, msg string) {
	c.problems = append(c.problems, Problem{c.file, n.Line, msg})
}

// checkJobPermissions allows write scopes on a job, each with a line comment
// saying why the job needs it, and rejects the blanket forms.
func (c *checker) checkJobPermissions(job string, perms *yaml.Node) {
	if perms == nil {
		return
	}
	if perms.Kind == yaml.ScalarNode {
		if perms.Value != "read-all" && perms.Value != "{}" {
			c.add(perms, fmt.Sprintf("job %s: permissions: %s; list the scopes it needs", job, perms.Value))
		}
		return
	}
	for i := 0; i+1 < len(perms.Content); i += 2 {
		k, v := perms.Content[i], perms.Content[i+1]
		if v.Value == "write" && strings.TrimSpace(strings.TrimPrefix(v.LineComment, "#")) == "" {
			c.add(v, fmt.Sprintf("job %s: %s: write needs a comment on its line saying why the job needs it", job, k.Value))
		}
	}
}

// checkUses requires a third-party action or reusable workflow to be pinned
// by full commit SHA with its version in a comment.
func (c *checker) checkUses(n *yaml.Node) {
	ref := n.Value
	if strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "docker://") {
		return
	}
	if !pinned.MatchString(ref) {
		c.add(n, fmt.Sprintf("%s is not pinned by a full 40-hex commit SHA", ref))
		return
	}
	if !versionTag.MatchString(n.LineComment) {
		c.add(n, fmt.Sprintf("%s has no `# vX.Y.Z` comment naming the release its SHA is", ref))
	}
	at := strings.LastIndexByte(ref, '@')
	repo, sha := ref[:at], ref[at+1:]
	if parts := strings.SplitN(repo, "/", 3); len(parts) == 3 {
		repo = parts[0] + "/" + parts[1] // actions/cache/save and actions/cache are one repository
	}
	if c.pins[repo] == nil {
		c.pins[repo] = map[string]string{}
	}
	if _, ok := c.pins[repo][sha]; !ok {
		c.pins[repo][sha] = fmt.Sprintf("%s:%d", c.file, n.Line)
	}
}

// get returns the value of key in mapping node m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func orNode(n, fallback *yaml.Node) *yaml.Node {
	if n != nil {
		return n
	}
	return fallback
}
