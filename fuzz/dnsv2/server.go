package dnsv2fuzz

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"codeberg.org/miekg/dns"
	"codeberg.org/miekg/dns/dnsutil"
	"codeberg.org/miekg/dns/rdata"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Server sends data as a query to v2's dns.Server, started once per
// process on loopback UDP and TCP sockets with nameHandler, a handler that
// does what an authoritative nameserver does with v2: unpack the request
// (the server unpacks only header and question), check its TSIG
// (TSIGVerify), answer from a synthetic zone, size the reply to the
// client's UDP buffer (RFC 6891 6.2.3, 512 without EDNS) with TC set when
// answers had to go (RFC 2181 9), keep EDNS in the reply, sign it
// (TSIGSign with the request's MAC), write it (Msg.WriteTo).
//
// The query is sent as is, or (chosen by the ID's low bits, so every seed
// takes one path) first signed with the server's TSIG key or a wrong one,
// over UDP or TCP (see queryMode).
//
// Oracle invariant:
//   - at "Reply": a query the server reads (header and one question
//     unpack, QR clear) gets a reply, which unpacks and has the query's
//     ID, QR set and its question;
//   - at "Reply.Len": over UDP the reply fits the client's buffer;
//   - at "Reply.TC": a reply without TC holds every answer the zone has;
//   - at "Reply.EDNS": a query with EDNS gets a reply with EDNS (RFC 6891
//     7);
//   - at "Reply.TSIG": a query signed with the key gets a signed reply
//     that verifies with the query's MAC; one signed with a wrong key gets
//     NOTAUTH with TSIG error BADSIG (RFC 8945 5.2.2);
//   - at "TSIGSign.EDNS": signing the query kept its OPT record (a known
//     v2 defect, knownTSIGSignOPTID, reported under strict only).
func Server(data []byte) error {
	s, err := startServer()
	if err != nil {
		return err
	}
	mode := queryMode(data)
	q, wire, lostEDNS, err := prepare(data, mode)
	if err != nil {
		return nil // the query could not be built (signing needs a packable message)
	}
	if lostEDNS && strict() {
		return harness.Violated("invariant", "TSIGSign.EDNS", "TSIGSign dropped the query's OPT record (a known v2 defect: knownTSIGSignOPTID in known.go; the id is not in this message, which it is the signature of)\nsigned: %s", q)
	}
	reply, err := s.exchange(wire, mode.tcp, expectReply(wire, mode.tcp))
	if err != nil {
		return harness.Violated("invariant", "Reply", "%v\nquery: %s", err, q)
	}
	if reply == nil {
		return nil
	}
	return checkReply(q, wire, reply, mode)
}

// Test-visible knobs.
var (
	// nameHandler is the handler the server runs, read per request;
	// oracle tests replace it with a deliberately wrong one.
	nameHandler dns.HandlerFunc = serveName
	// replyTimeout is how long a reply that must come may take: long,
	// for a starved machine; it is spent only on a missing reply.
	replyTimeout = 5 * time.Second
)

// serverSecret is the TSIG key the server knows, as keyName.
var (
	serverKey   = dns.HmacTSIG{Secret: []byte("daemonfuzz v2 server tsig key 01")}
	wrongKey    = dns.HmacTSIG{Secret: []byte("not the server's key, 32 octets")}
	serverKeyID = "key.example."
)

// serverUDPSize is what the server reads of a datagram and the most a
// reply may claim; the client never sends a larger datagram.
const serverUDPSize = 4096

// mode is how Server sends a query.
type mode struct {
	tcp  bool
	sign int // 0 as is, 1 signed with serverKey, 2 signed with wrongKey
}

// queryMode picks the transport and signing from the query's ID, so the
// input stays a plain DNS message (the dns-wire corpus): ID bit 2 is TCP,
// ID bits 0-1 = 2 sign with the key, 3 with a wrong key.
func queryMode(data []byte) mode {
	if len(data) < 2 {
		return mode{}
	}
	id := data[1]
	m := mode{tcp: id&4 != 0}
	switch id & 3 {
	case 2:
		m.sign = 1
	case 3:
		m.sign = 2
	}
	return m
}

// prepare returns the query as v2 reads it (nil if it does not unpack)
// and the bytes to send: data, or for a signing mode data unpacked,
// given a TSIG and signed; and whether signing lost the query's OPT
// record (knownTSIGSignOPTID).
func prepare(data []byte, md mode) (q *dns.Msg, wire []byte, lostEDNS bool, err error) {
	q, wire, err = prepareOnce(data, md)
	if err != nil || md.sign == 0 {
		return q, wire, false, err
	}
	before := &dns.Msg{Data: bytes.Clone(data)}
	return q, wire, before.Unpack() == nil && packsOPT(before) && !packsOPT(q), nil
}

func prepareOnce(data []byte, md mode) (*dns.Msg, []byte, error) {
	q := &dns.Msg{Data: bytes.Clone(data)}
	if q.Unpack() != nil {
		q = nil
	}
	if md.sign == 0 || q == nil {
		if !md.tcp && len(data) > serverUDPSize {
			return nil, nil, fmt.Errorf("%d octets do not fit a datagram", len(data))
		}
		return q, data, nil
	}
	stripKnown(q)
	if hasTSIG(q) != nil || len(q.Question) != 1 {
		return nil, nil, fmt.Errorf("not a query to sign")
	}
	key := serverKey
	if md.sign == 2 {
		key = wrongKey
	}
	q.Pseudo = append(q.Pseudo, dns.NewTSIG(serverKeyID, dns.HmacSHA256, 300))
	q.Data = nil
	if err := dns.TSIGSign(q, key, &dns.TSIGOption{}); err != nil {
		return nil, nil, err
	}
	wire := q.Data
	if !md.tcp && len(wire) > serverUDPSize {
		return nil, nil, fmt.Errorf("%d octets do not fit a datagram", len(wire))
	}
	sent := &dns.Msg{Data: bytes.Clone(wire)}
	if err := sent.Unpack(); err != nil {
		return nil, nil, err
	}
	return sent, wire, nil
}

// expectReply reports whether the server must answer wire: it reads the
// header and question (the server's first unpack) and QR is clear. A
// query the server rejects (not one question, an unknown opcode) still
// gets FORMERR or NOTIMP.
func expectReply(wire []byte, tcp bool) bool {
	m := &dns.Msg{Data: bytes.Clone(wire), Options: dns.MsgOptionUnpackHeader | dns.MsgOptionUnpackQuestion}
	return m.Unpack() == nil && !m.Response
}

// checkReply checks the reply to q (sent as wire) as Server describes.
func checkReply(q *dns.Msg, wire, reply []byte, md mode) error {
	r := &dns.Msg{Data: bytes.Clone(reply)}
	if err := r.Unpack(); err != nil {
		if !strict() && binary.BigEndian.Uint16(wire[4:6]) > 1 {
			return nil // the FORMERR to two questions packs both counted (known.go QDCOUNT)
		}
		return harness.Violated("invariant", "Reply", "reply does not unpack: %v\n%x", err, reply)
	}
	id := binary.BigEndian.Uint16(wire)
	if r.ID != id || !r.Response {
		return harness.Violated("invariant", "Reply", "reply id %d QR=%v to query id %d", r.ID, r.Response, id)
	}
	hq := &dns.Msg{Data: bytes.Clone(wire), Options: dns.MsgOptionUnpackHeader | dns.MsgOptionUnpackQuestion}
	if hq.Unpack() == nil && len(hq.Question) == 1 && (len(r.Question) > 0 || r.Rcode != dns.RcodeFormatError) {
		// A FORMERR may leave the question out (one v2 cannot pack).
		if len(r.Question) != 1 || !sameQuestion(hq.Question[0], r.Question[0]) {
			return harness.Violated("invariant", "Reply", "question %v answered as %v", hq.Question, r.Question)
		}
	}
	if q == nil || len(q.Question) != 1 || r.Rcode == dns.RcodeFormatError || r.Rcode == dns.RcodeNotImplemented {
		return nil // the server refused the query: the checks above are all
	}
	if !md.tcp {
		if limit := clientBuffer(q); len(reply) > limit {
			return harness.Violated("invariant", "Reply.Len", "%d-octet reply for a %d-octet buffer", len(reply), limit)
		}
	}
	if r.Rcode == dns.RcodeSuccess && !r.Truncated {
		if want := len(zoneAnswers(q.Question[0])); len(r.Answer) != want {
			return harness.Violated("invariant", "Reply.TC", "%d of %d answers without TC", len(r.Answer), want)
		}
	}
	if hasEDNS(q) && !hasEDNS(r) {
		return harness.Violated("invariant", "Reply.EDNS", "a query with EDNS got a reply without")
	}
	return checkReplyTSIG(q, r, md)
}

// checkReplyTSIG is the TSIG part of checkReply.
func checkReplyTSIG(q, r *dns.Msg, md mode) error {
	qt := hasTSIG(q)
	if md.sign == 0 || qt == nil {
		return nil
	}
	rt := hasTSIG(r)
	if md.sign == 2 {
		if r.Rcode != dns.RcodeNotAuth || rt == nil || rt.Error != dns.RcodeBadSig {
			return harness.Violated("invariant", "Reply.TSIG", "a query signed with a wrong key got rcode %d, TSIG %v", r.Rcode, rt)
		}
		return nil
	}
	if rt == nil {
		return harness.Violated("invariant", "Reply.TSIG", "a signed query (rcode %d) got an unsigned reply", r.Rcode)
	}
	if err := dns.TSIGVerify(r, serverKey, &dns.TSIGOption{RequestMAC: qt.MAC}); err != nil {
		return harness.Violated("invariant", "Reply.TSIG", "the reply's TSIG does not verify: %v", err)
	}
	return nil
}

func sameQuestion(a, b dns.RR) bool {
	return a.Header().Name == b.Header().Name && a.Header().Class == b.Header().Class && rrType(a) == rrType(b)
}

// rrType is rr's type: RRToType, or an RFC3597's own.
func rrType(rr dns.RR) uint16 {
	if r, ok := rr.(*dns.RFC3597); ok {
		return r.RRType
	}
	return dns.RRToType(rr)
}

// clientBuffer is the most a UDP reply to q may hold: 512, or the query's
// EDNS UDP size up to what the server reads.
func clientBuffer(q *dns.Msg) int {
	return min(max(int(q.UDPSize), dns.MinMsgSize), serverUDPSize)
}

// hasEDNS reports whether m carries an OPT record, as far as v2's Msg
// says: a UDP size, an EDNS flag or an option.
func hasEDNS(m *dns.Msg) bool {
	if m.UDPSize > 0 || m.Security || m.CompactAnswers || m.Delegation {
		return true
	}
	for _, rr := range m.Pseudo {
		if _, ok := rr.(dns.EDNS0); ok {
			return true
		}
	}
	return false
}

// packsOPT reports whether Pack writes an OPT record for m: an EDNS UDP
// size over 512, an EDNS flag, an extended RCODE or an EDNS0 option.
func packsOPT(m *dns.Msg) bool {
	if m.UDPSize > dns.MinMsgSize || m.Security || m.CompactAnswers || m.Delegation || m.Rcode > 0xf {
		return true
	}
	for _, rr := range m.Pseudo {
		if _, ok := rr.(dns.EDNS0); ok {
			return true
		}
	}
	return false
}

func hasTSIG(m *dns.Msg) *dns.TSIG {
	if n := len(m.Pseudo); n > 0 {
		t, _ := m.Pseudo[n-1].(*dns.TSIG)
		return t
	}
	return nil
}

// zoneAnswers are the records the synthetic zone holds for q: for a name
// of n octets, n%24 A records and, for TXT or ANY, n%7 TXT records of 200
// octets, so answers range from none to more than a 512-octet reply holds.
func zoneAnswers(q dns.RR) []dns.RR {
	name := q.Header().Name
	t := rrType(q)
	var rrs []dns.RR
	if t == dns.TypeA || t == dns.TypeANY {
		for i := range len(name) % 24 {
			a := &dns.A{Hdr: dns.Header{Name: name, Class: dns.ClassINET, TTL: 300}}
			a.Addr = netipAddr(i)
			rrs = append(rrs, a)
		}
	}
	if t == dns.TypeTXT || t == dns.TypeANY {
		for i := range len(name) % 7 {
			rrs = append(rrs, &dns.TXT{Hdr: dns.Header{Name: name, Class: dns.ClassINET, TTL: 300},
				TXT: rdata.TXT{Txt: []string{fmt.Sprintf("%03d%s", i, bytes.Repeat([]byte("x"), 197))}}})
		}
	}
	return rrs
}

// serveName is the nameserver handler Server describes.
func serveName(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	if err := r.Unpack(); err != nil {
		dnsutil.SetReply(m, r)
		m.Rcode = dns.RcodeFormatError
		writeFormErr(w, m)
		return
	}
	dnsutil.SetReply(m, r)
	m.Authoritative = true
	if hasEDNS(r) {
		m.UDPSize = serverUDPSize
	}
	qt := hasTSIG(r)
	if qt != nil {
		if err := dns.TSIGVerify(r, serverKey, &dns.TSIGOption{}); err != nil {
			// RFC 8945 5.2.2: NOTAUTH, an unsigned TSIG with BADSIG.
			m.Rcode = dns.RcodeNotAuth
			t := dns.NewTSIG(qt.Hdr.Name, qt.Algorithm, qt.Fudge)
			t.Error, t.OrigID = dns.RcodeBadSig, r.ID
			m.Pseudo = append(m.Pseudo, t)
			m.WriteTo(w)
			return
		}
	}
	m.Answer = zoneAnswers(r.Question[0])
	limit := dns.MaxMsgSize
	if dnsutil.Network(w) == "udp" {
		limit = clientBuffer(r)
	}
	sign := func() error {
		m.Data = nil
		if qt == nil {
			return m.Pack()
		}
		m.Pseudo = append(m.Pseudo[:len(m.Pseudo):len(m.Pseudo)], dns.NewTSIG(qt.Hdr.Name, qt.Algorithm, qt.Fudge))
		defer func() { m.Pseudo = m.Pseudo[:len(m.Pseudo)-1] }()
		return dns.TSIGSign(m, serverKey, &dns.TSIGOption{RequestMAC: qt.MAC})
	}
	err := sign()
	for err == nil && len(m.Data) > limit && len(m.Answer) > 0 {
		m.Answer, m.Truncated = m.Answer[:len(m.Answer)/2], true
		err = sign()
	}
	if err != nil {
		m.Rcode = dns.RcodeFormatError
		writeFormErr(w, m)
		return
	}
	m.WriteTo(w)
}

// writeFormErr writes m, a FORMERR, and when m does not pack (a question
// v2 cannot pack: a label holding a '.' octet, which its unescaped names
// cannot say) the same FORMERR without question or records. Pack leaves a
// zero-filled buffer in Data on error, which WriteTo would send, and
// WriteTo of an empty Data packs and gives up on the error.
func writeFormErr(w dns.ResponseWriter, m *dns.Msg) {
	m.Data = nil
	if m.Pack() != nil {
		m = &dns.Msg{MsgHeader: m.MsgHeader}
		m.Rcode, m.Truncated, m.UDPSize = dns.RcodeFormatError, false, 0
		if m.Pack() != nil {
			return
		}
	}
	m.WriteTo(w)
}
