// Command dnskeys writes corpus/dns-privkey/: BIND private-key files for
// fuzz/dns's FuzzPrivateKey. Real ones first: the .private files of -keys
// (default: made now in a temporary directory by dnssec-keygen of
// bind9-utils and ldns-keygen of ldnsutils, whichever is installed, one
// per algorithm each tool makes), recorded as captured from that tool;
// then hand-made variants of each in the shapes the format allows or that
// readers get wrong: v1.2 header, comments, CRLF, keys in other case, no
// final newline, a missing private field, an algorithm without mnemonic.
//
//	go run ./corpus/gen/dnskeys [-root corpus/] [-keys DIR]
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

func main() {
	root := flag.String("root", "", "corpus/ directory to write (default: the module's corpus/)")
	keys := flag.String("keys", "", "directory of .private files to add (default: make them with dnssec-keygen and ldns-keygen)")
	flag.Parse()
	if err := run(*root, *keys); err != nil {
		fmt.Fprintln(os.Stderr, "gen/dnskeys:", err)
		os.Exit(1)
	}
}

// tools are the key generators tried, with the algorithms each makes.
var tools = []struct {
	name string
	args func(alg string) []string
	algs []string
}{
	{"dnssec-keygen", func(alg string) []string {
		a := []string{"-q", "-a", alg}
		if strings.Contains(alg, "RSA") {
			a = append(a, "-b", "1024")
		}
		return append(a, "example.org.")
	}, []string{"RSASHA1", "NSEC3RSASHA1", "RSASHA256", "RSASHA512", "ECDSAP256SHA256", "ECDSAP384SHA384", "ED25519", "ED448"}},
	{"ldns-keygen", func(alg string) []string {
		a := []string{"-a", alg}
		if strings.Contains(alg, "RSA") {
			a = append(a, "-b", "1024")
		}
		return append(a, "example.org")
	}, []string{"RSASHA256", "ECDSAP256SHA256", "ECDSAP384SHA384", "ED25519"}},
}

type keyFile struct {
	text, source string
}

func generate() ([]keyFile, error) {
	var out []keyFile
	for _, t := range tools {
		path, err := exec.LookPath(t.name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gen/dnskeys: %s not installed, skipped\n", t.name)
			continue
		}
		version, _ := exec.Command(path, "-V").CombinedOutput()
		source := t.name + " " + strings.TrimSpace(strings.SplitN(string(version), "\n", 2)[0])
		dir, err := os.MkdirTemp("", "dnskeys")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		for _, alg := range t.algs {
			cmd := exec.Command(path, t.args(alg)...)
			cmd.Dir = dir
			if b, err := cmd.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("%s -a %s: %v: %s", t.name, alg, err, b)
			}
		}
		files, err := readDir(dir)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			out = append(out, keyFile{f, source})
		}
	}
	return out, nil
}

func readDir(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.private"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, nil
}

// variants are hand-made edits of a real key file.
var variants = []struct {
	note string
	edit func(string) string
}{
	{"v1.2 header", func(s string) string { return strings.Replace(s, "v1.3", "v1.2", 1) }},
	{"comments and blank lines", func(s string) string {
		return "; made by hand\n\n" + strings.ReplaceAll(s, "\n", " ; trailing comment\n")
	}},
	{"CRLF line ends", func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }},
	{"keys in upper case", func(s string) string {
		var b strings.Builder
		for _, l := range strings.SplitAfter(s, "\n") {
			k, v, ok := strings.Cut(l, ": ")
			if ok {
				l = strings.ToUpper(k) + ": " + v
			}
			b.WriteString(l)
		}
		return b.String()
	}},
	{"no final newline", func(s string) string { return strings.TrimSuffix(s, "\n") }},
	{"algorithm number without mnemonic", func(s string) string {
		var b strings.Builder
		for _, l := range strings.SplitAfter(s, "\n") {
			if strings.HasPrefix(l, "Algorithm: ") {
				num, _, _ := strings.Cut(strings.TrimPrefix(l, "Algorithm: "), " ")
				l = "Algorithm: " + strings.TrimSpace(num) + "\n"
			}
			b.WriteString(l)
		}
		return b.String()
	}},
	{"a private field missing", func(s string) string {
		var b strings.Builder
		for _, l := range strings.SplitAfter(s, "\n") {
			if !strings.HasPrefix(l, "Prime2: ") && !strings.HasPrefix(l, "PrivateKey: ") {
				b.WriteString(l)
			}
		}
		return b.String()
	}},
}

func run(root, keys string) error {
	root, err := corpus.GenRoot(root)
	if err != nil {
		return err
	}
	var files []keyFile
	if keys != "" {
		texts, err := readDir(keys)
		if err != nil {
			return err
		}
		for _, t := range texts {
			files = append(files, keyFile{t, "dnssec-keygen 9.18.49 (the keys of fuzz/dns/keys.go)"})
		}
	} else {
		var err error
		if files, err = generate(); err != nil {
			return err
		}
	}
	if len(files) == 0 {
		return errors.New("no key files: install bind9-utils or ldnsutils, or pass -keys")
	}
	out := corpus.Dir{Root: root, Format: "dns-privkey"}
	added := 0
	add := func(b []byte, p corpus.Provenance) error {
		_, isNew, err := out.Add(b, p)
		if isNew {
			added++
		}
		return err
	}
	for i, f := range files {
		if err := add([]byte(f.text), corpus.Provenance{Kind: corpus.KindCaptured, Source: f.source}); err != nil {
			return err
		}
		v := variants[i%len(variants)]
		if err := add([]byte(v.edit(f.text)), corpus.Provenance{Kind: corpus.KindHandmade, Source: "corpus/gen/dnskeys", Note: v.note + " of a " + f.source + " file"}); err != nil {
			return err
		}
	}
	fmt.Printf("gen/dnskeys: %d new seeds in %s\n", added, out.Path())
	return nil
}
