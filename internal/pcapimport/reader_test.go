package pcapimport

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/gopacket/layers"
)

type got struct{ format, data string }

func readAll(t *testing.T, capture []byte) ([]got, []Payload, Stats, error) {
	t.Helper()
	var out []got
	var ps []Payload
	st, err := Read(bytes.NewReader(capture), func(p Payload) error {
		out = append(out, got{p.Format, string(p.Data)})
		p.Data = nil
		ps = append(ps, p)
		return nil
	})
	return out, ps, st, err
}

func udpMix(t *testing.T, link layers.LinkType) []pkt {
	return []pkt{
		udp(t, link, false, 40000, 53, []byte("dns query")),
		udp(t, link, false, 53, 40000, []byte("dns reply")),
		udp(t, link, false, 68, 67, []byte("dhcp discover")),
		udp(t, link, true, 546, 547, []byte("dhcpv6 solicit")),
		udp(t, link, false, 123, 123, []byte{0x23, 'n', 't', 'p'}),
		udp(t, link, false, 40001, 123, []byte{0x16, 'c', 't', 'l'}),
		udp(t, link, false, 40002, 123, []byte{0x17, 'p', 'r', 'v'}),
		udp(t, link, true, 40003, 323, []byte("chrony cmd")),
		udp(t, link, false, 40004, 80, []byte("not routed")),
	}
}

var udpMixWant = []got{
	{"dns-wire", "dns query"}, {"dns-wire", "dns reply"}, {"dhcpv4", "dhcp discover"},
	{"dhcpv6", "dhcpv6 solicit"}, {"ntp", "\x23ntp"}, {"ntp-control", "\x16ctl"},
	{"ntp-control", "\x17prv"}, {"chrony", "chrony cmd"},
}

func TestUDPRoutingPerLinkType(t *testing.T) {
	for _, link := range []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeRaw, layers.LinkTypeNull} {
		for _, ng := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/ng=%v", link, ng), func(t *testing.T) {
				pkts := udpMix(t, link)
				capture := writePcap(t, pkts)
				if ng {
					capture = writeNg(t, pkts)
				}
				out, ps, st, err := readAll(t, capture)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(out, udpMixWant) {
					t.Fatalf("got %q\nwant %q", out, udpMixWant)
				}
				if st.Packets != 9 || st.Payloads != 8 || st.Skipped != 1 {
					t.Errorf("stats %+v", st)
				}
				if ps[3].Packet != 4 || ps[3].Flow != "udp [2001:db8::1]:546 > [2001:db8::53]:547" {
					t.Errorf("provenance %+v", ps[3])
				}
			})
		}
	}
}

func TestNgMixedInterfaces(t *testing.T) {
	pkts := []pkt{
		udp(t, layers.LinkTypeEthernet, false, 1, 53, []byte("a")),
		udp(t, layers.LinkTypeRaw, true, 1, 53, []byte("b")),
		udp(t, layers.LinkTypeLinuxSLL, false, 1, 53, []byte("c")),
	}
	out, _, _, err := readAll(t, writeNg(t, pkts))
	if err != nil {
		t.Fatal(err)
	}
	if want := []got{{"dns-wire", "a"}, {"dns-wire", "b"}, {"dns-wire", "c"}}; !slices.Equal(out, want) {
		t.Fatalf("got %q, want %q", out, want)
	}
}

func framed(msgs ...string) []byte {
	var b []byte
	for _, m := range msgs {
		b = append(b, byte(len(m)>>8), byte(len(m)))
		b = append(b, m...)
	}
	return b
}

func TestTCPDNSReassembly(t *testing.T) {
	stream := framed("first message", "second, longer message", strings.Repeat("x", 300))
	const isn = 0xfffffff0 // the sequence numbers wrap mid-stream
	seg := func(lo, hi int, flags string) pkt { return tcp(t, 40000, 53, isn+1+uint32(lo), flags, stream[lo:hi]) }
	pkts := []pkt{
		tcp(t, 40000, 53, isn, "S", nil),
		seg(0, 5, ""),
		seg(20, 40, ""), // out of order
		seg(5, 20, ""),  // fills the gap
		seg(5, 20, ""),  // retransmission
		seg(30, 50, ""), // overlapping retransmission with new bytes
		seg(50, len(stream), "F"),
		tcp(t, 53, 40000, 9, "", framed("reply")), // the other direction, seen mid-connection
		tcp(t, 53, 40000, 9+uint32(len(framed("reply"))), "", []byte{0, 9, 'p', 'a', 'r'}), // cut: dropped
	}
	out, ps, _, err := readAll(t, writePcap(t, pkts))
	if err != nil {
		t.Fatal(err)
	}
	want := []got{{"dns-wire", "first message"}, {"dns-wire", "second, longer message"}, {"dns-wire", strings.Repeat("x", 300)}, {"dns-wire", "reply"}}
	if !slices.Equal(out, want) {
		t.Fatalf("got %q\nwant %q", out, want)
	}
	if ps[0].Packet != 4 || ps[2].Packet != 7 || ps[0].Flow != "tcp 192.0.2.1:40000 > 192.0.2.53:53" {
		t.Errorf("provenance %+v", ps)
	}
}

func TestTCPNTSKEStream(t *testing.T) {
	pkts := []pkt{
		tcp(t, 40000, 4460, 100, "S", nil),
		tcp(t, 40000, 4460, 101, "", []byte("\x80\x01\x00\x02")),
		tcp(t, 40000, 4460, 105, "", []byte("\x00\x00")),
		tcp(t, 4460, 40000, 7, "", []byte("open at the end")),
		tcp(t, 40000, 4460, 107, "F", nil),
	}
	out, _, _, err := readAll(t, writePcap(t, pkts))
	if err != nil {
		t.Fatal(err)
	}
	want := []got{{"ntske", "\x80\x01\x00\x02\x00\x00"}, {"ntske", "open at the end"}}
	if !slices.Equal(out, want) {
		t.Fatalf("got %q, want %q", out, want)
	}
}

func TestTruncated(t *testing.T) {
	pkts := udpMix(t, layers.LinkTypeEthernet)[:3]
	full := writePcap(t, pkts)
	lastStart := len(full) - 16 - len(pkts[2].Frame)
	for _, cut := range []int{len(full) - 3, lastStart + 10} {
		out, _, st, err := readAll(t, full[:cut])
		var te *TruncatedError
		if !errors.As(err, &te) {
			t.Fatalf("cut at %d: err %v, want *TruncatedError", cut, err)
		}
		if te.Packet != 3 || te.Offset != int64(lastStart) {
			t.Errorf("cut at %d: stopped at packet %d offset %d, want 3 and %d", cut, te.Packet, te.Offset, lastStart)
		}
		if len(out) != 2 || st.Packets != 2 {
			t.Errorf("cut at %d: imported %q (%+v), want the 2 whole packets", cut, out, st)
		}
		if !strings.Contains(err.Error(), "packet 3") {
			t.Errorf("message %q does not name the packet", err)
		}
	}
	ng := writeNg(t, pkts)
	out, _, _, err := readAll(t, ng[:len(ng)-5])
	var te *TruncatedError
	if !errors.As(err, &te) || te.Packet != 3 || len(out) != 2 {
		t.Fatalf("pcapng cut: err %v, imported %q", err, out)
	}
	if want := int64(len(writeNg(t, pkts[:2]))); te.Offset != want {
		t.Errorf("pcapng cut: offset %d, want %d (the start of the cut block)", te.Offset, want)
	}
}

func TestNotACapture(t *testing.T) {
	for _, data := range []string{"", "abc", "hello world, not a pcap"} {
		_, _, _, err := readAll(t, []byte(data))
		var ne *NotCaptureError
		if !errors.As(err, &ne) {
			t.Errorf("%q: err %v, want *NotCaptureError", data, err)
		}
	}
}

func TestEmitErrorStops(t *testing.T) {
	stop := errors.New("disk full")
	n := 0
	_, err := Read(bytes.NewReader(writePcap(t, udpMix(t, layers.LinkTypeEthernet))), func(Payload) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("err %v after %d payloads", err, n)
	}
}
