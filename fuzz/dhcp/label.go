package dhcpfuzz

import (
	"bytes"
	"strings"

	"github.com/insomniacslk/dhcp/rfc1035label"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Label decodes data as an RFC 1035 name list (DHCPv4 option 119, DHCPv6
// OPTION_DOMAIN_LIST and FQDN) and checks:
//   - roundtrip: ToBytes of a parsed list returns the original bytes (the
//     library keeps them so compressed input is re-emitted as received);
//   - roundtrip: the names re-encoded from scratch (uncompressed) parse back
//     to the same names, in the normal form of representableLabels.
func Label(data []byte) error {
	l, err := rfc1035label.FromBytes(data)
	if err != nil {
		return nil
	}
	_ = l.String()
	if got := l.ToBytes(); !bytes.Equal(got, data) {
		return harness.Violated("roundtrip", "Labels.ToBytes", "parsed list re-emits %x, received %x", got, data)
	}
	if !representableLabels(l.Labels) {
		return nil
	}
	fresh := &rfc1035label.Labels{Labels: l.Labels}
	enc := fresh.ToBytes()
	l2, err := reparseLabels(enc)
	if err != nil {
		return harness.Violated("roundtrip", "Labels.FromBytes", "re-encoded %q as %x, which does not parse: %v", l.Labels, enc, err)
	}
	if len(l2.Labels) != len(l.Labels) {
		return harness.Violated("roundtrip", "len(Labels)", "%d != %d (%q vs %q)", len(l.Labels), len(l2.Labels), l.Labels, l2.Labels)
	}
	for i := range l.Labels {
		if l.Labels[i] != l2.Labels[i] {
			return harness.Violated("roundtrip", "Labels[]", "%q != %q", l.Labels[i], l2.Labels[i])
		}
	}
	return nil
}

// reparseLabels decodes the re-encoded names; a variable so a test can
// inject a wrong decoder.
var reparseLabels = rfc1035label.FromBytes

// representableLabels reports whether names survive the library's dotted
// string form. Tolerated, and why: the library stores a name as its labels
// joined by '.', so a label that itself holds a '.' byte splits in two when
// re-encoded, and one that makes an empty part ("a..b", ".a", "a.") encodes
// a zero length, i.e. the end of the name. Such names are skipped, not
// compared. (Labels of 64..191 bytes, which RFC 1035 forbids, are kept:
// the parser accepts them and the encoder writes them back unchanged.)
func representableLabels(names []string) bool {
	for _, n := range names {
		if n == "" {
			continue
		}
		for _, part := range strings.Split(n, ".") {
			if part == "" {
				return false
			}
		}
	}
	return true
}
