package main

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/facebook/time/ntp/protocol"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

const src = "corpus/gen/ntp"

// A fixed instant keeps the seeds stable: 2024-01-01T00:00:00Z in NTP era 0.
const (
	t0Sec  = 3913056000
	t0Frac = 0x12345678
)

func header(li, vn, mode, stratum uint8, poll, prec int8, refid uint32) protocol.Packet {
	return protocol.Packet{
		Settings: li<<6 | vn<<3 | mode, Stratum: stratum, Poll: poll, Precision: prec,
		RootDelay: 0x00000a3d, RootDispersion: 0x00001f5c, ReferenceID: refid,
		RefTimeSec: t0Sec - 60, RefTimeFrac: t0Frac,
		OrigTimeSec: t0Sec, OrigTimeFrac: t0Frac + 1,
		RxTimeSec: t0Sec, RxTimeFrac: t0Frac + 0x100000,
		TxTimeSec: t0Sec, TxTimeFrac: t0Frac + 0x200000,
	}
}

func ascii(s string) uint32 { return binary.BigEndian.Uint32([]byte(s)) }

func mustBytes(p protocol.Packet) []byte {
	b, err := p.Bytes()
	if err != nil {
		panic(err)
	}
	return b
}

func packetSeeds() ([]seed, error) {
	var out []seed
	add := func(what string, b []byte) {
		out = append(out, seed{"ntp", corpus.KindHandmade, src + ": " + what, b})
	}
	for vn := uint8(1); vn <= 4; vn++ {
		req := protocol.Packet{Settings: vn<<3 | 3, TxTimeSec: t0Sec, TxTimeFrac: t0Frac}
		add(fmt.Sprintf("NTPv%d client request (mode 3)", vn), mustBytes(req))
		add(fmt.Sprintf("NTPv%d server reply (mode 4, stratum 1, refid GPS)", vn), mustBytes(header(0, vn, 4, 1, 6, -20, ascii("GPS\x00"))))
		add(fmt.Sprintf("NTPv%d server reply (stratum 2, IPv4 refid)", vn), mustBytes(header(0, vn, 4, 2, 10, -23, 0xc0000201)))
	}
	for _, kod := range []string{"RATE", "DENY", "RSTR", "INIT", "STEP"} {
		p := header(3, 4, 4, 0, 17, -20, ascii(kod))
		add("NTPv4 kiss-o'-death "+kod+" (RFC 5905 7.4)", mustBytes(p))
	}
	add("NTPv4 broadcast (mode 5)", mustBytes(header(0, 4, 5, 2, 6, -20, 0x7f000001)))
	add("NTPv3 broadcast (mode 5)", mustBytes(header(0, 3, 5, 3, 6, -18, 0x7f000001)))
	add("NTPv4 symmetric active (mode 1)", mustBytes(header(0, 4, 1, 3, 6, -20, 0x0a000001)))
	add("NTPv4 symmetric passive (mode 2)", mustBytes(header(0, 4, 2, 3, 6, -20, 0x0a000002)))
	add("NTPv4 leap second insert warning (LI=1)", mustBytes(header(1, 4, 4, 1, 4, -29, ascii("PPS\x00"))))
	add("NTPv4 unsynchronised server (LI=3, stratum 16)", mustBytes(header(3, 4, 4, 16, 6, -20, ascii("INIT"))))
	add("mode 6 control header as an NTP packet", append([]byte{0x16, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, make([]byte, 36)...))
	add("mode 7 private header", append([]byte{0x17, 0x00, 0x03, 0x2a}, make([]byte, 44)...))
	add("NTPv5 draft request shape (version 5, mode 3)", mustBytes(protocol.Packet{Settings: 5<<3 | 3, TxTimeSec: t0Sec}))

	// RFC 5905 legacy MACs: crypto-NAK, MD5 (key id + 16) and SHA-1 (key id + 20).
	base := mustBytes(header(0, 4, 4, 2, 6, -20, 0xc0000201))
	add("NTPv4 reply with crypto-NAK (4 zero octets)", cat(base, make([]byte, 4)))
	add("NTPv4 reply with MD5 MAC (key 1)", cat(base, u32(1), bytes.Repeat([]byte{0xab}, 16)))
	add("NTPv4 reply with SHA-1 MAC (key 42)", cat(base, u32(42), bytes.Repeat([]byte{0xcd}, 20)))
	add("NTPv3 request with MD5 MAC (key 7)", cat(mustBytes(protocol.Packet{Settings: 3<<3 | 3, TxTimeSec: t0Sec}), u32(7), bytes.Repeat([]byte{0x11}, 16)))

	// Extension fields (RFC 7822) with and without a trailing MAC.
	withEF := header(0, 4, 3, 0, 6, -20, 0)
	withEF.ExtensionFields = []protocol.ExtensionField{{Type: 0x0002, Body: bytes.Repeat([]byte{1}, 12)}}
	add("NTPv4 request with one 16-octet extension field (type 0x0002)", mustBytes(withEF))
	ef := mustBytes(withEF)
	add("NTPv4 request with extension field and MD5 MAC", cat(ef, u32(3), bytes.Repeat([]byte{0x22}, 16)))
	withEF.ExtensionFields = append(withEF.ExtensionFields, protocol.ExtensionField{Type: 0x0109, Body: []byte("NTP5DRFT")}, protocol.ExtensionField{Type: 0x2005, Body: nil})
	add("NTPv4 packet with three extension fields incl. empty body", mustBytes(withEF))
	reserved := header(0, 4, 4, 2, 6, -20, 0)
	reserved.ExtensionFields = []protocol.ExtensionField{{Type: 0xF001, Body: []byte{1, 2, 3, 4}}}
	b, err := reserved.AssociatedData(1)
	if err != nil {
		return nil, err
	}
	add("NTPv4 packet with a reserved-range extension field (0xF001)", b)
	return out, nil
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
