package main

import (
	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// ntpv5Seeds are NTPv5 server responses in the layout of
// draft-ietf-ntp-ntpv5-09 (the draft beevik/ntp implements): the 48-octet
// header (timescale, era, flags, server and client cookies instead of the
// reference id and timestamps) followed by the draft's extension fields.
func ntpv5Seeds() ([]seed, error) {
	hdr := func(flags uint16) []byte {
		b := []byte{0<<6 | 5<<3 | 4, 1, 6, 0xec} // LI 0, v5, mode 4, stratum 1, poll 6, precision -20
		b = append(b, u32(0x00000a3d)...)        // root delay (Q4.28)
		b = append(b, u32(0x00001f5c)...)        // root dispersion
		b = append(b, 0, 0)                      // timescale UTC, era 0
		b = append(b, u16(flags)...)
		b = append(b, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88) // server cookie
		b = append(b, make([]byte, 8)...)                             // client cookie (the peer echoes it)
		b = append(b, u32(t0Sec)...)
		b = append(b, u32(t0Frac)...)
		b = append(b, u32(t0Sec)...)
		b = append(b, u32(t0Frac+0x1000)...)
		return b
	}
	ef := func(typ uint16, body []byte) []byte {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		return cat(u16(typ), u16(uint16(4+len(body))), body)
	}
	draft := ef(0xf5ff, []byte("draft-ietf-ntp-ntpv5-09"))
	var out []seed
	add := func(what string, b []byte) {
		out = append(out, seed{"ntp", corpus.KindHandmade, src + ": NTPv5 (draft 09) " + what, b})
	}
	add("synchronised response with draft id", cat(hdr(1), draft))
	add("response with server info, reference timestamp, monotonic and secondary timestamps",
		cat(hdr(1), draft,
			ef(0xf505, u16(0x18)),
			ef(0xf507, cat(u32(t0Sec-60), u32(0))),
			ef(0xf508, cat(u32(7), u32(t0Sec), u32(t0Frac+5))),
			ef(0xf509, cat([]byte{1, 0, 0, 0}, u32(t0Sec+37), u32(t0Frac))),
		))
	add("response with reference id bloom filter chunk and correction",
		cat(hdr(3), draft, ef(0xf504, make([]byte, 16)), ef(0xf506, make([]byte, 24)), ef(0xf501, make([]byte, 8))))
	add("unsynchronised interleaved response with auth NAK flag", cat(hdr(6), draft))
	return out, nil
}
