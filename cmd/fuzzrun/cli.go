package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// CLI is one invocation of fuzzrun. Tests build one with buffers for the
// streams and run the whole command in-process.
type CLI struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Dir            string // the module root to work in
}

// command is one verb. Each lives in its own file.
type command interface {
	Name() string
	Synopsis() string // one line for the verb list
	Usage() string    // arguments after the verb, for the usage line
	// Flags registers the verb's flags on fs.
	Flags(fs *flag.FlagSet)
	Run(ctx context.Context, cli *CLI, args []string) error
}

// group is a verb whose first argument names one of its own verbs, as in
// 'fuzzrun corpus import': each of those is an ordinary command, run by
// the same code as the top-level ones, under the name "GROUP VERB".
type group interface {
	command
	Verbs() []command
}

// commands returns every verb, in the order help lists them.
func commands() []command {
	return []command{
		// Verbs register here, one line each.
		&listCmd{},
		&runCmd{},
		&triageCmd{}, &minimizeCmd{}, &regressCmd{}, &reportCmd{}, &fileCmd{},
		&ossFuzzCmd{},
		&corpusCmd{}, &coverageCmd{},
	}
}

// Exit codes; documented in doc.go.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitFindings = 3
)

// usageError is a bad command line: exit 2 and print the verb's usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// findingsError reports that the command worked and found crashes: exit 3.
type findingsError struct{ msg string }

func (e *findingsError) Error() string { return e.msg }

// Main runs fuzzrun with args and returns the process exit code.
func (c *CLI) Main(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		c.help()
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd := lookup(commands(), args[0])
	if cmd == nil {
		fmt.Fprintf(c.Stderr, "fuzzrun: unknown command %q; run 'fuzzrun help' for the list\n", args[0])
		return exitUsage
	}
	name, args := cmd.Name(), args[1:]
	if g, ok := cmd.(group); ok && len(args) > 0 {
		if sub := lookup(g.Verbs(), args[0]); sub != nil {
			cmd, name, args = sub, name+" "+sub.Name(), args[1:]
		}
	}
	return c.run(ctx, name, cmd, args)
}

// run parses cmd's flags from args, runs it, prints its error and returns
// the exit code the error calls for.
func (c *CLI) run(ctx context.Context, name string, cmd command, args []string) int {
	fs := flag.NewFlagSet("fuzzrun "+name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.Stderr, "usage: fuzzrun %s %s\n\n%s\n\nflags:\n", name, cmd.Usage(), cmd.Synopsis())
		fs.PrintDefaults()
	}
	cmd.Flags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	err := cmd.Run(ctx, c, fs.Args())
	var ue *usageError
	var fe *findingsError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(c.Stderr, "fuzzrun %s: %v\n", name, err)
		fs.Usage()
		return exitUsage
	case errors.As(err, &fe):
		fmt.Fprintf(c.Stderr, "fuzzrun %s: %v\n", name, err)
		return exitFindings
	default:
		fmt.Fprintf(c.Stderr, "fuzzrun %s: %v\n", name, err)
		return exitError
	}
}

func lookup(cmds []command, name string) command {
	for _, c := range cmds {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

func (c *CLI) help() {
	fmt.Fprintf(c.Stdout, "fuzzrun runs, triages and reports on a Go module's fuzz targets.\n\nusage: fuzzrun <command> [flags] [args]\n\ncommands:\n")
	cmds := commands()
	width := 0
	for _, cmd := range cmds {
		width = max(width, len(cmd.Name()))
	}
	for _, cmd := range cmds {
		fmt.Fprintf(c.Stdout, "  %-*s  %s\n", width, cmd.Name(), cmd.Synopsis())
	}
	fmt.Fprintf(c.Stdout, "\nRun 'fuzzrun <command> -h' for a command's flags.\n")
}
