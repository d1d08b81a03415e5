package dnsfuzz

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"strings"

	fuzz "github.com/AdaLogics/go-fuzz-headers"
	"github.com/miekg/dns"
)

// src reads typed values from a go-fuzz-headers consumer. Once the input is
// exhausted every read returns the zero value, so a short input still
// builds a (small) message and the builder needs no error plumbing.
type src struct{ c *fuzz.ConsumeFuzzer }

func (s src) u8() uint8 {
	b, err := s.c.GetByte()
	if err != nil {
		return 0
	}
	return b
}

func (s src) u16() uint16 { return uint16(s.u8())<<8 | uint16(s.u8()) }
func (s src) u32() uint32 { return uint32(s.u16())<<16 | uint32(s.u16()) }
func (s src) bool() bool  { return s.u8()&1 == 1 }

// n returns a count below max.
func (s src) n(max int) int { return int(s.u8()) % max }

// bytes returns up to max bytes.
func (s src) bytes(max int) []byte {
	n := s.n(max + 1)
	b, err := s.c.GetNBytes(n)
	if err != nil {
		return nil
	}
	return b
}

// nameSuffixes make names share suffixes, so compression has work to do.
var nameSuffixes = []string{"example.org.", "a.example.org.", "example.net.", "in-addr.arpa.", "."}

// name builds a domain name in presentation form: labels of letters, or of
// arbitrary bytes (escaped as \DDD), under a shared suffix; sometimes long
// (many labels, up to the 255-octet limit and past it).
func (s src) name() string {
	suffix := nameSuffixes[s.n(len(nameSuffixes))]
	var b strings.Builder
	labels := s.n(4)
	if s.u8() == 0xff {
		labels = 40 + s.n(100) // long names: near and beyond 255 octets
	}
	for i := 0; i < labels; i++ {
		n := 1 + s.n(63)
		raw := s.bytes(n)
		if len(raw) == 0 {
			raw = []byte{'a' + byte(i%26)}
		}
		binary := s.bool()
		for _, c := range raw {
			switch {
			case !binary:
				b.WriteByte('a' + c%26)
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-':
				b.WriteByte(c)
			default:
				fmt.Fprintf(&b, "\\%03d", c)
			}
		}
		b.WriteByte('.')
	}
	if suffix == "." && labels > 0 {
		return b.String()
	}
	return b.String() + suffix
}

func (s src) ip4() net.IP { return net.IP(append([]byte(nil), s.fixed(4)...)) }
func (s src) ip6() net.IP { return net.IP(append([]byte(nil), s.fixed(16)...)) }

// fixed returns exactly n bytes, zero-padded once the input runs out.
func (s src) fixed(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = s.u8()
	}
	return out
}

func (s src) hex(max int) string { return strings.ToUpper(hex.EncodeToString(s.bytes(max))) }
func (s src) b64(max int) string { return base64.StdEncoding.EncodeToString(s.bytes(max)) }

// cstring is a character-string in presentation form (escaped as Unpack
// writes it).
func (s src) cstring(max int) string {
	return canonicalTxt([]string{string(s.bytes(max))})[0]
}

func (s src) hdr(name string, t uint16) dns.RR_Header {
	class := dns.ClassINET
	if s.u8() == 0xfe {
		class = int(s.u16())
	}
	return dns.RR_Header{Name: name, Rrtype: t, Class: uint16(class), Ttl: s.u32()}
}

// bitmap is a sorted, duplicate-free type bitmap, as the wire holds it.
func (s src) bitmap() []uint16 {
	n := s.n(12)
	set := make([]uint16, 0, n)
	for i := 0; i < n; i++ {
		t := uint16(s.u8())
		if s.u8() == 0xff {
			t = s.u16()
		}
		set = append(set, t)
	}
	return typeSet(set)
}
