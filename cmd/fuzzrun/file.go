package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/ghissue"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
)

// fileCmd files stored crashes as GitHub issues.
type fileCmd struct {
	repo   string
	apiURL string
	dryRun bool
}

func (*fileCmd) Name() string { return "file" }
func (*fileCmd) Synopsis() string {
	return "file one GitHub issue per new crash signature; comment when a filed crash recurs"
}
func (*fileCmd) Usage() string {
	return `-repo owner/name [-dry-run] [-api-url URL] [crash...]

Files every open or flaky stored crash (or the ones named) in -repo, one
issue per signature listing every target that hit it, labelled
` + ghissue.Label + `. An issue is found again by the signature marker in its
body, whatever its labels, so a bug is never filed twice (from this store or
any other). An issue hears about a crash once per build: when it is seen with
a Go toolchain or dependency versions the issue has not heard of (a closed
issue whose crash is back, say), one comment says so; the versions already
reported are kept as hidden markers in the issue itself. In GitHub Actions
(GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID) bodies and comments
link the run and its artifacts. fuzzrun never closes or edits an issue.

The token comes from $` + ghissue.TokenEnv + ` (a fine-grained token with
"Issues: read and write" on the repository). -api-url points at GitHub
Enterprise (https://HOST/api/v3) or a test server. -dry-run prints what it
would file and sends nothing that changes the repository.`
}

func (c *fileCmd) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.repo, "repo", "", "the repository to file in, owner/name (default $GITHUB_REPOSITORY)")
	fs.StringVar(&c.apiURL, "api-url", "", "GitHub API base URL (default https://api.github.com/)")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print what would be filed; change nothing")
}

func (c *fileCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if c.repo == "" {
		c.repo = os.Getenv("GITHUB_REPOSITORY") // set by GitHub Actions
	}
	if c.repo == "" {
		return &usageError{"-repo owner/name is required (or $GITHUB_REPOSITORY)"}
	}
	token := os.Getenv(ghissue.TokenEnv)
	if token == "" && !c.dryRun {
		return fmt.Errorf("set %s to a token that may write issues in %s, or use -dry-run", ghissue.TokenEnv, c.repo)
	}
	store, err := openStore(cli.Dir)
	if err != nil {
		return err
	}
	filer, err := ghissue.New(c.repo, c.apiURL, token, nil)
	if err != nil {
		return &usageError{err.Error()}
	}
	filer.DryRun = c.dryRun
	if c.dryRun && token == "" {
		// Without a token a dry run stays offline: it cannot see which
		// crashes are already filed.
		filer.Offline = true
		fmt.Fprintf(cli.Stderr, "fuzzrun file: no $%s: not checking %s for existing issues\n", ghissue.TokenEnv, c.repo)
	}
	filer.Run = ghissue.RunFromEnv(os.Getenv)
	entries, errs := selectEntries(store, args)
	// One issue per signature: the entries of every target that hit it.
	var ids []string
	byID := map[string][]crashstore.Entry{}
	for _, e := range entries {
		if _, ok := byID[e.Crash.ID]; !ok {
			ids = append(ids, e.Crash.ID)
		}
		byID[e.Crash.ID] = append(byID[e.Crash.ID], e)
	}
	for _, id := range ids {
		group := byID[id]
		// The body shows the smallest live reproducer.
		sort.SliceStable(group, func(i, j int) bool {
			li, lj := live(group[i].Crash), live(group[j].Crash)
			if li != lj {
				return li
			}
			return group[i].Crash.Input.Size < group[j].Crash.Input.Size
		})
		input, err := group[0].Input()
		if err != nil {
			errs = append(errs, &crashstore.Error{Path: group[0].File(crashstore.InputFile), Err: err})
			continue
		}
		var crashes []*report.Crash
		for _, e := range group {
			crashes = append(crashes, e.Crash)
		}
		a, err := filer.File(ctx, crashes, input)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", group[0].Path, err))
			continue
		}
		c.print(cli, group, a)
		if a.Verb != "skipped" && !c.dryRun {
			for _, e := range group {
				if err := e.Save(); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	for _, err := range errs {
		fmt.Fprintf(cli.Stderr, "fuzzrun file: %v\n", err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d crashes not filed (above)", len(errs))
	}
	return nil
}

// live reports whether a crash is to be filed: not fixed, not a duplicate.
func live(c *report.Crash) bool {
	return c.Status != report.StatusFixed && c.Status != report.StatusDuplicate
}

func (c *fileCmd) print(cli *CLI, group []crashstore.Entry, a ghissue.Action) {
	key := group[0].Crash.ID
	for _, e := range group {
		key += " " + e.Crash.TargetID()
	}
	switch {
	case a.Verb == "skipped":
		fmt.Fprintf(cli.Stdout, "%s: %s, not filed\n", key, group[0].Crash.StatusText())
	case c.dryRun && a.Verb == "filed":
		fmt.Fprintf(cli.Stdout, "%s: would file %q in %s:\n\n%s\n", key, a.Title, c.repo, a.Body)
	case c.dryRun && a.Verb == "commented":
		fmt.Fprintf(cli.Stdout, "%s: would comment on %s:\n\n%s\n", key, a.URL, a.Body)
	case c.dryRun:
		fmt.Fprintf(cli.Stdout, "%s: already filed as %s\n", key, a.URL)
	default:
		fmt.Fprintf(cli.Stdout, "%s: %s %s\n", key, a.Verb, a.URL)
	}
}
