package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

func TestSender(t *testing.T) {
	s := &sidecar{scenario: "x", impls: []impl{
		{name: "knot", matches: []string{"127.0.0.1"}},
		{name: "kea4", matches: []string{":67"}},
		{name: "relay", matches: []string{"10.69.0.2", "fd69::2"}},
		{name: "ntpd", matches: []string{"10.123.0.2:123"}},
		{name: "dig"},
		{name: "kdig"},
	}}
	for _, tc := range []struct{ flow, want string }{
		{"udp 127.0.0.1:53 > 127.0.0.10:4000", "knot"},
		{"tcp 127.0.0.1:5353 > 127.0.0.2:53", "knot"},
		{"udp 10.67.0.1:67 > 10.67.0.114:68", "kea4"},
		{"udp 10.69.0.2:67 > 10.69.0.1:67", "relay"}, // ip beats :port
		{"udp [fd69::2]:547 > [fd69::1]:547", "relay"},
		{"udp 10.123.0.2:123 > 10.123.0.1:1123", "ntpd"},
		{"udp 10.123.0.2:40000 > 10.123.0.1:123", "one of: dig, kdig"}, // port differs
		{"udp 0.0.0.0:68 > 255.255.255.255:67", "one of: dig, kdig"},
		{"garbage", "one of: dig, kdig"},
	} {
		if got := s.sender(tc.flow); got != tc.want {
			t.Errorf("sender(%q) = %q, want %q", tc.flow, got, tc.want)
		}
	}
}

func TestOneOfAllClaimed(t *testing.T) {
	s := &sidecar{impls: []impl{{name: "a", matches: []string{":1"}}, {name: "b", matches: []string{":2"}}}}
	if got := s.oneOf(); got != "one of: a, b" {
		t.Errorf("oneOf = %q", got)
	}
	s.impls = s.impls[:1]
	if got := s.oneOf(); got != "a" {
		t.Errorf("oneOf = %q", got)
	}
}

func TestRRType(t *testing.T) {
	for _, tc := range []struct {
		line, typ string
		ok        bool
	}{
		{"example.test.\t300\tIN\tSOA\tns1.example.test. h. 1 2 3 4 5", "SOA", true},
		{"www 300 IN CNAME @", "CNAME", true},
		{"; comment IN A", "", false},
		{"$ORIGIN example.test.", "", false},
		{"a 300 IN RRSIG ( A 13 2 300", "", false},
		{"", "", false},
	} {
		typ, ok := rrType(tc.line)
		if typ != tc.typ || ok != tc.ok {
			t.Errorf("rrType(%q) = %q, %v; want %q, %v", tc.line, typ, ok, tc.typ, tc.ok)
		}
	}
}

func TestReadSidecar(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.provenance")
	os.WriteFile(p, []byte("scenario\tdig asks knot\nimplementation\tknot 3.2\t127.0.0.1:53,127.0.0.1\nimplementation\tdig 9.18\n"), 0o644)
	s, err := readSidecar(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.scenario != "dig asks knot" || len(s.impls) != 2 || len(s.impls[0].matches) != 2 || s.impls[1].matches != nil {
		t.Errorf("readSidecar = %+v", s)
	}
	os.WriteFile(p, []byte("implementation\tknot\n"), 0o644)
	if _, err := readSidecar(p); err == nil {
		t.Error("a sidecar without a scenario was accepted")
	}
	if _, err := readSidecar(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing sidecar was accepted")
	}
}

// TestReplaceKeepsOthers imports a zone twice with different content and
// checks that -replace drops only this tool's stale seed, never a seed of
// another origin.
func TestReplaceKeepsOthers(t *testing.T) {
	root := t.TempDir()
	capDir := t.TempDir()
	d := corpus.Dir{Root: root, Format: "dns-zone"}
	if _, _, err := d.Add([]byte("handmade. 1 IN A 192.0.2.1\n"), corpus.Provenance{Kind: corpus.KindHandmade, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	zones := filepath.Join(capDir, "zones")
	os.MkdirAll(zones, 0o755)
	os.WriteFile(filepath.Join(zones, "z.zone.provenance"), []byte("scenario\ts\nimplementation\tsigner 1\n"), 0o644)
	write := func(rr string) {
		os.WriteFile(filepath.Join(zones, "z.zone"), []byte(rr+"\n"), 0o644)
	}
	write("a.test. 300 IN A 192.0.2.2")
	if err := run(capDir, root, false, true); err != nil {
		t.Fatal(err)
	}
	if err := checkSync(capDir, root); err != nil {
		t.Errorf("checkSync after an import: %v", err)
	}
	first := corpus.Name([]byte("a.test. 300 IN A 192.0.2.2\n"))
	if _, err := os.Stat(filepath.Join(d.Path(), first)); err != nil {
		t.Fatalf("first import did not add its seed: %v", err)
	}
	write("b.test. 300 IN AAAA 2001:db8::1")
	if err := checkSync(capDir, root); err == nil {
		t.Error("checkSync passed with a capture that was not imported")
	}
	if err := run(capDir, root, false, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d.Path(), first)); !os.IsNotExist(err) {
		t.Errorf("stale captured seed kept (err %v)", err)
	}
	seeds, err := d.Seeds()
	if err != nil {
		t.Fatal(err)
	}
	if len(seeds) != 2 { // the hand-made one and the new capture
		t.Errorf("got %d seeds, want 2", len(seeds))
	}
	m, _ := d.Manifest()
	if len(m) != 2 || m[0].Kind == m[1].Kind {
		t.Errorf("manifest = %+v", m)
	}
}
