package dnsfuzz

import (
	"errors"
	"fmt"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// maxNameOffsets bounds how many start offsets Names tries per input.
const maxNameOffsets = 512

// Names fuzzes domain-name decompression, the code every record of every
// message goes through, on hostile compression pointers (loops, chains,
// forward jumps, pointers into the header). For each start offset of data
// it decodes a name with dns.UnpackDomainName and with decodeName, an
// independent RFC 1035 section 4.1.4 decoder that detects loops by the
// offsets it has visited, and requires:
//
//   - differential at "UnpackDomainName": both accept or both reject, and
//     accepted names have the same labels (tolerated: see decodeName);
//   - invariant at "Name": an accepted name is at most 255 octets in wire
//     form, dns.IsDomainName accepts it, CountLabel agrees with
//     SplitDomainName, and the returned offset lies inside data;
//   - roundtrip at "PackDomainName": the name packs (with and without a
//     compression map) and unpacks to itself.
func Names(data []byte) error {
	for off := 0; off < len(data) && off < maxNameOffsets; off++ {
		if err := checkName(data, off); err != nil {
			return fmt.Errorf("offset %d: %w", off, err)
		}
	}
	return nil
}

func checkName(data []byte, off int) error {
	name, next, err := dns.UnpackDomainName(data, off)
	labels, pointers, ierr := nameDecoder(data, off)
	if (err == nil) != (ierr == nil) {
		if err != nil && pointers > 126 {
			// Tolerated: miekg/dns stops after 126 pointers
			// (maxCompressionPointers) even on a loop-free chain; the
			// independent decoder only refuses real loops.
			return nil
		}
		return harness.Violated("differential", "UnpackDomainName", "miekg/dns error %v, independent decoder error %v", err, ierr)
	}
	if err != nil {
		return nil
	}
	if got := nameLabels(name); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", labels) {
		return harness.Violated("differential", "UnpackDomainName", "miekg/dns %q (labels %q), independent decoder %q", name, got, labels)
	}
	if next <= off || next > len(data) {
		return harness.Violated("invariant", "Name", "offset after %q is %d, start %d, message %d bytes", name, next, off, len(data))
	}
	if n := wireLen(name); n > 255 || n == 0 {
		return harness.Violated("invariant", "Name", "%q is %d octets in wire form", name, n)
	}
	if _, ok := dns.IsDomainName(name); !ok {
		return harness.Violated("invariant", "Name", "IsDomainName rejects unpacked name %q", name)
	}
	if c, s := dns.CountLabel(name), len(dns.SplitDomainName(name)); c != s {
		return harness.Violated("invariant", "Name", "CountLabel(%q) = %d, SplitDomainName has %d labels", name, c, s)
	}
	_ = dns.CanonicalName(name)
	return packNameRoundTrip(name)
}

func packNameRoundTrip(name string) error {
	buf := make([]byte, 600)
	comp := map[string]int{}
	off1, err := dns.PackDomainName(name, buf, 0, comp, true)
	if err != nil {
		return harness.Violated("roundtrip", "PackDomainName", "unpacked name %q does not pack: %v", name, err)
	}
	off2, err := dns.PackDomainName(name, buf, off1, comp, true) // now a pointer
	if err != nil {
		return harness.Violated("roundtrip", "PackDomainName", "%q does not pack compressed: %v", name, err)
	}
	for _, start := range []int{0, off1} {
		back, _, err := dns.UnpackDomainName(buf[:off2], start)
		if err != nil || back != name {
			return harness.Violated("roundtrip", "PackDomainName", "%q packed at %d unpacks to %q (%v)", name, start, back, err)
		}
	}
	return nil
}

// nameDecoder is the independent implementation; oracle tests replace it
// with a deliberately wrong one to prove the oracle fires.
var nameDecoder = decodeName

var (
	errNameLoop     = errors.New("compression loop")
	errNameBuf      = errors.New("name runs past the message")
	errNameLong     = errors.New("name longer than 255 octets")
	errNameReserved = errors.New("reserved label type")
)

// decodeName decodes the name at off following RFC 1035 directly: labels
// until the root, a pointer (two top bits set) continues at its 14-bit
// offset, the 01/10 label types are reserved, and a name is at most 255
// octets including the root. Loops are detected by revisiting an offset.
// It returns the raw labels and the number of pointers followed.
//
// Tolerated difference from miekg/dns: miekg/dns counts pointers and gives
// up after 126 whether or not they loop (see checkName).
func decodeName(msg []byte, off int) ([]string, int, error) {
	var labels []string
	seen := map[int]bool{}
	octets, pointers := 1, 0 // the root
	for {
		if off >= len(msg) {
			return nil, pointers, errNameBuf
		}
		c := int(msg[off])
		switch c & 0xc0 {
		case 0x00:
			if c == 0 {
				return labels, pointers, nil
			}
			if off+1+c > len(msg) {
				return nil, pointers, errNameBuf
			}
			if octets += c + 1; octets > 255 {
				return nil, pointers, errNameLong
			}
			labels = append(labels, string(msg[off+1:off+1+c]))
			off += 1 + c
		case 0xc0:
			if off+1 >= len(msg) {
				return nil, pointers, errNameBuf
			}
			if seen[off] {
				return nil, pointers, errNameLoop
			}
			seen[off] = true
			pointers++
			off = (c&0x3f)<<8 | int(msg[off+1])
		default:
			return nil, pointers, errNameReserved
		}
	}
}

// nameLabels returns the raw labels of a miekg/dns presentation name.
func nameLabels(name string) []string {
	buf := make([]byte, 4*len(name)+2)
	n, err := dns.PackDomainName(name, buf, 0, nil, false)
	if err != nil {
		return []string{"!" + name}
	}
	var out []string
	for i := 0; i < n && buf[i] != 0; i += 1 + int(buf[i]) {
		out = append(out, string(buf[i+1:i+1+int(buf[i])]))
	}
	return out
}
