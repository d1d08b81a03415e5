package signature

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSuppressions(t *testing.T) {
	got, err := ParseSuppressions("s.txt", []byte("# known\n2ba6651eee3b  dns: index out of range  # miekg/dns#1\n\n0123456789ab\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["2ba6651eee3b"] != "dns: index out of range" || got["0123456789ab"] != "" {
		t.Errorf("got %q", got)
	}
	for _, bad := range []string{"2ba6651eee3", "2BA6651EEE3B reason", "dns.* everything"} {
		_, err := ParseSuppressions("s.txt", []byte("# c\n"+bad+"\n"))
		if err == nil || !strings.Contains(err.Error(), "s.txt:2:") {
			t.Errorf("ParseSuppressions(%q) = %v, want an error at s.txt:2", bad, err)
		}
	}
}

func TestFindSuppressions(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := FindSuppressions(sub)
	if want := filepath.Join(root, "crashers", "suppressions.txt"); err != nil || got != want {
		t.Errorf("FindSuppressions = %q, %v; want %q", got, err, want)
	}
}
