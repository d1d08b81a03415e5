/*
Fuzzrun runs, triages and reports on the native Go fuzz targets
(func FuzzXxx(f *testing.F)) of the Go module in the current directory.

Usage:

	fuzzrun <command> [flags] [args]

Run 'fuzzrun help' for the commands and 'fuzzrun <command> -h' for one
command's flags.

# Exit codes

	0  success
	1  an error (the message says what to do next)
	2  a bad command line
	3  the command worked and found crashes (run, triage)
*/
package main
