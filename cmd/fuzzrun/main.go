// Command fuzzrun runs, triages and reports on a Go module's native fuzz
// targets. See doc.go for the verbs and exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cli := &CLI{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Dir: "."}
	os.Exit(cli.Main(ctx, os.Args[1:]))
}
