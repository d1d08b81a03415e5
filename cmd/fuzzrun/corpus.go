package main

import (
	"context"
	"flag"
	"fmt"
)

// corpusCmd groups the verbs that manage the seed corpora under corpus/:
// 'fuzzrun corpus import|merge|minimize|stats', each an ordinary command
// (corpus_*.go) that the CLI runs under the name "corpus VERB".
type corpusCmd struct{}

func (*corpusCmd) Name() string { return "corpus" }
func (*corpusCmd) Synopsis() string {
	return "import captures and files into corpus/, merge and minimize by coverage, show stats"
}
func (*corpusCmd) Usage() string {
	return `import|merge|minimize|stats [flags] [args]

  import [-format F] [-o DIR] [-json] FILE|DIR|PCAP...
        add raw files, directories (recursively), Go corpus files and
        pcap/pcapng captures to corpus/<format>/. Capture payloads are routed
        by port: 53 dns-wire (TCP reassembled, length framing split),
        67/68 dhcpv4, 546/547 dhcpv6, 123 ntp (modes 6/7: ntp-control),
        323 chrony, 4460/TCP ntske. A raw file's format is -format, or the
        name of its directory when that is a format.
  merge [-target PATTERN] [-workdir DIR] [-dry-run] [-json]
        add to corpus/<format>/ the inputs of each target's work corpus
        (.fuzzrun/corpus/<pkgdir>/<FuzzXxx>/) that reach code the seeds do not.
  minimize [-target PATTERN] [-format F] [-corpus DIR] [-dry-run] [-json]
        shrink corpus/<format>/ to the smallest-first set cover of the code
        its inputs reach in every selected target reading that format; the
        kept set must reach the same statement coverage or nothing changes.
  stats [-target PATTERN] [-workdir DIR] [-json]
        entries, bytes, size histogram and provenance per format, and the
        work corpus per target.

merge, minimize and coverage need only the Go toolchain. Run 'fuzzrun corpus
ACTION -h' for an action's flags.`
}

func (*corpusCmd) Verbs() []command {
	return []command{&corpusImportCmd{}, &corpusMergeCmd{}, &corpusMinimizeCmd{}, &corpusStatsCmd{}}
}

func (*corpusCmd) Flags(*flag.FlagSet) {}

// Run is reached only without a known verb: the CLI runs the verb itself.
func (c *corpusCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if len(args) == 0 {
		return &usageError{"corpus needs an action: import, merge, minimize or stats"}
	}
	return &usageError{fmt.Sprintf("unknown corpus action %q; want import, merge, minimize or stats", args[0])}
}
