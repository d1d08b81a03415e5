package dnsv2fuzz

import (
	"strings"

	fuzz "github.com/AdaLogics/go-fuzz-headers"
)

// src reads values from a go-fuzz-headers consumer; once the input runs
// out every value is zero.
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
	b, err := s.c.GetNBytes(s.n(max + 1))
	if err != nil {
		return nil
	}
	return b
}

// fixed returns exactly n bytes, zero-padded once the input runs out.
func (s src) fixed(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = s.u8()
	}
	return out
}

// nameSuffixes share labels, so names compress against each other.
var nameSuffixes = []string{"example.org.", "example.com.", "a.example.org.", "."}

// name is a fully qualified name of letters, digits and hyphens under one
// of nameSuffixes (v2 has no escapes in names, see escapedName), now and
// then long enough to pass 255 octets.
func (s src) name() string {
	var b strings.Builder
	labels := s.n(4)
	if s.u8() == 0xff {
		labels = 40 + s.n(30)
	}
	for range labels {
		n := 1 + s.n(63)
		if n > 12 && s.u8()&3 != 0 {
			n = 1 + n%12
		}
		for range n {
			b.WriteByte(wordChars[s.n(len(wordChars))])
		}
		b.WriteByte('.')
	}
	suffix := nameSuffixes[s.n(len(nameSuffixes))]
	if b.Len() > 0 && suffix == "." {
		return b.String()
	}
	return b.String() + suffix
}

const wordChars = "abcdefghijklmnopqrstuvwxyz0123456789-"

// word is a short token of letters, digits and hyphens: a character
// string or tag that needs no quoting.
func (s src) word() string {
	var b strings.Builder
	for range 1 + s.n(12) {
		b.WriteByte(wordChars[s.n(len(wordChars))])
	}
	return b.String()
}
