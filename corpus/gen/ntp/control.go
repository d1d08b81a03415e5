package main

import (
	"encoding/binary"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// mode6 builds one ntpd mode 6 datagram: the 12-octet header, the data, and
// zero padding to a 32-bit boundary (RFC 1305 appendix B).
func mode6(version, remop uint8, seq, status, assoc, offset uint16, data []byte) []byte {
	b := []byte{version<<3 | 6, remop}
	for _, v := range []uint16{seq, status, assoc, offset, uint16(len(data))} {
		b = binary.BigEndian.AppendUint16(b, v)
	}
	b = append(b, data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

const (
	sysVars  = `version="ntpd 4.2.8p15@1.3728-o Wed Sep 23 11:46:38 UTC 2020 (1)", processor="x86_64", system="Linux/6.1.0", leap=0, stratum=2, precision=-24, rootdelay=1.234, rootdisp=12.345, refid=192.0.2.1, reftime=0xe93f2a00.12345678, clock=0xe93f2a40.9abcdef0, peer=47321, tc=6, mintc=3, offset=-0.012345, frequency=-12.345, sys_jitter=0.012345, clk_jitter=0.004, clk_wander=0.001, tai=37, leapsec=201701010000, expire=202612280000`
	peerVars = `srcadr=192.0.2.1, srcport=123, dstadr=192.0.2.100, dstport=123, leap=0, stratum=1, precision=-23, rootdelay=0.000, rootdisp=0.229, refid=GPS, reftime=0xe93f2a00.00000000, rec=0xe93f2a10.00000000, reach=0xff, unreach=0, hmode=3, pmode=4, hpoll=6, ppoll=6, headway=0, flash=0x0, keyid=0, offset=0.012, delay=0.345, dispersion=0.987, jitter=0.011, xleave=0.020, filtdelay= 0.35 0.34 0.36 0.35 0.34 0.35 0.36 0.34, filtoffset= 0.01 0.01 0.02 0.01 0.01 0.01 0.02 0.01, filtdisp= 0.00 0.98 1.95 2.93 3.91 4.89 5.86 6.84`
)

// controlSeeds are mode 6 replies of every kind facebook/time's control
// client asks for (read status: the association list; read variables: system
// and peer variables), including a reply split across datagrams with the More
// bit, as ntpd sends long variable lists, and error replies. A seed is the
// concatenation of the datagrams of one reply.
func controlSeeds() ([]seed, error) {
	var out []seed
	add := func(what string, dgrams ...[]byte) {
		out = append(out, seed{"ntp-control", corpus.KindHandmade, src + ": mode 6 " + what, cat(dgrams...)})
	}
	var assoc []byte
	for i, st := range []uint16{0x961a, 0x941a, 0x9424, 0x8011} {
		assoc = binary.BigEndian.AppendUint16(assoc, uint16(47321+i))
		assoc = binary.BigEndian.AppendUint16(assoc, st)
	}
	add("read status reply: system status and 4 associations", mode6(2, 0x81, 1, 0x0618, 0, 0, assoc))
	add("read status reply, NTPv4 header, no associations", mode6(4, 0x81, 1, 0xc016, 0, 0, nil))
	add("read variables reply: system variables", mode6(2, 0x82, 2, 0x0618, 0, 0, []byte(sysVars+"\r\n")))
	add("read variables reply: peer variables", mode6(2, 0x82, 3, 0x961a, 47321, 0, []byte(peerVars+"\r\n")))
	// ntpd splits at 468 octets of data per datagram.
	long := []byte(sysVars + ", " + peerVars)
	cut := strings.LastIndex(string(long[:400]), ",") + 1
	add("read variables reply in two fragments (More bit, offsets)",
		mode6(2, 0xa2, 4, 0x0618, 0, 0, long[:cut]),
		mode6(2, 0x82, 4, 0x0618, 0, uint16(cut), long[cut:]))
	add("read status reply in two fragments (More bit)",
		mode6(2, 0xa1, 5, 0x0618, 0, 0, assoc[:8]),
		mode6(2, 0x81, 5, 0x0618, 0, 8, assoc[8:]))
	add("error reply: bad association (error bit, status 4)", mode6(2, 0xc2, 6, 0x0400, 9999, 0, nil))
	add("read variables reply with malformed pairs", mode6(2, 0x82, 7, 0, 0, 0, []byte(`a=1,b,c==2, d="x", =e, f=`)))
	return out, nil
}
