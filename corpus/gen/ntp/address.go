package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// configFiles are the Debian packages' configuration examples whose server
// addresses seed corpus/ntp-address (package name, path inside the .deb).
var configFiles = []struct{ pkg, path string }{
	{"chrony", "usr/share/chrony/chrony.conf"},
	{"chrony", "usr/share/doc/chrony/examples/chrony.conf.example1"},
	{"chrony", "usr/share/doc/chrony/examples/chrony.conf.example2"},
	{"chrony", "usr/share/doc/chrony/examples/chrony.conf.example3"},
	{"ntpsec", "etc/ntpsec/ntp.conf"},
}

// configLine is a server, pool, peer, restrict or bind directive, commented
// out or not (chrony's examples comment with "!").
var configLine = regexp.MustCompile(`^[!#;% ]*(server|pool|peer|restrict|bindaddress|bindcmdaddress)\s+(\S+)(.*)$`)

// debFile extracts a package's .deb (apt-get download, dpkg-deb -x) once
// into dir and returns the package's version.
func debFile(dir, pkg string) (string, error) {
	dest := filepath.Join(dir, pkg)
	if _, err := os.Stat(dest); err == nil {
		return debVersion(dir, pkg)
	}
	cmd := exec.Command("apt-get", "download", pkg)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("apt-get download %s: %v\n%s", pkg, err, out)
	}
	debs, _ := filepath.Glob(filepath.Join(dir, pkg+"_*.deb"))
	if len(debs) != 1 {
		return "", fmt.Errorf("apt-get download %s: %d .deb files", pkg, len(debs))
	}
	if out, err := exec.Command("dpkg-deb", "-x", debs[0], dest).CombinedOutput(); err != nil {
		return "", fmt.Errorf("dpkg-deb -x %s: %v\n%s", debs[0], err, out)
	}
	return debVersion(dir, pkg)
}

func debVersion(dir, pkg string) (string, error) {
	debs, _ := filepath.Glob(filepath.Join(dir, pkg+"_*.deb"))
	if len(debs) != 1 {
		return "", fmt.Errorf("%s: no single .deb in %s", pkg, dir)
	}
	v := strings.Split(filepath.Base(debs[0]), "_")
	return pkg + " " + strings.ReplaceAll(v[1], "%3a", ":"), nil
}

// addressSeeds are inputs of fuzz/ntp's ClientAddress (the address on the
// first line, options after it): every server, pool, peer, restrict and
// bind address of chrony's and ntpsec's Debian configuration examples, and
// every address form beevik/ntp's Query documents, with the options the
// configurations use (version, port) and the NTPv5 requests.
func addressSeeds() ([]seed, error) {
	var out []seed
	dir, err := os.MkdirTemp("", "daemonfuzz-debs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	for _, cf := range configFiles {
		pkg, err := debFile(dir, cf.pkg)
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(filepath.Join(dir, cf.pkg, cf.path))
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for n := 1; sc.Scan(); n++ {
			m := configLine.FindStringSubmatch(sc.Text())
			if m == nil || m[2] == "default" {
				continue
			}
			in := m[2]
			if strings.HasPrefix(m[1], "bind") {
				in = "127.0.0.1\nlocal " + m[2]
			}
			for _, o := range []string{"version", "port"} {
				if f := strings.Fields(m[3]); len(f) > 1 && f[0] == o {
					in += "\n" + o + " " + f[1]
				}
			}
			out = append(out, seed{"ntp-address", corpus.KindImported, fmt.Sprintf("%s: /%s line %d: %s", pkg, cf.path, n, strings.TrimSpace(sc.Text())), []byte(in)})
		}
	}
	for _, s := range []struct{ what, in string }{
		{"host", "127.0.0.1"},
		{"host:port", "127.0.0.1:123"},
		{"host%zone:port", "fe80::1%lo:123"},
		{"[host]:port", "[::1]:123"},
		{"[host%zone]:port", "[fe80::1%lo]:1234"},
		{"IPv6 literal without a port", "::1"},
		{"bracketed host without a port", "[::1]"},
		{"localhost with a service name", "localhost:ntp"},
		{"empty host", ":123"},
		{"NTPv3 with the deprecated Dial callback and Port option", "127.0.0.1\nversion 3\ndial\nport 1123"},
		{"NTPv5 with every request", "[::1]:123\nversion 5\nv5 reftime\nv5 monotonic\nv5 correction\nv5 versions\nv5 refid 0 16\ntimescale 1\nalso 2\nalso 3"},
		{"NTPv5 interleaved with a server cookie", "127.0.0.1\nversion 5\nv5 interleaved\ncookie 1234605616436508552"},
		{"local address and TTL", "127.0.0.1:123\nlocal 127.0.0.1\nttl 4\ntimeout 500"},
		{"IPv6 local address", "::1\nlocal ::1"},
		{"unsupported version", "127.0.0.1\nversion 2"},
	} {
		out = append(out, seed{"ntp-address", corpus.KindHandmade, src + ": beevik/ntp Query address form: " + s.what, []byte(s.in)})
	}
	return out, nil
}
