package corednsfuzz

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
	"github.com/miekg/dns"
)

// Frame lays out a Server input: one selector byte (low 7 bits: the
// configuration, index modulo len(Configs); high bit: TCP instead of UDP),
// the query's length as 2 big-endian bytes, the query, and the rest is what
// the fake upstream answers with. Raw bytes, so a crasher minimises into a
// readable query and reply.
func Frame(config int, tcp bool, query, upstream []byte) []byte {
	sel := byte(config & 0x7f)
	if tcp {
		sel |= 0x80
	}
	out := []byte{sel, byte(len(query) >> 8), byte(len(query))}
	out = append(out, query...)
	return append(out, upstream...)
}

func unframe(data []byte) (cfg int, tcp bool, query, up []byte, ok bool) {
	if len(data) < 3 {
		return 0, false, nil, nil, false
	}
	cfg = int(data[0]&0x7f) % len(Configs)
	tcp = data[0]&0x80 != 0
	n := int(binary.BigEndian.Uint16(data[1:3]))
	rest := data[3:]
	if n > len(rest) {
		n = len(rest)
	}
	return cfg, tcp, rest[:n], rest[n:], true
}

// replyWait bounds the wait for a reply the server owes. Every configuration
// answers from memory or from the in-process upstream, so a reply that takes
// this long is not coming.
const replyWait = 2 * time.Second

// Server sends one fuzzed query to a running CoreDNS server over UDP or TCP,
// with the fake upstream answering the rest of the input, and checks the
// reply (see the package doc for the oracles).
func Server(data []byte) error {
	cfgIdx, tcp, query, up, ok := unframe(data)
	if !ok {
		return nil
	}
	w := getWorld()
	s := w.servers[cfgIdx]
	w.upstream.set(up)
	defer w.upstream.set(nil)

	g0 := goroutines()
	if s.cfg.Cache {
		// A cache shared across inputs answers one input's query with what
		// an earlier input's upstream said, and an entry can expire between
		// the two queries of the cache oracle: each input gets a fresh
		// server (it starts in about a millisecond).
		fresh, err := startServer(s.cfg, w)
		if err != nil {
			panic("corednsfuzz: starting a fresh " + s.cfg.Name + " server: " + err.Error())
		}
		defer fresh.stop()
		s = fresh
	}
	first, err := exchange(s, tcp, query)
	if err != nil {
		return err
	}
	if err := checkReply(s, w, query, first); err != nil {
		return err
	}
	if s.cfg.Cache && first != nil {
		second, err := exchange(s, tcp, query)
		if err != nil {
			return err
		}
		if err := checkCache(first, second); err != nil {
			return err
		}
	}
	if s.cfg.Cache {
		s.stop()
	}
	return checkLeak(g0)
}

// exchange sends query and returns the reply's bytes, or nil when the server
// rightly says nothing: fewer than 12 bytes (no header to answer), a message
// with QR set, or a query type the configuration drops. A reply owed but not
// sent within replyWait is an invariant violation.
func exchange(s *server, tcp bool, query []byte) ([]byte, error) {
	owed := repliesTo(s.cfg, query)
	var reply []byte
	var err error
	if tcp {
		reply, err = exchangeTCP(s.tcp, query, owed)
	} else {
		reply, err = exchangeUDP(s.udp, query, owed)
	}
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			if owed {
				return nil, harness.Violated("invariant", "Reply.Missing."+s.cfg.Name, "no reply to an acceptable query\nwithin %v over %s (config %s)", replyWait, transport(tcp), s.cfg.Name)
			}
			return nil, nil
		}
		if !owed || (tcp && errors.Is(err, io.EOF)) {
			return nil, nil // the server closed a connection it owed nothing on
		}
		return nil, err
	}
	return reply, nil
}

func transport(tcp bool) string {
	if tcp {
		return "tcp"
	}
	return "udp"
}

// repliesTo says whether the server owes query a reply: miekg/dns (which
// CoreDNS serves with) answers every message with a header and QR unset,
// with FORMERR or NOTIMP when it rejects it (DefaultMsgAcceptFunc), and the
// configurations drop only the types they list. A NOTIFY is the exception:
// the file plugin drops one from a host that is not its primary, on
// purpose ("Dropping notify from ..."), as many servers do.
func repliesTo(c Config, query []byte) bool {
	if len(query) < 12 || query[2]&0x80 != 0 {
		return false
	}
	if int(query[2]>>3)&0xf == dns.OpcodeNotify {
		return false
	}
	if len(c.Drops) == 0 {
		return true
	}
	var m dns.Msg
	if m.Unpack(query) != nil {
		return false // undecodable: whether acl saw a dropped type is unknown
	}
	return len(m.Question) != 1 || !slices.Contains(c.Drops, m.Question[0].Qtype)
}

func exchangeUDP(addr string, query []byte, owed bool) ([]byte, error) {
	c, err := net.Dial("udp", addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	wait := replyWait
	if !owed {
		wait = 20 * time.Millisecond
	}
	c.SetDeadline(time.Now().Add(wait))
	if _, err := c.Write(query); err != nil {
		return nil, err
	}
	buf := make([]byte, 65535)
	n, err := c.Read(buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

func exchangeTCP(addr string, query []byte, owed bool) ([]byte, error) {
	if len(query) > 0xffff {
		return nil, nil
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	wait := replyWait
	if !owed {
		wait = 20 * time.Millisecond
	}
	c.SetDeadline(time.Now().Add(wait))
	msg := binary.BigEndian.AppendUint16(nil, uint16(len(query)))
	if _, err := c.Write(append(msg, query...)); err != nil {
		return nil, err
	}
	var l [2]byte
	if _, err := io.ReadFull(c, l[:]); err != nil {
		return nil, err
	}
	buf := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(c, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// checkReply applies the oracles every reply must pass: it parses, carries
// the query's ID with QR set, and repeats the query's question; then the
// zone oracle for the authoritative configuration.
func checkReply(s *server, w *world, query, reply []byte) error {
	if reply == nil {
		return nil
	}
	var r dns.Msg
	if err := r.Unpack(reply); err != nil {
		return harness.Violated("invariant", "Reply.Unpack", "reply does not parse: %v\n(config %s)", err, s.cfg.Name)
	}
	if r.Id != binary.BigEndian.Uint16(query) || !r.Response {
		return harness.Violated("invariant", "Reply.Id", "reply does not answer the query\nid %d QR=%v to query id %d (config %s)", r.Id, r.Response, binary.BigEndian.Uint16(query), s.cfg.Name)
	}
	var q dns.Msg
	if q.Unpack(query) != nil || len(q.Question) != 1 {
		return nil
	}
	if len(r.Question) > 0 {
		qq, rq := q.Question[0], r.Question[0]
		if len(r.Question) != 1 || !strings.EqualFold(qq.Name, rq.Name) || qq.Qtype != rq.Qtype || qq.Qclass != rq.Qclass {
			return harness.Violated("invariant", "Reply.Question."+dns.TypeToString[qq.Qtype], "reply repeats another question\n%v answered as %v (config %s)", qq.String(), r.Question, s.cfg.Name)
		}
	} else if r.Rcode != dns.RcodeFormatError && r.Rcode != dns.RcodeNotImplemented {
		return harness.Violated("invariant", "Reply.Question", "reply drops the question\n%s reply to %v (config %s)", dns.RcodeToString[r.Rcode], q.Question[0].String(), s.cfg.Name)
	}
	if s.cfg.Auth && countsMatch(query, &q) {
		return checkAuth(w, &q, &r)
	}
	return nil
}

// countsMatch says whether the header's section counts are the sections
// the message holds. miekg/dns unpacks a message that claims more records
// than it has, but a server may answer one FORMERR (RFC 1035 4.1.1), and
// CoreDNS does for more than two additional records.
func countsMatch(raw []byte, m *dns.Msg) bool {
	count := func(i int) int { return int(binary.BigEndian.Uint16(raw[i:])) }
	return count(4) == len(m.Question) && count(6) == len(m.Answer) && count(8) == len(m.Ns) && count(10) == len(m.Extra)
}
