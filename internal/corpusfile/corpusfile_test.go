package corpusfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, in := range [][]byte{nil, {0}, []byte("\x00\xff`\"\\\n"), bytes.Repeat([]byte{0xc0, 0x0c}, 300)} {
		enc := Encode(in)
		if !Is(enc) {
			t.Fatalf("Is(%q) = false", enc)
		}
		if err := Check(enc); err != nil {
			t.Fatalf("Check(Encode(%q)) = %v", in, err)
		}
		out, err := Decode(enc)
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("Decode(Encode(%q)) = %q, %v", in, out, err)
		}
	}
}

func TestDecodeAcceptsGoWrittenFiles(t *testing.T) {
	// As written by go test -fuzz (quoted and backquoted forms).
	out, err := Decode([]byte("go test fuzz v1\n[]byte(\"\\x00\\x01A\")\n"))
	if err != nil || string(out) != "\x00\x01A" {
		t.Fatalf("got %q, %v", out, err)
	}
	out, err = Decode([]byte("go test fuzz v1\n[]byte(`a\"b`)"))
	if err != nil || string(out) != `a"b` {
		t.Fatalf("got %q, %v", out, err)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, bad := range []string{
		"",
		"raw bytes",
		"go test fuzz v1\nint(3)\n",
		"go test fuzz v1\n[]byte(\"a\")\n[]byte(\"b\")\n",
		"go test fuzz v1\n[]byte(\"unterminated)\n",
	} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%q) succeeded", bad)
		}
	}
	if _, err := Decode([]byte("go test fuzz v1\nint(3)\n")); !errors.Is(err, ErrNotBytes) {
		t.Errorf("int argument: err = %v, want ErrNotBytes", err)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		data string
		ok   bool
	}{
		{"go test fuzz v1\n[]byte(\"\\x00ab\")\n", true},
		{"go test fuzz v1\nstring(\"x\")\nint(-3)\nbool(true)\nfloat64(1.5)\nrune('a')\n", true},
		{"go test fuzz v1\nfloat64(math.Float64frombits(0x7ff8000000000001))\n", true},
		{"go test fuzz v1\n", false},
		{"go test fuzz v2\n[]byte(\"x\")\n", false},
		{"\x00\x01binary garbage", false},
		{"", false},
		{"go test fuzz v1\n[]byte(\"unterminated)\n", false},
		{"go test fuzz v1\n[]byte(x + y)\n", false},
	} {
		if err := Check([]byte(tc.data)); (err == nil) != tc.ok {
			t.Errorf("Check(%q) = %v, want ok %v", tc.data, err, tc.ok)
		}
	}
}

func TestQuarantine(t *testing.T) {
	dir := t.TempDir()
	qdir := filepath.Join(t.TempDir(), "q", "FuzzX")
	path := filepath.Join(dir, "bad")
	if err := os.WriteFile(path, []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	dest, err := Quarantine(path, qdir, errors.New("not a corpus file"))
	if err != nil {
		t.Fatal(err)
	}
	if dest != filepath.Join(qdir, "bad") {
		t.Errorf("dest = %s", dest)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("original still there: %v", err)
	}
	why, err := os.ReadFile(dest + WhySuffix)
	if err != nil || strings.TrimSpace(string(why)) != "not a corpus file" {
		t.Errorf("note = %q, %v", why, err)
	}
	if _, err := Quarantine(filepath.Join(dir, "missing"), qdir, nil); err == nil {
		t.Error("quarantining a missing file succeeded")
	}
}
