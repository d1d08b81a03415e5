package dnsv2fuzz

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/miekg/dns"
)

// query packs a query for name/qtype with the given ID (its low bits pick
// Server's mode: see queryMode) and, if udp > 0, EDNS with that buffer.
func query(t *testing.T, id uint16, name string, qtype uint16, udp uint16) []byte {
	t.Helper()
	m := dns.NewMsg(name, qtype)
	m.ID, m.UDPSize = id, udp
	if err := m.Pack(); err != nil {
		t.Fatal(err)
	}
	return m.Data
}

// txtName has a length of 6 modulo 7: the zone holds six 200-octet TXT
// records for it, more than a 512-octet reply holds.
var txtName = "big" + strings.Repeat("t", 27-len("big.example.org.")) + ".example.org."

func TestServerPaths(t *testing.T) {
	if len(txtName)%7 != 6 {
		t.Fatalf("txtName %q has length %d", txtName, len(txtName))
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"udp", query(t, 0x1000, "www.example.org.", dns.TypeA, 0)},
		{"udp truncated", query(t, 0x1000, txtName, dns.TypeTXT, 0)},
		{"udp edns", query(t, 0x1000, txtName, dns.TypeTXT, 4096)},
		{"tcp", query(t, 0x1004, txtName, dns.TypeTXT, 0)},
		{"signed", query(t, 0x1002, "www.example.org.", dns.TypeA, 0)},
		{"signed tcp", query(t, 0x1006, txtName, dns.TypeTXT, 0)},
		{"wrong key", query(t, 0x1003, "www.example.org.", dns.TypeA, 0)},
		{"two questions", twoQuestions},
		// A question v2 cannot pack (a label holding '.') and a trailing
		// octet: the handler's FORMERR goes out without the question.
		{"unpackable question", []byte("\x01\x2e\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07examQl.\x03org\x00\x00\x22\x00\x85G")},
		{"response", reply(t, "www.example.org. 60 IN A 192.0.2.1")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Server(tc.data); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// handlerWith runs serveName and then changes the reply it wrote: f gets
// the packed reply, as a Msg, and returns what to send instead.
func handlerWith(f func(m *dns.Msg) *dns.Msg) dns.HandlerFunc {
	return func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) {
		rec := &recorder{ResponseWriter: w}
		serveName(ctx, rec, r)
		m := &dns.Msg{Data: rec.data}
		if err := m.Unpack(); err != nil {
			return
		}
		m = f(m)
		if m == nil {
			return
		}
		m.Data = nil
		m.WriteTo(w)
	}
}

// recorder keeps what a handler writes instead of sending it. Its Conn
// is nil, so Msg.WriteTo writes through Write, with the TCP length
// prefix, which Write drops.
type recorder struct {
	dns.ResponseWriter
	data []byte
}

func (r *recorder) Conn() net.Conn { return nil }

func (r *recorder) Write(p []byte) (int, error) {
	if len(p) >= 2 {
		r.data = append(r.data, p[2:]...)
	}
	return len(p), nil
}

func TestServerOracles(t *testing.T) {
	swap(t, &replyTimeout, 300*time.Millisecond)
	for _, tc := range []struct {
		name   string
		data   []byte
		change func(m *dns.Msg) *dns.Msg
		field  string
	}{
		{"no reply", query(t, 0x1000, "www.example.org.", dns.TypeA, 0), func(*dns.Msg) *dns.Msg { return nil }, "Reply"},
		{"wrong id", query(t, 0x1000, "www.example.org.", dns.TypeA, 0), func(m *dns.Msg) *dns.Msg { m.ID++; return m }, "Reply"},
		{"wrong question", query(t, 0x1000, "www.example.org.", dns.TypeA, 0), func(m *dns.Msg) *dns.Msg {
			m.Question[0].Header().Name = "xxx.example.org."
			return m
		}, "Reply"},
		{"too long", query(t, 0x1000, txtName, dns.TypeTXT, 0), func(m *dns.Msg) *dns.Msg {
			m.Answer, m.Truncated = zoneAnswers(m.Question[0]), false
			return m
		}, "Reply.Len"},
		{"answers dropped", query(t, 0x1000, txtName, dns.TypeTXT, 4096), func(m *dns.Msg) *dns.Msg {
			m.Answer = m.Answer[:1]
			return m
		}, "Reply.TC"},
		{"EDNS dropped", query(t, 0x1000, "www.example.org.", dns.TypeA, 4096), func(m *dns.Msg) *dns.Msg {
			m.UDPSize = 0
			return m
		}, "Reply.EDNS"},
		{"unsigned", query(t, 0x1002, "www.example.org.", dns.TypeA, 0), func(m *dns.Msg) *dns.Msg {
			m.Pseudo = nil
			return m
		}, "Reply.TSIG"},
		{"bad MAC", query(t, 0x1002, "www.example.org.", dns.TypeA, 0), func(m *dns.Msg) *dns.Msg {
			m.ID ^= 0 // repacked: the MAC stays, the TTL below changes
			m.Answer[0].Header().TTL++
			return m
		}, "Reply.TSIG"},
		{"wrong key, no NOTAUTH", query(t, 0x1003, "www.example.org.", dns.TypeA, 0), func(m *dns.Msg) *dns.Msg {
			m.Rcode = dns.RcodeRefused
			return m
		}, "Reply.TSIG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			swap(t, &nameHandler, handlerWith(tc.change))
			wantViolation(t, Server(tc.data), "invariant", tc.field)
		})
	}
}

// The FORMERR the server itself writes to a query of two questions packs
// both counted and one written (known.go, QDCOUNT): tolerated, reported
// under strict.
func TestServerKnownQDCOUNT(t *testing.T) {
	if err := Server(twoQuestions); err != nil {
		t.Fatal(err)
	}
	q := append([]byte(nil), twoQuestions...)
	q[2] &^= 0x80 // a query, not a response
	if err := Server(q); err != nil {
		t.Fatal(err)
	}
	swap(t, &strict, func() bool { return true })
	wantViolation(t, Server(q), "invariant", "Reply")
}

// Signing a query with EDNS loses its OPT record (knownTSIGSignOPTID):
// tolerated, reported under strict.
func TestServerKnownTSIGSignOPT(t *testing.T) {
	q := query(t, 0x1002, "www.example.org.", dns.TypeA, 4096)
	if err := Server(q); err != nil {
		t.Fatal(err)
	}
	swap(t, &strict, func() bool { return true })
	wantViolation(t, Server(q), "invariant", "TSIGSign.EDNS")

	// knownTSIGSignOPTID names the crash store's open entry of this
	// violation (the message must not hold the id: it would change it).
	b, err := os.ReadFile(filepath.Join("..", "..", "crashers", knownTSIGSignOPTID, "report.json"))
	if err != nil {
		t.Fatalf("the crash store entry knownTSIGSignOPTID names: %v", err)
	}
	var rep struct{ Status, Title string }
	if err := json.Unmarshal(b, &rep); err != nil || rep.Status == "duplicate" || !strings.Contains(rep.Title, "TSIGSign dropped the query's OPT record") {
		t.Errorf("%s: status %q, title %q (err %v): knownTSIGSignOPTID should name the entry of this violation", knownTSIGSignOPTID, rep.Status, rep.Title, err)
	}
}
