package dnsv2fuzz

import (
	"errors"
	"strings"
	"testing"

	"codeberg.org/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Each test here proves an oracle can fail: a real input that breaks it or
// a deliberately wrong implementation injected in place of the one under
// test, and the assertion that the target reports a *harness.Violation
// with the right Oracle and Field.

func wantViolation(t *testing.T, err error, oracle, field string) {
	t.Helper()
	var v *harness.Violation
	if !errors.As(err, &v) {
		t.Fatalf("got %v, want a *harness.Violation of oracle %s at %s", err, oracle, field)
	}
	if v.Oracle != oracle || v.Field != field {
		t.Fatalf("got oracle %s at %s (%v), want oracle %s at %s", v.Oracle, v.Field, err, oracle, field)
	}
}

func swap[T any](t *testing.T, p *T, v T) {
	saved := *p
	*p = v
	t.Cleanup(func() { *p = saved })
}

// reply packs a reply to www.example.org/A holding the given records
// (presentation format) in its answer section.
func reply(t *testing.T, answers ...string) []byte {
	t.Helper()
	m := dns.NewMsg("www.example.org.", dns.TypeA)
	m.ID, m.Response = 0x1234, true
	for _, s := range answers {
		rr, err := dns.New(s)
		if err != nil {
			t.Fatal(err)
		}
		m.Answer = append(m.Answer, rr)
	}
	if err := m.Pack(); err != nil {
		t.Fatal(err)
	}
	return m.Data
}

func TestWirePlainReply(t *testing.T) {
	data := reply(t, "www.example.org. 60 IN A 192.0.2.1", "www.example.org. 60 IN A 192.0.2.2")
	if err := Wire(data); err != nil {
		t.Fatalf("Wire on a plain reply = %v", err)
	}
}

func TestWireRoundTripOracles(t *testing.T) {
	data := reply(t, "www.example.org. 60 IN A 192.0.2.1")
	// A Pack that changes a TTL on the wire: the second message differs.
	swap(t, &pack, func(m *dns.Msg) error {
		if err := m.Pack(); err != nil {
			return err
		}
		m.Data[len(m.Data)-8]++ // the low byte of the answer's TTL
		return nil
	})
	wantViolation(t, Wire(data), "roundtrip", "Msg.Answer[0].A.Hdr.TTL")
}

func TestWireFixpointOracle(t *testing.T) {
	data := reply(t, "www.example.org. 60 IN A 192.0.2.1")
	// A Pack that writes a different ID the second time.
	calls := 0
	swap(t, &pack, func(m *dns.Msg) error {
		calls++
		if err := m.Pack(); err != nil {
			return err
		}
		if calls == 2 {
			m.Data[0]++
		}
		return nil
	})
	wantViolation(t, Wire(data), "roundtrip", "Pack")
}

func TestWirePackChangesMessageOracle(t *testing.T) {
	data := reply(t, "www.example.org. 60 IN A 192.0.2.1")
	swap(t, &pack, func(m *dns.Msg) error {
		m.Answer[0].Header().TTL++
		return m.Pack()
	})
	wantViolation(t, Wire(data), "invariant", "Pack.Msg.Answer[0].A.Hdr.TTL")
}

func TestWireLenOracle(t *testing.T) {
	data := reply(t, "www.example.org. 60 IN A 192.0.2.1")
	swap(t, &msgLen, func(*dns.Msg) int { return 12 })
	wantViolation(t, Wire(data), "invariant", "Len")
}

func TestWireRecordOracles(t *testing.T) {
	data := reply(t, "www.example.org. 60 IN A 192.0.2.1", "www.example.org. 30 IN A 192.0.2.2")
	t.Run("Clone", func(t *testing.T) {
		swap(t, &clone, func(rr dns.RR) dns.RR {
			c := rr.Clone()
			c.Header().TTL++
			return c
		})
		wantViolation(t, Wire(data), "invariant", "Msg.Question[0].A.Hdr.TTL.Clone")
	})
	t.Run("Equal", func(t *testing.T) {
		swap(t, &equal, func(a, b dns.RR) bool { return false })
		wantViolation(t, Wire(data), "invariant", "Msg.Question[0].A.Equal")
	})
	t.Run("Compare", func(t *testing.T) {
		// Not antisymmetric for records of different TTLs.
		swap(t, &compare, func(a, b dns.RR) int {
			if a.Header().TTL != b.Header().TTL {
				return 1
			}
			return dns.Compare(a, b)
		})
		wantViolation(t, Wire(data), "invariant", "Msg.Answer.A.Compare")
	})
}

// twoQuestions is www.example.org/A and /AAAA with one A answer: Pack
// writes QDCOUNT 2 and the first question only (knownBugs, fuzz-dnsv2.FuzzV2Wire/e377099d5d44).
var twoQuestions = []byte("\x12\x34\x81\x00\x00\x02\x00\x01\x00\x00\x00\x00" +
	"\x03www\x07example\x03org\x00\x00\x01\x00\x01" +
	"\xc0\x0c\x00\x1c\x00\x01" +
	"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x01")

// edeText is a SERVFAIL with an EDE option of code 18 (Prohibited) and
// EXTRA-TEXT "abc": Pack drops the text and overwrites the option's
// ExtraText (knownBugs, fuzz-dnsv2.FuzzV2Wire/9c758335021b).
var edeText = []byte("\x12\x34\x81\x02\x00\x01\x00\x00\x00\x00\x00\x01" +
	"\x03www\x07example\x03org\x00\x00\x01\x00\x01" +
	"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x09\x00\x0f\x00\x05\x00\x12abc")

func TestWireKnownBugs(t *testing.T) {
	for _, tc := range []struct {
		name          string
		data          []byte
		oracle, field string
	}{
		{"QDCOUNT", twoQuestions, "roundtrip", "Unpack"},
		{"EDE", edeText, "invariant", "Pack.Msg.Pseudo[0].EDE.ExtraText"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Wire(tc.data); err != nil {
				t.Fatalf("Wire with the known bug tolerated = %v", err)
			}
			swap(t, &strict, func() bool { return true })
			wantViolation(t, Wire(tc.data), tc.oracle, tc.field)
		})
	}
}

// Empty rdata (RDLENGTH 0) is removed before the round trip, and only it.
func TestEmptyRdata(t *testing.T) {
	empty := &dns.NS{Hdr: dns.Header{Name: "example.org.", Class: dns.ClassANY}}
	full := &dns.NS{Hdr: dns.Header{Name: "example.org.", Class: dns.ClassINET}}
	full.Ns = "ns.example.org."
	if !emptyRdata(empty) || emptyRdata(full) {
		t.Fatalf("emptyRdata(empty, full) = %v, %v", emptyRdata(empty), emptyRdata(full))
	}
	m := &dns.Msg{Ns: []dns.RR{empty, full}}
	if !stripEmptyRdata(m) || len(m.Ns) != 1 || m.Ns[0] != full {
		t.Fatalf("stripEmptyRdata left %v", m.Ns)
	}
}

// One v2 error, whatever name it quotes, is one crash signature.
func TestStableErrElidesTheName(t *testing.T) {
	a := stableErr(errors.New("dns unpack: name exceeded max wire-format octets: aaaa"))
	b := stableErr(errors.New("dns unpack: name exceeded max wire-format octets: 7nn>xx\x00"))
	if a != b || strings.Contains(a, "aaaa") || !strings.HasPrefix(a, "dns unpack: name exceeded max wire-format octets") {
		t.Errorf("stableErr: %q and %q", a, b)
	}
	if got := stableErr(errors.New("dns unpack: overflow data")); got != "dns unpack: overflow data" {
		t.Errorf("other errors are quoted whole: %q", got)
	}
}
