package dnsfuzz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Transfer is a secondary receiving a zone (dns.Transfer.In, AXFR per RFC
// 5936 or IXFR per RFC 1995) from a malicious primary whose reply stream
// is the input, then the same records served by a real dns.Server with
// Transfer.Out to Transfer.In over loopback TCP. The input is a script:
//
//	byte 0      flags: bit 0 IXFR (else AXFR), bit 1 TSIG (the
//	            secondary has the key; the primary signs every frame that
//	            unpacks, chained as RFC 8945 5.3.1 says), bit 2 give every
//	            frame the query's ID, bits 4-7 leave frames 0-3 unsigned
//	bytes 1-4   the serial of the IXFR query's SOA
//	then        frames, each a 2-byte length and its bytes (a cut last
//	            frame is sent as it is)
//
// Oracles:
//   - "xfr" at "Envelope[i]": envelope i carries frame i's answer section,
//     as an independent Unpack reads it, and only the last one an error;
//   - "xfr" at "End": the secondary's verdict (complete, error) is the
//     model's (xfrModel), which reads the frames as the RFCs say: AXFR
//     complete at the first message after the opening SOA that ends in an
//     SOA; IXFR complete after the first message when the query's serial is
//     not older than the primary's (RFC 1982 serial arithmetic), else at
//     the second SOA of the primary's serial (AXFR-style reply) or the
//     third (incremental reply, where the second record is an SOA); a
//     frame that does not unpack, of another ID, a first message with an
//     error RCODE or without a leading SOA, a bad TSIG, or a stream that
//     ends early: an error;
//   - "xfr" at "Out.*": what Transfer.Out sends through dns.Server is what
//     Transfer.In delivers, envelope by envelope, complete, with TSIG over
//     the whole stream when configured; an error on either side only when
//     Out could not send (a message over 65535 octets).
//
// Not checked, because Transfer.In does not do it and RFC 5936 leaves it
// to the caller: that the closing SOA is the opening one.
func Transfer(data []byte) error {
	if len(data) < 5 {
		return nil
	}
	s := parseXfrScript(data)
	q, frames, signed, err := s.build()
	if err != nil {
		return err
	}
	got, err := transferIn(s, q, frames)
	if err != nil {
		return err
	}
	if err := checkTransfer(xfrModel(s, q, frames, signed), frames, got); err != nil {
		return serialViolation(s, frames, err)
	}
	return transferOut(s, frames)
}

// xfrScript is a parsed Transfer input.
type xfrScript struct {
	ixfr, tsig, patchID bool
	unsigned            uint8 // bit i: frame i goes unsigned
	serial              uint32
	frames              [][]byte
	rest                []byte // a cut frame, sent as it is
}

func parseXfrScript(data []byte) xfrScript {
	s := xfrScript{ixfr: data[0]&1 != 0, tsig: data[0]&2 != 0, patchID: data[0]&4 != 0,
		unsigned: data[0] >> 4, serial: binary.BigEndian.Uint32(data[1:])}
	rest := data[5:]
	for len(rest) >= 2 {
		n := int(binary.BigEndian.Uint16(rest))
		if 2+n > len(rest) {
			break
		}
		s.frames = append(s.frames, rest[2:2+n])
		rest = rest[2+n:]
	}
	s.rest = rest
	return s
}

const (
	xfrZone    = "example.org."
	xfrKeyName = "xfr-key."
)

// build makes the query and the frames the primary sends: IDs patched,
// frames signed in TSIG mode (which needs the query's MAC: TsigGenerate
// gives what Transfer.WriteMsg will compute for the same query), and
// which frames carry a TSIG made with the key.
func (s xfrScript) build() (q *dns.Msg, frames [][]byte, signed []bool, err error) {
	q = new(dns.Msg)
	if s.ixfr {
		q.SetIxfr(xfrZone, s.serial, "ns1."+xfrZone, "hostmaster."+xfrZone)
	} else {
		q.SetAxfr(xfrZone)
	}
	frames, signed = make([][]byte, len(s.frames)), make([]bool, len(s.frames))
	var mac string
	if s.tsig {
		q.SetTsig(xfrKeyName, dns.HmacSHA256, 300, time.Now().Unix())
		// On a copy: TsigGenerate takes the TSIG out of the message.
		if _, mac, err = dns.TsigGenerate(q.Copy(), tsigSecret, "", false); err != nil {
			return nil, nil, nil, fmt.Errorf("dnsfuzz: sign the transfer query: %w", err)
		}
	}
	for i, f := range s.frames {
		f = bytes.Clone(f)
		if s.patchID && len(f) >= 2 {
			binary.BigEndian.PutUint16(f, q.Id)
		}
		if s.tsig && !s.leftUnsigned(i) {
			var m dns.Msg
			if m.Unpack(f) == nil {
				if n := len(m.Extra); n > 0 && m.Extra[n-1].Header().Rrtype == dns.TypeTSIG {
					m.Extra = m.Extra[:n-1]
				}
				m.SetTsig(xfrKeyName, dns.HmacSHA256, 300, time.Now().Unix())
				if wire, next, err := dns.TsigGenerate(&m, tsigSecret, mac, i > 0); err == nil {
					f, mac, signed[i] = wire, next, true
				}
			}
		}
		frames[i] = f
	}
	return q, frames, signed, nil
}

func (s xfrScript) leftUnsigned(i int) bool { return i < 4 && s.unsigned&(1<<i) != 0 }

// transferIn runs Transfer.In against the primary on one end of an
// in-memory pipe (Transfer.Conn set, as a caller choosing its own dialer
// does) and collects the envelopes.
func transferIn(s xfrScript, q *dns.Msg, frames [][]byte) ([]*dns.Envelope, error) {
	client, server := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer server.Close()
		primary(server, frames, s.rest)
	}()
	t := &dns.Transfer{Conn: &dns.Conn{Conn: client}, ReadTimeout: 5 * time.Second}
	if s.tsig {
		t.TsigSecret = map[string]string{xfrKeyName: tsigSecret}
	}
	ch, err := t.In(q, "primary")
	if err != nil {
		client.Close()
		<-done
		return nil, fmt.Errorf("dnsfuzz: Transfer.In did not start: %w", err)
	}
	var got []*dns.Envelope
	for e := range ch {
		got = append(got, e)
	}
	<-done
	return got, nil
}

// primary reads the query and writes the frames, then the cut rest.
func primary(conn net.Conn, frames [][]byte, rest []byte) {
	var n uint16
	if binary.Read(conn, binary.BigEndian, &n) != nil {
		return
	}
	if _, err := io.CopyN(io.Discard, conn, int64(n)); err != nil {
		return
	}
	for _, f := range frames {
		if _, err := conn.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(f))), f...)); err != nil {
			return // the secondary is done and closed its end
		}
	}
	_, _ = conn.Write(rest)
}

// xfrOutcome is what the model expects: envelopes for frames [0, last],
// the last one ending the transfer complete (err false) or failed.
type xfrOutcome struct {
	last        int
	err         bool
	unspecified bool // the RFCs leave the verdict open; only envelopes are checked
	why         string
}

// xfrModel reads the frames as RFC 5936 / RFC 1995 / RFC 8945 say.
func xfrModel(s xfrScript, q *dns.Msg, frames [][]byte, signed []bool) xfrOutcome {
	var (
		first     *dns.SOA
		rrs       int // records seen so far
		second    dns.RR
		sameSOAs  int
		otherSOAs int
	)
	for i, f := range frames {
		var m dns.Msg
		switch {
		case len(f) == 0 || m.Unpack(f) != nil:
			return xfrOutcome{last: i, err: true, why: "frame does not unpack"}
		case s.tsig && s.leftUnsigned(i):
			// RFC 8945 5.3.1: a client MUST accept up to 99 unsigned
			// intermediary messages; miekg/dns requires every one signed
			// (see TestTransferUnsignedIntermediate).
			return xfrOutcome{last: i, unspecified: true, why: "unsigned frame in a TSIG transfer"}
		case s.tsig && !signed[i]:
			return xfrOutcome{last: i, err: true, why: "frame not signed with the key"}
		case m.Id != q.Id:
			return xfrOutcome{last: i, err: true, why: "ID"}
		case (i == 0 || s.ixfr) && m.Rcode != dns.RcodeSuccess:
			return xfrOutcome{last: i, err: true, why: "RCODE"}
		case !s.ixfr && m.Rcode != dns.RcodeSuccess:
			return xfrOutcome{last: i, unspecified: true, why: "AXFR error RCODE after the first message"}
		}
		if i == 0 {
			soa, ok := firstSOA(&m)
			if !ok {
				return xfrOutcome{last: 0, err: true, why: "no leading SOA"}
			}
			first = soa
			upToDate := !serialNewer(first.Serial, s.serial)
			if s.ixfr && ixfrSerialBug(first.Serial, s.serial) {
				upToDate = s.serial >= first.Serial // the known bug's verdict, tolerated
			}
			if s.ixfr && upToDate {
				if first.Serial-s.serial == 1<<31 {
					return xfrOutcome{last: 0, unspecified: true, why: "serials 2^31 apart (RFC 1982: undefined)"}
				}
				return xfrOutcome{last: 0, why: "up to date"}
			}
		}
		for j, rr := range m.Answer {
			rrs++
			if rrs == 2 {
				second = rr
			}
			soa, isSOA := rr.(*dns.SOA)
			if i == 0 && j == 0 {
				sameSOAs = 1
				continue
			}
			if !isSOA {
				continue
			}
			lastInFrame := j == len(m.Answer)-1
			if !s.ixfr {
				if !lastInFrame {
					return xfrOutcome{last: i, unspecified: true, why: "AXFR: an SOA inside a message"}
				}
				return xfrOutcome{last: i, why: "AXFR closing SOA"}
			}
			if soa.Serial != first.Serial {
				otherSOAs++
				continue
			}
			sameSOAs++
			incremental := second != nil && second.Header().Rrtype == dns.TypeSOA
			if rrs == 2 {
				return xfrOutcome{last: i, unspecified: true, why: "IXFR: the primary's SOA twice in a row"}
			}
			if !incremental && otherSOAs > 0 {
				return xfrOutcome{last: i, unspecified: true, why: "IXFR: AXFR-style reply with a second SOA"}
			}
			if (!incremental && sameSOAs == 2) || sameSOAs == 3 {
				if !lastInFrame {
					return xfrOutcome{last: i, unspecified: true, why: "IXFR: records after the closing SOA"}
				}
				return xfrOutcome{last: i, why: "IXFR closing SOA"}
			}
		}
	}
	return xfrOutcome{last: len(frames), err: true, why: "the stream ended first"}
}

// ixfrSerialBug reports the known miekg/dns v1.1.73 bug: Transfer.In
// takes an IXFR reply for "up to date" when the query's serial is at
// least the primary's by plain integer comparison (qser >= serial in
// inIxfr), not in RFC 1982 serial arithmetic as RFC 1995 says: across the
// wrap (query 0xfffffff0, primary 5) the secondary ends the transfer after
// the first message and reports it complete, and never sees the newer
// zone; the other way (query 5, primary 0xfffffff0, older) it reads on.
// Tolerated unless harness.Strict (the model follows the plain comparison
// then); TestTransferIXFRSerialWrap shows it.
func ixfrSerialBug(primary, query uint32) bool {
	return !xfrStrict() && (query >= primary) == serialNewer(primary, query)
}

// serialViolation gives a violation the known serial bug explains (in
// strict mode, where it is not tolerated) one field and message, so every
// input that shows it has one crash signature, whatever the frames after
// the first do.
func serialViolation(s xfrScript, frames [][]byte, err error) error {
	if !s.ixfr || len(frames) == 0 {
		return err
	}
	var m dns.Msg
	if m.Unpack(frames[0]) != nil {
		return err
	}
	soa, ok := firstSOA(&m)
	if !ok || (s.serial >= soa.Serial) == !serialNewer(soa.Serial, s.serial) {
		return err
	}
	// The model's detail (err) is left out: it varies with the frames.
	return harness.Violated("xfr", "IXFR.Serial", "Transfer.In's IXFR up-to-date test compares serials by plain comparison, not RFC 1982 serial arithmetic (query serial %d, primary's %d)", s.serial, soa.Serial)
}

// xfrStrict is harness.Strict; oracle tests turn it on.
var xfrStrict = harness.Strict

func firstSOA(m *dns.Msg) (*dns.SOA, bool) {
	if len(m.Answer) == 0 {
		return nil, false
	}
	soa, ok := m.Answer[0].(*dns.SOA)
	return soa, ok
}

// serialNewer reports whether serial a is newer than b in RFC 1982
// serial arithmetic (SERIAL_BITS 32).
func serialNewer(a, b uint32) bool {
	d := a - b
	return d != 0 && d < 1<<31
}

// checkTransfer compares the envelopes with the frames and the model.
func checkTransfer(want xfrOutcome, frames [][]byte, got []*dns.Envelope) error {
	for i, e := range got {
		if i > want.last && !want.unspecified {
			return harness.Violated("xfr", "End", "envelope %d after the model's end at frame %d (%s): %v", i, want.last, want.why, e.Error)
		}
		if e.Error != nil && i != len(got)-1 {
			return harness.Violated("xfr", fmt.Sprintf("Envelope[%d]", i), "an error before the last envelope: %v", e.Error)
		}
		if i >= len(frames) {
			if e.Error == nil || len(e.RR) > 0 {
				return harness.Violated("xfr", fmt.Sprintf("Envelope[%d]", i), "records or success after the last frame: %v", e.RR)
			}
			continue
		}
		if err := sameAnswer(i, frames[i], e); err != nil {
			return err
		}
	}
	if want.unspecified {
		return nil
	}
	if len(got) != want.last+1 {
		return harness.Violated("xfr", "End", "%d envelopes, the model expects %d (%s)", len(got), want.last+1, want.why)
	}
	if end := got[len(got)-1]; (end.Error != nil) != want.err {
		return harness.Violated("xfr", "End", "transfer ended with error %v, the model expects error=%v (%s)", end.Error, want.err, want.why)
	}
	return nil
}

// sameAnswer checks envelope i carries frame i's answer section, when the
// frame unpacks (an envelope of a frame that does not carries only the
// error).
func sameAnswer(i int, frame []byte, e *dns.Envelope) error {
	var m dns.Msg
	if m.Unpack(frame) != nil {
		if len(e.RR) > 0 || e.Error == nil {
			return harness.Violated("xfr", fmt.Sprintf("Envelope[%d]", i), "a frame that does not unpack delivered %d records, error %v", len(e.RR), e.Error)
		}
		return nil
	}
	if e.Error != nil && e.RR == nil {
		return nil // a TSIG failure: ReadMsg returns no records
	}
	a, b := &dns.Msg{Answer: m.Answer}, &dns.Msg{Answer: e.RR}
	if err := equalMsg("xfr", a, b); err != nil {
		var v *harness.Violation
		if errors.As(err, &v) {
			return harness.Violated("xfr", fmt.Sprintf("Envelope[%d].%s", i, v.Field), "%s", v.Detail)
		}
		return err
	}
	return nil
}
