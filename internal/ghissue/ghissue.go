// Package ghissue owns filing crashes as GitHub issues: one issue per
// signature (listing every target that hit it), found again by a marker in
// its body whatever its labels rather than filed twice, one comment when the
// crash is seen with a build (Go toolchain and dependency versions) the
// issue has not heard of, and nothing ever closed or edited. The versions
// already reported are kept in the issue itself, as hidden markers in the
// body and in fuzzrun's comments, so a nightly with no state of its own
// stays quiet. It talks to the GitHub REST API through
// github.com/google/go-github, whose base URL can point at GitHub Enterprise
// or a test server.
package ghissue

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/google/go-github/v75/github"

	"github.com/daemonfuzz/daemonfuzz/internal/report"
)

// TokenEnv is the environment variable the token is read from.
const TokenEnv = "GITHUB_TOKEN"

// Label marks every issue fuzzrun files. Finding existing issues does not
// depend on it: someone may have removed it.
const Label = "fuzzrun-crash"

// Marker is the hidden line in an issue body that names the signature it is
// about. It is how a later run finds the issue instead of filing another.
func Marker(id string) string { return "<!-- fuzzrun-signature: " + id + " -->" }

// Filer files crashes in one repository.
type Filer struct {
	Owner, Repo string
	Client      *github.Client
	DryRun      bool // decide and describe, but send nothing that changes the repository
	// Offline, with DryRun, contacts nothing at all: every crash is
	// described as new, unchecked against existing issues.
	Offline bool
	Now     func() time.Time
	// Run links the workflow run and its artifacts in bodies and comments;
	// nil outside GitHub Actions (see RunFromEnv).
	Run *Run
	// Build names the toolchain the crashes were seen with, part of the
	// versions an issue hears about once; "" means runtime.Version().
	Build string

	known map[string]*github.Issue // signature id -> issue, from one listing
}

// New returns a Filer for repo ("owner/name"). baseURL is the API root
// ("" for api.github.com; a GitHub Enterprise or test server otherwise).
// token may be empty only for a dry run against a public repository.
func New(repo, baseURL, token string, httpClient *http.Client) (*Filer, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("repository %q is not owner/name", repo)
	}
	c := github.NewClient(httpClient)
	if token != "" {
		c = c.WithAuthToken(token)
	}
	if baseURL != "" {
		u, err := url.Parse(strings.TrimSuffix(baseURL, "/") + "/")
		if err != nil {
			return nil, fmt.Errorf("bad API base URL %q: %w", baseURL, err)
		}
		c.BaseURL = u
	}
	return &Filer{Owner: owner, Repo: name, Client: c}, nil
}

// Run is the GitHub Actions run that found the crashes.
type Run struct {
	URL       string // https://github.com/owner/repo/actions/runs/ID
	Artifacts string // where its artifacts are listed
}

// RunFromEnv returns the run GitHub Actions describes in its environment
// (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID), or nil.
func RunFromEnv(getenv func(string) string) *Run {
	server, repo, id := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID")
	if server == "" || repo == "" || id == "" {
		return nil
	}
	u := strings.TrimSuffix(server, "/") + "/" + repo + "/actions/runs/" + id
	return &Run{URL: u, Artifacts: u + "#artifacts"}
}

// Action is what File did (or, in a dry run, would do) for one bug.
type Action struct {
	Crash   *report.Crash // the crash the body describes
	Verb    string        // "filed", "commented", "linked" (found, nothing new), "skipped"
	Number  int
	URL     string
	Title   string
	Body    string // the issue or comment body
	Comment bool   // Body is a comment, not a new issue
}

// File makes sure the bug whose crashes are group (one signature id, one
// entry per target that hit it) has an issue: it files one when no issue,
// open or closed, carries the signature's marker, comments once when the
// crash is seen with a build or dependency versions the issue has not
// heard of (a closed issue whose crash is back, or an open one on a new
// release), and otherwise only links it. Each crash's Issue is updated (not
// in a dry run); the caller saves them. input is the first crash's
// reproducer, for the body. Fixed and duplicate crashes are not filed.
func (f *Filer) File(ctx context.Context, group []*report.Crash, input []byte) (Action, error) {
	var live []*report.Crash
	for _, c := range group {
		if c.Status != report.StatusFixed && c.Status != report.StatusDuplicate {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return Action{Crash: group[0], Verb: "skipped", Title: group[0].Title}, nil
	}
	c := group[0]
	issue, err := f.find(ctx, c.ID)
	if err != nil {
		return Action{}, err
	}
	if issue == nil {
		return f.create(ctx, group, input)
	}
	a := Action{Crash: c, Number: issue.GetNumber(), URL: issue.GetHTMLURL(), Title: issue.GetTitle(), Verb: "linked"}
	key := f.versionKey(c)
	heard, err := f.heard(ctx, issue, key)
	if err != nil {
		return Action{}, err
	}
	if !heard {
		a.Verb, a.Comment = "commented", true
		a.Body = f.recurrence(group, issue, key)
		if !f.DryRun {
			if _, _, err := f.Client.Issues.CreateComment(ctx, f.Owner, f.Repo, issue.GetNumber(), &github.IssueComment{Body: github.Ptr(a.Body)}); err != nil {
				return Action{}, fmt.Errorf("comment on %s/%s#%d: %w", f.Owner, f.Repo, issue.GetNumber(), err)
			}
		}
	}
	if !f.DryRun {
		for _, g := range group {
			filed := issue.GetCreatedAt().Time
			if g.Issue != nil && !g.Issue.Filed.IsZero() {
				filed = g.Issue.Filed
			}
			g.Issue = &report.Issue{Repo: f.Owner + "/" + f.Repo, Number: issue.GetNumber(), URL: issue.GetHTMLURL(), Filed: filed, Reported: g.Count}
		}
	}
	return a, nil
}

func (f *Filer) create(ctx context.Context, group []*report.Crash, input []byte) (Action, error) {
	c := group[0]
	a := Action{Crash: c, Verb: "filed", Title: report.Clean(c.Title, true), Body: f.body(group, input)}
	if f.DryRun {
		return a, nil
	}
	req := &github.IssueRequest{Title: github.Ptr(a.Title), Body: github.Ptr(a.Body), Labels: &[]string{Label}}
	issue, _, err := f.Client.Issues.Create(ctx, f.Owner, f.Repo, req)
	if err != nil {
		return Action{}, fmt.Errorf("file issue in %s/%s: %w", f.Owner, f.Repo, err)
	}
	a.Number, a.URL = issue.GetNumber(), issue.GetHTMLURL()
	f.known[c.ID] = issue
	for _, g := range group {
		g.Issue = &report.Issue{Repo: f.Owner + "/" + f.Repo, Number: issue.GetNumber(), URL: issue.GetHTMLURL(), Filed: f.now(), Reported: g.Count}
	}
	return a, nil
}

// versionsMarker is the hidden line that records a build an issue has
// heard about: the toolchain and the dependency versions, hashed.
func versionsMarker(key string) string { return "<!-- fuzzrun-versions: " + key + " -->" }

// versionKey identifies the build a crash was last seen with: the Go
// toolchain and every dependency version.
func (f *Filer) versionKey(c *report.Crash) string {
	build := f.Build
	if build == "" {
		build = runtime.Version()
	}
	h := sha256.New()
	h.Write([]byte(build + "\n"))
	for _, m := range c.Deps {
		h.Write([]byte(m.Path + "@" + m.Version + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// heard reports whether the issue's body or one of its comments records
// the build key.
func (f *Filer) heard(ctx context.Context, issue *github.Issue, key string) (bool, error) {
	m := versionsMarker(key)
	if strings.Contains(issue.GetBody(), m) {
		return true, nil
	}
	if f.DryRun && f.Offline {
		return false, nil
	}
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := f.Client.Issues.ListComments(ctx, f.Owner, f.Repo, issue.GetNumber(), opts)
		if err != nil {
			return false, fmt.Errorf("read comments of %s/%s#%d: %w", f.Owner, f.Repo, issue.GetNumber(), err)
		}
		for _, c := range cs {
			if strings.Contains(c.GetBody(), m) {
				return true, nil
			}
		}
		if resp == nil || resp.NextPage == 0 {
			return false, nil
		}
		opts.ListOptions.Page = resp.NextPage
	}
}

// find returns the issue whose body carries id's marker, open or closed,
// listing the repository's fuzzrun issues once per Filer.
func (f *Filer) find(ctx context.Context, id string) (*github.Issue, error) {
	if f.DryRun && f.Offline {
		return nil, nil
	}
	if f.known == nil {
		f.known = map[string]*github.Issue{}
		// Every issue, whatever its labels: the marker decides.
		opts := &github.IssueListByRepoOptions{State: "all", ListOptions: github.ListOptions{PerPage: 100}}
		for {
			issues, resp, err := f.Client.Issues.ListByRepo(ctx, f.Owner, f.Repo, opts)
			if err != nil {
				f.known = nil
				var rerr *github.ErrorResponse
				if errors.As(err, &rerr) && rerr.Response != nil && rerr.Response.StatusCode == http.StatusUnauthorized {
					return nil, fmt.Errorf("list issues of %s/%s: %w (check %s)", f.Owner, f.Repo, err, TokenEnv)
				}
				return nil, fmt.Errorf("list issues of %s/%s: %w", f.Owner, f.Repo, err)
			}
			for _, is := range issues {
				if is.IsPullRequest() {
					continue
				}
				if sid := markerID(is.GetBody()); sid != "" {
					if _, dup := f.known[sid]; !dup {
						f.known[sid] = is
					}
				}
			}
			if resp == nil || resp.NextPage == 0 {
				break
			}
			opts.ListOptions.Page = resp.NextPage
		}
	}
	return f.known[id], nil
}

// markerID returns the signature id in a body's marker, or "".
func markerID(body string) string {
	const open = "<!-- fuzzrun-signature: "
	i := strings.Index(body, open)
	if i < 0 {
		return ""
	}
	rest := body[i+len(open):]
	j := strings.Index(rest, " -->")
	if j < 0 {
		return ""
	}
	return rest[:j]
}

func (f *Filer) now() time.Time {
	if f.Now != nil {
		return f.Now().UTC()
	}
	return time.Now().UTC()
}

// Body is the issue text for a bug: the Markdown report of its first
// crash, every target that hit it, the run that found it, and the markers.
func (f *Filer) body(group []*report.Crash, input []byte) string {
	c := group[0]
	var b strings.Builder
	b.Write(report.Markdown(c, input))
	if len(group) > 1 {
		b.WriteString("## Targets\n\nThe same signature was found by:\n\n")
		for _, g := range group {
			fmt.Fprintf(&b, "- `%s` (%s, seen %d times)\n", g.TargetID(), g.StatusText(), g.Count)
		}
		b.WriteString("\n")
	}
	f.writeRun(&b)
	b.WriteString("\n_Filed by fuzzrun._\n" + Marker(c.ID) + "\n" + versionsMarker(f.versionKey(c)) + "\n")
	return b.String()
}

// Body is the issue text for a single crash, outside Actions.
func Body(c *report.Crash, input []byte) string {
	return (&Filer{}).body([]*report.Crash{c}, input)
}

func (f *Filer) writeRun(b *strings.Builder) {
	if f.Run != nil {
		fmt.Fprintf(b, "Found by [this workflow run](%s); its crash reports and reproducers are the run's [artifacts](%s).\n", f.Run.URL, f.Run.Artifacts)
	}
}

// recurrence is the comment on a filed bug seen with a new build.
func (f *Filer) recurrence(group []*report.Crash, issue *github.Issue, key string) string {
	c := group[0]
	var b strings.Builder
	fmt.Fprintf(&b, "Seen again with a build this issue has not heard of: %d times in all, last %s, status %s.\n", c.Count, c.LastSeen.Format(time.RFC3339), c.StatusText())
	if issue.GetState() == "closed" {
		b.WriteString("\nThis issue is closed but the crash still reproduces.\n")
	}
	b.WriteString("\nTargets:\n\n")
	for _, g := range group {
		fmt.Fprintf(&b, "- `%s`\n", g.TargetID())
	}
	if len(c.Deps) > 0 {
		b.WriteString("\nWith:\n\n")
		for _, m := range c.Deps {
			fmt.Fprintf(&b, "- %s %s\n", m.Path, m.Version)
		}
	}
	b.WriteString("\n")
	f.writeRun(&b)
	b.WriteString(versionsMarker(key) + "\n")
	return b.String()
}
