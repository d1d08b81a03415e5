package corpus

import (
	"bytes"
	"errors"
	"testing"
)

func TestGoFileRoundTrip(t *testing.T) {
	for _, in := range [][]byte{nil, {0}, []byte("\x00\xff`\"\\\n"), bytes.Repeat([]byte{0xc0, 0x0c}, 300)} {
		enc := FormatGoFile(in)
		if !IsGoFile(enc) {
			t.Fatalf("IsGoFile(%q) = false", enc)
		}
		out, err := ParseGoFile(enc)
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("ParseGoFile(FormatGoFile(%q)) = %q, %v", in, out, err)
		}
	}
}

func TestParseGoFileAcceptsGoWrittenFiles(t *testing.T) {
	// As written by go test -fuzz (raw string and backquote forms).
	out, err := ParseGoFile([]byte("go test fuzz v1\n[]byte(\"\\x00\\x01A\")\n"))
	if err != nil || string(out) != "\x00\x01A" {
		t.Fatalf("got %q, %v", out, err)
	}
	out, err = ParseGoFile([]byte("go test fuzz v1\n[]byte(`a\"b`)"))
	if err != nil || string(out) != `a"b` {
		t.Fatalf("got %q, %v", out, err)
	}
}

func TestParseGoFileRejects(t *testing.T) {
	for _, bad := range []string{
		"raw bytes",
		"go test fuzz v1\nint(3)\n",
		"go test fuzz v1\n[]byte(\"a\")\n[]byte(\"b\")\n",
		"go test fuzz v1\n[]byte(\"unterminated)\n",
	} {
		if _, err := ParseGoFile([]byte(bad)); err == nil {
			t.Errorf("ParseGoFile(%q) succeeded", bad)
		}
	}
	if _, err := ParseGoFile([]byte("go test fuzz v1\nint(3)\n")); !errors.Is(err, ErrNotBytesCorpus) {
		t.Errorf("int argument: err = %v, want ErrNotBytesCorpus", err)
	}
}
