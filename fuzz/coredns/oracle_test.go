package corednsfuzz

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
	"github.com/miekg/dns"
)

// Each oracle is shown able to fail on a reply a broken server could send;
// the seeds (fuzz_test.go) show that the real servers pass them.

func mustPack(t *testing.T, m *dns.Msg) []byte {
	t.Helper()
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wantViolation(t *testing.T, err error, oracle, field string) {
	t.Helper()
	var v *harness.Violation
	if !errors.As(err, &v) {
		t.Fatalf("got %v, want an oracle %s violation at %s", err, oracle, field)
	}
	if v.Oracle != oracle || v.Field != field {
		t.Fatalf("got oracle %s at %s (%s), want %s at %s", v.Oracle, v.Field, v.Detail, oracle, field)
	}
}

func authServer(t *testing.T) (*world, *server) {
	t.Helper()
	w := getWorld()
	for _, s := range w.servers {
		if s.cfg.Auth {
			return w, s
		}
	}
	t.Fatal("no authoritative configuration")
	return nil, nil
}

// answer asks the real authoritative server, so a test can break a real
// reply rather than invent one.
func answer(t *testing.T, s *server, q *dns.Msg) *dns.Msg {
	t.Helper()
	b, err := exchange(s, false, mustPack(t, q))
	if err != nil || b == nil {
		t.Fatalf("exchange: %v", err)
	}
	var r dns.Msg
	if err := r.Unpack(b); err != nil {
		t.Fatal(err)
	}
	return &r
}

func TestReplyOracles(t *testing.T) {
	w, s := authServer(t)
	q := new(dns.Msg)
	q.SetQuestion("web.example.org.", dns.TypeA)
	qb := mustPack(t, q)
	good := answer(t, s, q)
	if err := checkReply(s, w, qb, mustPack(t, good)); err != nil {
		t.Fatalf("the real reply fails: %v", err)
	}

	if err := checkReply(s, w, qb, []byte{1, 2, 3}); err == nil {
		t.Fatal("an unparsable reply passed")
	} else {
		wantViolation(t, err, "invariant", "Reply.Unpack")
	}

	bad := good.Copy()
	bad.Id++
	wantViolation(t, checkReply(s, w, qb, mustPack(t, bad)), "invariant", "Reply.Id")

	bad = good.Copy()
	bad.Question[0].Name = "other.example.org."
	wantViolation(t, checkReply(s, w, qb, mustPack(t, bad)), "invariant", "Reply.Question.A")
}

func TestZoneOracle(t *testing.T) {
	w, s := authServer(t)
	q := new(dns.Msg)
	q.SetQuestion("web.example.org.", dns.TypeAAAA)
	good := answer(t, s, q)
	if err := checkAuth(w, q, good); err != nil {
		t.Fatalf("the real reply fails: %v", err)
	}

	bad := good.Copy()
	bad.Answer = nil
	wantViolation(t, checkAuth(w, q, bad), "zone", "Answer.AAAA")

	bad = good.Copy()
	bad.Answer[0].(*dns.AAAA).AAAA[15] ^= 1
	wantViolation(t, checkAuth(w, q, bad), "zone", "Answer.AAAA")

	nx := new(dns.Msg)
	nx.SetQuestion("nope.example.org.", dns.TypeA)
	r := answer(t, s, nx)
	if err := checkAuth(w, nx, r); err != nil {
		t.Fatalf("the real NXDOMAIN fails: %v", err)
	}
	r.Rcode = dns.RcodeSuccess
	r.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: "nope.example.org.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: []byte{192, 0, 2, 1}}}
	wantViolation(t, checkAuth(w, nx, r), "zone", "NXDomain.A")

	out := new(dns.Msg)
	out.SetQuestion("example.com.", dns.TypeA)
	r = answer(t, s, out)
	if err := checkAuth(w, out, r); err != nil {
		t.Fatalf("the real refusal fails: %v", err)
	}
	r.Rcode = dns.RcodeSuccess
	wantViolation(t, checkAuth(w, out, r), "zone", "Rcode.OutOfZone")
}

func TestDNSSECOracle(t *testing.T) {
	w, s := authServer(t)
	q := new(dns.Msg)
	q.SetQuestion("mail.example.org.", dns.TypeA)
	q.SetEdns0(1232, true)
	r := answer(t, s, q)
	sigs := 0
	for _, rr := range r.Answer {
		if _, ok := rr.(*dns.RRSIG); ok {
			sigs++
		}
	}
	if sigs == 0 {
		t.Fatalf("the dnssec plugin signed nothing:\n%v", r)
	}
	if err := checkAuth(w, q, r); err != nil {
		t.Fatalf("the real signed reply fails: %v", err)
	}
	for _, rr := range r.Answer {
		if a, ok := rr.(*dns.A); ok {
			a.A = []byte{192, 0, 2, 26} // the signature no longer covers it
		}
	}
	wantViolation(t, checkAuth(w, q, r), "dnssec", "RRSIG.A")
}

func TestCacheOracle(t *testing.T) {
	rr := func(s string) dns.RR {
		r, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	msg := func(rcode int, rrs ...dns.RR) []byte {
		m := new(dns.Msg)
		m.SetQuestion("a.example.com.", dns.TypeA)
		m.Response, m.Rcode, m.Answer = true, rcode, rrs
		return mustPack(t, m)
	}
	first := msg(dns.RcodeSuccess, rr("a.example.com. 300 IN A 192.0.2.1"))
	if err := checkCache(first, msg(dns.RcodeSuccess, rr("a.example.com. 299 IN A 192.0.2.1"))); err != nil {
		t.Fatalf("a decremented TTL fails: %v", err)
	}
	wantViolation(t, checkCache(first, msg(dns.RcodeSuccess, rr("a.example.com. 301 IN A 192.0.2.1"))), "cache", "Ttl.A")
	wantViolation(t, checkCache(first, msg(dns.RcodeSuccess, rr("b.example.com. 300 IN A 192.0.2.1"))), "cache", "Answer.A")
	wantViolation(t, checkCache(first, msg(dns.RcodeNameError)), "cache", "Rcode")
}

func TestLeakOracle(t *testing.T) {
	g0 := goroutines()
	stop := make(chan struct{})
	for range leakSlack + 5 {
		go func() { <-stop }()
	}
	defer close(stop)
	if testing.Short() {
		t.Skip("waits leakWait (3s) for the goroutines to end")
	}
	start := time.Now()
	err := checkLeak(g0)
	wantViolation(t, err, "leak", "Goroutines")
	if time.Since(start) < leakWait {
		t.Fatalf("reported a leak after %v, before waiting %v", time.Since(start), leakWait)
	}
}

func TestCorefileConfinement(t *testing.T) {
	for _, c := range Configs {
		text := strings.ReplaceAll(c.Corefile, "{upstream}", "127.0.0.1:5300")
		if !safe([]byte(text)) {
			t.Errorf("configuration %s is refused", c.Name)
		}
	}
	refused := map[string]string{
		"default port 53":         ".:53 {\n whoami\n}\n",
		"no port":                 "example.org {\n errors\n}\n",
		"public forwarder":        ".:0 {\n forward . 8.8.8.8\n}\n",
		"public forwarder in TLS": ".:0 {\n forward . tls://1.1.1.1:853\n}\n",
		"resolv.conf forwarder":   ".:0 {\n forward . /etc/resolv.conf\n}\n",
		"non-loopback bind":       ".:0 {\n bind 0.0.0.0\n}\n",
		"import":                  ".:0 {\n import /etc/*\n}\n",
		"loop":                    ".:0 {\n loop\n}\n",
		"device as zone file":     ".:0 {\n file /dev/zero example.org\n}\n",
	}
	for name, text := range refused {
		if safe([]byte(text)) {
			t.Errorf("%s: %q is not refused", name, text)
		}
	}
	if !safe([]byte(".:0 {\n bind 127.0.0.1 ::1\n forward . 127.0.0.1:5300 [::1]:53 dns://127.0.0.2\n}\n")) {
		t.Error("loopback binds and forwarders are refused")
	}
}
