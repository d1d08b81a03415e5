package signature

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the headers of testdata/report/* from what Parse returns")

// A golden file under testdata/report is a header of "KEY: value" lines, a
// blank line, and a raw log as go test printed it. The headers are what Parse
// must find: TITLE, KIND, MESSAGE, one FRAME per frame, and ID. PKG, when
// present, is the package the title names when no frame does.
type golden struct {
	path    string
	headers map[string][]string
	log     []byte
}

func readGolden(t *testing.T, path string) golden {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g := golden{path: path, headers: map[string][]string{}}
	rest := data
	for {
		line, after, ok := bytes.Cut(rest, []byte("\n"))
		if !ok || len(line) == 0 {
			if ok {
				rest = after
			}
			break
		}
		key, val, found := strings.Cut(string(line), ": ")
		if !found || strings.ToUpper(key) != key || strings.ContainsAny(key, " \t") {
			// No header block: the whole file is the log.
			return golden{path: path, headers: map[string][]string{}, log: data}
		}
		g.headers[key] = append(g.headers[key], val)
		rest = after
	}
	g.log = rest
	return g
}

func (g golden) one(key string) string {
	if v := g.headers[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func goldenFiles(t *testing.T) []string {
	paths, err := filepath.Glob("testdata/report/*")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden reports: %v", err)
	}
	sort.Slice(paths, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(paths[i]))
		b, _ := strconv.Atoi(filepath.Base(paths[j]))
		return a < b
	})
	return paths
}

func TestGoldenReports(t *testing.T) {
	for _, path := range goldenFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			g := readGolden(t, path)
			c, err := Parse(g.log, "")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := map[string][]string{
				"TITLE":   {c.Title(g.one("PKG"))},
				"KIND":    {c.Sig.Kind},
				"MESSAGE": {c.Sig.Message},
				"FRAME":   c.Sig.Frames,
				"ID":      {c.Sig.ID()},
			}
			if *update {
				writeGolden(t, g, got)
				return
			}
			for _, key := range []string{"TITLE", "KIND", "MESSAGE", "FRAME", "ID"} {
				want := g.headers[key]
				if strings.Join(got[key], "\n") != strings.Join(want, "\n") {
					t.Errorf("%s:\n got %q\nwant %q", key, got[key], want)
				}
			}
		})
	}
}

func writeGolden(t *testing.T, g golden, got map[string][]string) {
	var b bytes.Buffer
	if pkg := g.one("PKG"); pkg != "" {
		fmt.Fprintf(&b, "PKG: %s\n", pkg)
	}
	for _, key := range []string{"TITLE", "KIND", "MESSAGE", "FRAME", "ID"} {
		for _, v := range got[key] {
			fmt.Fprintf(&b, "%s: %s\n", key, v)
		}
	}
	b.WriteByte('\n')
	b.Write(g.log)
	if err := os.WriteFile(g.path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The identity the issue tracker relies on: one root cause reached by two
// targets is one id, two root causes caught by one oracle step are two.
func TestGoldenIdentity(t *testing.T) {
	id := func(name string) string {
		c, err := Parse(readGolden(t, filepath.Join("testdata", "report", name)).log, "")
		if err != nil {
			t.Fatal(err)
		}
		return c.Sig.ID()
	}
	for _, tc := range []struct {
		a, b string
		same bool
		why  string
	}{
		{"16", "17", false, "FuzzWire's hex overflow and FuzzStructured's long name are two roundtrip-at-Unpack bugs"},
		{"18", "19", true, "the NSEC3PARAM salt length bug from FuzzRR and from FuzzZone"},
		{"15", "20", true, "gopacket's DHCPv4 panic reached through two targets' helpers"},
	} {
		if got := id(tc.a) == id(tc.b); got != tc.same {
			t.Errorf("%s (%s) vs %s (%s): same=%v, want %v: %s", tc.a, id(tc.a), tc.b, id(tc.b), got, tc.same, tc.why)
		}
	}
}
