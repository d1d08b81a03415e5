package report

import (
	"encoding/hex"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// maxHexDump bounds the input shown in a report; the input file is beside it.
const maxHexDump = 4096

// HangTimeout is the -timeout a hang's reproduction command carries.
const HangTimeout = "10s"

// StoreKey is the crash's directory under crashers/: "<target key>/<id>".
func (c *Crash) StoreKey() string {
	dir := strings.Trim(c.Dir, "/")
	key := c.Target
	if dir != "" && dir != "." {
		key = strings.ReplaceAll(dir, "/", "-") + "." + c.Target
	}
	return key + "/" + c.ID
}

// StrictEnv is the environment a reproduction needs: the harness's
// suppression list and every tolerance of a known bug off, as triage
// replays (harness.NoSuppressEnv). Without it a suppressed or tolerated
// crash passes.
const StrictEnv = "DAEMONFUZZ_NO_SUPPRESS=1"

// FuzzrunCommand runs fuzzrun from a module root as the commands of a
// report spell it: no fuzzrun on the PATH is assumed (a report's commands
// work as written on a fresh checkout of daemonfuzz, or of a module that
// requires it).
const FuzzrunCommand = "go run github.com/daemonfuzz/daemonfuzz/cmd/fuzzrun"

// ReproCommands returns the commands that reproduce the crash from the
// module root, each failing as written: the replay of the stored reproducer,
// and a shell snippet that writes it as a Go corpus file into the package's
// testdata (input is the reproducer) and runs it with go test in strict
// mode. Without input the snippet assumes `fuzzrun regress` put it there.
func (c *Crash) ReproCommands(input []byte) (replay, gotest string) {
	replay = FuzzrunCommand + " triage -v " + c.StoreKey()
	timeout := ""
	if c.Kind == signature.KindHang {
		timeout = " -timeout=" + HangTimeout
	}
	dir := path.Join(c.Dir, "testdata", "fuzz", c.Target)
	if input != nil {
		file := strings.TrimSuffix(string(corpusfile.Encode(input)), "\n")
		gotest = fmt.Sprintf("mkdir -p %s && printf '%%s\\n' %s > %s/%s\n", dir, shellQuote(file), dir, c.ID)
	}
	gotest += fmt.Sprintf("%s %s test -count=1 -run='^%s$/^%s$'%s %s", StrictEnv, c.GoCommand(), c.Target, c.ID, timeout, c.PackageArg())
	return replay, gotest
}

// shellQuote quotes s for a POSIX shell, in single quotes.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Markdown renders one crash as the bug report a person reads. input is the
// reproducer's bytes.
func Markdown(c *Crash, input []byte) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# %s\n\n", Clean(c.Title, true))
	w("| | |\n|---|---|\n")
	w("| Signature | `%s` |\n", c.ID)
	w("| Target | `%s` in `%s` |\n", c.Target, c.Package)
	w("| Kind | %s |\n", c.Kind)
	w("| Status | %s |\n", c.StatusText())
	if f := c.Finding; f != nil {
		w("| Finding | [%s](../../../%s) %s (%s) |\n", f.ID, f.Path, Clean(f.Title, true), f.Status)
	}
	w("| First seen | %s |\n", c.FirstSeen.Format(time.RFC3339))
	w("| Last seen | %s |\n", c.LastSeen.Format(time.RFC3339))
	w("| Count | %d |\n", c.Count)
	if c.Issue != nil {
		w("| Issue | [%s#%d](%s) |\n", c.Issue.Repo, c.Issue.Number, c.Issue.URL)
	}
	w("\n## Reproduce\n\n")
	if note := c.StatusNote(); note != "" {
		w("%s\n\n", note)
	}
	replay, gotest := c.ReproCommands(input)
	w("```sh\n%s\n```\n\n", replay)
	w("replays `crashers/%s/input` against the current code. As a plain Go test, from the module root (strict mode: suppressions and known-bug tolerances off):\n\n", c.StoreKey())
	w("```sh\n%s\n```\n\n", gotest)
	if c.RawMessage != "" {
		w("## Message\n\n```\n%s\n```\n\n", strings.ReplaceAll(Clean(c.RawMessage, false), "```", "`\u200b``"))
	}
	w("## Input\n\n")
	if why := c.NotMinimized(); why != "" {
		w("%d bytes (%s; a %d-byte original).\n\n", c.Input.Size, why, c.Original.Size)
	} else {
		w("%d bytes (minimised from a %d-byte original).\n\n", c.Input.Size, c.Original.Size)
	}
	shown := input
	if len(shown) > maxHexDump {
		shown = shown[:maxHexDump]
	}
	w("```\n%s", hex.Dump(shown))
	if len(input) > len(shown) {
		w("... %d more bytes in crashers/%s/input\n", len(input)-len(shown), c.StoreKey())
	}
	w("```\n\nAs a Go fuzz corpus file (`testdata/fuzz/%s/%s`):\n\n```\n%s```\n\n", c.Target, c.ID, corpusfile.Encode(input))
	if len(c.Stack) > 0 {
		w("## Stack\n\n```\n%s```\n\n", signature.FormatStack(c.Stack))
	}
	w("## Signature\n\n```\n%s```\n\n", c.Signature)
	if len(c.Deps) > 0 {
		w("## Dependencies\n\n| module | version |\n|---|---|\n")
		for _, m := range c.Deps {
			w("| %s | %s |\n", m.Path, m.Version)
		}
		w("\n")
	}
	if len(c.FixedIn) > 0 {
		w("## Fixed in\n\nStopped reproducing with:\n\n| module | version |\n|---|---|\n")
		for _, m := range c.FixedIn {
			w("| %s | %s |\n", m.Path, m.Version)
		}
		w("\n")
	}
	if c.Triage != nil {
		w("## Triage\n\nLast replayed %s: reproduced %d of %d times.", c.Triage.At.Format(time.RFC3339), c.Triage.Reproduced, c.Triage.Attempts)
		if len(c.Triage.Other) > 0 {
			w(" Failed as %s instead.", strings.Join(c.Triage.Other, ", "))
		}
		if c.Triage.Harness != "" {
			w(" Replayed once more through the target package as of commit %s (today's differs from the one the crash was recorded with).", c.Triage.Harness)
		}
		w("\n\n")
	}
	if len(c.Sources) > 0 {
		w("## Found by\n\n")
		for _, s := range c.Sources {
			w("- %s\n", s)
		}
		w("\n")
	}
	return []byte(b.String())
}
