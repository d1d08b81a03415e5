// Package ghissue owns filing crashes as GitHub issues: one issue per
// signature, found again by a marker in its body rather than filed twice,
// a comment when a filed crash recurs, and nothing ever closed. It talks
// to the GitHub REST API through github.com/google/go-github, whose base
// URL can point at GitHub Enterprise or a test server.
package ghissue

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v75/github"

	"github.com/daemonfuzz/daemonfuzz/internal/report"
)

// TokenEnv is the environment variable the token is read from.
const TokenEnv = "GITHUB_TOKEN"

// Label marks every issue fuzzrun files; finding existing issues lists
// only issues with it.
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

// Action is what File did (or, in a dry run, would do) for one crash.
type Action struct {
	Crash   *report.Crash
	Verb    string // "filed", "commented", "linked" (found, nothing new), "skipped"
	Number  int
	URL     string
	Title   string
	Body    string // the issue or comment body
	Comment bool   // Body is a comment, not a new issue
}

// File makes sure crash c has an issue: it files one when none carries the
// crash's marker, comments when the crash has been seen more often than the
// issue last heard, and otherwise only links it. c.Issue is updated (not in
// a dry run); the caller saves it. input is the reproducer, for the body.
func (f *Filer) File(ctx context.Context, c *report.Crash, input []byte) (Action, error) {
	if c.Status == report.StatusFixed {
		return Action{Crash: c, Verb: "skipped", Title: c.Title}, nil
	}
	issue, err := f.find(ctx, c.ID)
	if err != nil {
		return Action{}, err
	}
	if issue == nil {
		return f.create(ctx, c, input)
	}
	a := Action{Crash: c, Number: issue.GetNumber(), URL: issue.GetHTMLURL(), Title: issue.GetTitle(), Verb: "linked"}
	reported := 0
	if c.Issue != nil && c.Issue.Number == issue.GetNumber() {
		reported = c.Issue.Reported
	}
	// Comment when the crash was seen since the issue last heard of it, or,
	// linking an issue someone else filed, when that issue is closed.
	if reported > 0 && c.Count > reported || reported == 0 && issue.GetState() == "closed" {
		a.Verb, a.Comment = "commented", true
		a.Body = recurrence(c, issue)
		if !f.DryRun {
			if _, _, err := f.Client.Issues.CreateComment(ctx, f.Owner, f.Repo, issue.GetNumber(), &github.IssueComment{Body: github.Ptr(a.Body)}); err != nil {
				return Action{}, fmt.Errorf("comment on %s/%s#%d: %w", f.Owner, f.Repo, issue.GetNumber(), err)
			}
		}
	}
	if !f.DryRun {
		filed := issue.GetCreatedAt().Time
		if c.Issue != nil && !c.Issue.Filed.IsZero() {
			filed = c.Issue.Filed
		}
		c.Issue = &report.Issue{Repo: f.Owner + "/" + f.Repo, Number: issue.GetNumber(), URL: issue.GetHTMLURL(), Filed: filed, Reported: c.Count}
	}
	return a, nil
}

func (f *Filer) create(ctx context.Context, c *report.Crash, input []byte) (Action, error) {
	a := Action{Crash: c, Verb: "filed", Title: c.Title, Body: Body(c, input)}
	if f.DryRun {
		return a, nil
	}
	req := &github.IssueRequest{Title: github.Ptr(c.Title), Body: github.Ptr(a.Body), Labels: &[]string{Label}}
	issue, _, err := f.Client.Issues.Create(ctx, f.Owner, f.Repo, req)
	if err != nil {
		return Action{}, fmt.Errorf("file issue in %s/%s: %w", f.Owner, f.Repo, err)
	}
	a.Number, a.URL = issue.GetNumber(), issue.GetHTMLURL()
	f.known[c.ID] = issue
	c.Issue = &report.Issue{Repo: f.Owner + "/" + f.Repo, Number: issue.GetNumber(), URL: issue.GetHTMLURL(), Filed: f.now(), Reported: c.Count}
	return a, nil
}

// find returns the issue whose body carries id's marker, open or closed,
// listing the repository's fuzzrun issues once per Filer.
func (f *Filer) find(ctx context.Context, id string) (*github.Issue, error) {
	if f.DryRun && f.Offline {
		return nil, nil
	}
	if f.known == nil {
		f.known = map[string]*github.Issue{}
		opts := &github.IssueListByRepoOptions{State: "all", Labels: []string{Label}, ListOptions: github.ListOptions{PerPage: 100}}
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

// Body is the issue text for a crash: its Markdown report and the marker.
func Body(c *report.Crash, input []byte) string {
	return string(report.Markdown(c, input)) + "\n_Filed by fuzzrun._\n" + Marker(c.ID) + "\n"
}

// recurrence is the comment on a filed crash that was seen again.
func recurrence(c *report.Crash, issue *github.Issue) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Seen again: %d times in all, last %s, status %s, target `%s`.\n", c.Count, c.LastSeen.Format(time.RFC3339), c.Status, c.TargetID())
	if issue.GetState() == "closed" {
		b.WriteString("\nThis issue is closed but the crash still reproduces.\n")
	}
	if len(c.Deps) > 0 {
		b.WriteString("\nWith:\n\n")
		for _, m := range c.Deps {
			fmt.Fprintf(&b, "- %s %s\n", m.Path, m.Version)
		}
	}
	return b.String()
}
