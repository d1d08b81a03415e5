package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/ghissue"
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
issue per signature, labelled ` + ghissue.Label + `. An issue is found again by
the signature marker in its body, so a crash is never filed twice (from this
store or any other); when a filed crash has been seen again since, a comment
says so. fuzzrun never closes an issue.

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
	entries, errs := selectEntries(store, args)
	for _, e := range entries {
		input, err := e.Input()
		if err != nil {
			errs = append(errs, &crashstore.Error{Path: e.File(crashstore.InputFile), Err: err})
			continue
		}
		a, err := filer.File(ctx, e.Crash, input)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.Path, err))
			continue
		}
		c.print(cli, e, a)
		if a.Verb != "skipped" && !c.dryRun {
			if err := e.Save(); err != nil {
				errs = append(errs, err)
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

func (c *fileCmd) print(cli *CLI, e crashstore.Entry, a ghissue.Action) {
	key := e.Crash.StoreKey()
	switch {
	case a.Verb == "skipped":
		fmt.Fprintf(cli.Stdout, "%s: fixed, not filed\n", key)
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
