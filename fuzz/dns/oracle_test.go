package dnsfuzz

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Each test here proves an oracle can fail: a real input that breaks it
// (with the known-bug filter off) or a deliberately wrong implementation
// injected in place of the one under test, and the assertion that the
// target reports a *harness.Violation with the right Oracle and Field.

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

// skipIfStrict skips tests of the known-bug filter when triage has turned
// every tolerance off (harness.Strict).
func skipIfStrict(t *testing.T) {
	if harness.Strict() {
		t.Skip("known-bug filter is off under " + harness.NoSuppressEnv)
	}
}

// withoutKnownBugs turns the known-bug filter off for one test.
func withoutKnownBugs(t *testing.T) {
	saved := knownBugs
	knownBugs = nil
	t.Cleanup(func() { knownBugs = saved })
}

func swap[T any](t *testing.T, p *T, v T) {
	saved := *p
	*p = v
	t.Cleanup(func() { *p = saved })
}

func pack(t *testing.T, m *dns.Msg) []byte {
	t.Helper()
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rawAnswer is a response with one answer of type typ and raw rdata.
func rawAnswer(typ uint16, rdata []byte) []byte {
	b := []byte{0x12, 0x34, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0}
	b = append(b, 0, byte(typ>>8), byte(typ), 0, 1, 0, 0, 0, 60, byte(len(rdata)>>8), byte(len(rdata)))
	return append(b, rdata...)
}

func TestWireKnownBugInputsViolateRoundTrip(t *testing.T) {
	skipIfStrict(t)
	soa := rawAnswer(dns.TypeSOA, nil)
	uri := rawAnswer(dns.TypeURI, []byte{0, 1, 0, 1, 'a', '\\', 'b'})
	for _, in := range [][]byte{soa, uri} {
		if err := Wire(in); err != nil {
			t.Fatalf("Wire with known bugs filtered = %v, want nil", err)
		}
	}
	withoutKnownBugs(t)
	wantViolation(t, Wire(soa), "roundtrip", "Unpack")
	wantViolation(t, Wire(uri), "roundtrip", "Msg.Answer[0].URI.Target")
}

func TestWireKnownBugEmptyAlpnIsNoDuplicate(t *testing.T) {
	skipIfStrict(t)
	// crashers/_incoming/FuzzWire/b59e3f58dc3d9ea4: alpn="h\255,,,".
	in := []byte("[\x85\x81\xa0\x00\x01\x00\x01\x00\x00\x00\x01\x04ldns\x04test\x00\x00A\x00\x01\xc0\f\x00A\x00\x01\x00\x00\x01,\x00)\x00\x01\x00\x00\x01\x00\x06\x02h\xff\x00\x00\x00\x00\x04\x00\x04\xc0\x00\x02\x01\x00\x06\x00\x10 \x01\r\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00)\x04\xd0\x00\x00\x00\x00\x00\x00")
	if err := Wire(in); err != nil {
		t.Fatalf("Wire with known bugs filtered = %v, want nil", err)
	}
	withoutKnownBugs(t)
	wantViolation(t, Wire(in), "invariant", "Msg.Answer[0].HTTPS.IsDuplicate")
}

func TestWireLenAndFixpointOracles(t *testing.T) {
	wantViolation(t, checkLen(10, make([]byte, 11)), "invariant", "Len")
	if err := checkLen(12, make([]byte, 11)); err != nil {
		t.Fatalf("an over-estimating Len is tolerated, got %v", err)
	}
	wantViolation(t, checkFixpoint([]byte{1, 2}, []byte{1, 3}), "roundtrip", "Pack")
}

func TestTextKnownBugInputsViolate(t *testing.T) {
	skipIfStrict(t)
	amt := []byte("example.org. 3600 IN AMTRELAY 10 1 1 203.0.113.15")
	nsec3 := []byte("h.example.org. 3600 IN NSEC3 1 1 12 AABBCCDD 2T7B4G4VSA5SMI4EEEEEEEE7K61MV5BV1A22BOJR A RRSIG")
	caa := []byte(`example.org. CAA  36"0 IN CAA 0 issue 888tsenc88rypt.o"gr`)
	hinfo := []byte(`example.org. 300 IN HINFO "x86" "` + strings.Repeat("a", 300) + `"`)
	sshfp := []byte("example.org. 300 IN SSHFP 1 1\"dd465c09\n")
	bareNSEC3 := []byte("w.example. NSEC3\n")
	for _, in := range [][]byte{amt, nsec3, hinfo, sshfp, bareNSEC3} {
		if err := RR(in); err != nil {
			t.Fatalf("RR(%q) with known bugs filtered = %v", in, err)
		}
	}
	if err := Zone(caa); err != nil {
		t.Fatalf("Zone with known bugs filtered = %v", err)
	}
	withoutKnownBugs(t)
	wantViolation(t, RR(amt), "roundtrip", "len(RR.AMTRELAY.GatewayAddr)")
	wantViolation(t, RR(nsec3), "roundtrip", "UnpackRR")
	wantViolation(t, RR(hinfo), "text", "String")
	wantViolation(t, RR(sshfp), "text", "String")
	wantViolation(t, RR(bareNSEC3), "text", "String")
	wantViolation(t, Zone(caa), "text", "NewRR")
}

func TestZoneIncludeNeverTouchesTheFileSystem(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside.zone")
	if err := os.WriteFile(outside, []byte("leak.example.org. 60 IN A 192.0.2.66\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	zone := "$INCLUDE " + outside + "\n$INCLUDE ../" + filepath.Base(dir) + "/outside.zone\n" +
		"$INCLUDE inner.zone\n;; @file inner.zone\ninner 60 IN A 192.0.2.7\n"
	var got []string
	if err := parseZone([]byte(zone), func(rr dns.RR) error { got = append(got, rr.Header().Name); return nil }); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(got, " ")
	if strings.Contains(joined, "leak.") {
		t.Fatalf("$INCLUDE read %s from disk: %v", outside, got)
	}
}

func TestZoneIncludeReadsTheInMemoryFiles(t *testing.T) {
	zone := "$INCLUDE inner.zone sub.example.org.\n;; @file inner.zone\ninner 60 IN A 192.0.2.7\n"
	var got []string
	_ = parseZone([]byte(zone), func(rr dns.RR) error { got = append(got, rr.Header().Name); return nil })
	if len(got) != 1 || got[0] != "inner.sub.example.org." {
		t.Fatalf("records = %v, want [inner.sub.example.org.] from the in-memory file", got)
	}
}

func TestStructuredOracles(t *testing.T) {
	skipIfStrict(t)
	m := new(dns.Msg).SetQuestion("example.org.", dns.TypeA)
	m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: "example.org.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(192, 0, 2, 1).To4()}}
	got := m.Copy()
	got.Answer[0].Header().Ttl++
	wantViolation(t, equalBuilt(m, got), "roundtrip", "Msg.Answer[0].A.Hdr.Ttl")

	long := strings.Repeat("a.", 128) // 257 octets: Pack writes it, Unpack refuses
	m.Answer[0].Header().Name = long
	wantViolation(t, structuredRoundTrip(m), "roundtrip", "Unpack")
	if stripped, found := stripKnown(m, fromMemory); !found || structuredRoundTrip(stripped) != nil {
		t.Fatalf("the long-name known bug is not stripped exactly")
	}
}

func signed(t *testing.T, secret string) []byte {
	t.Helper()
	m := new(dns.Msg).SetQuestion("example.org.", dns.TypeSOA)
	m.SetTsig("xfr-key.", dns.HmacSHA256, 300, 1700000000)
	b, _, err := dns.TsigGenerate(m, secret, "", false)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTSIGOracles(t *testing.T) {
	good := signed(t, tsigSecret)
	if err := TSIG(good); err != nil {
		t.Fatalf("TSIG(signed message) = %v", err)
	}
	// A verifier that accepts everything: the independent MAC check
	// catches the message signed with another key.
	swap(t, &tsigVerifier, func([]byte) error { return nil })
	other := signed(t, "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC0zMmJ5dGU=")
	wantViolation(t, TSIG(other), "differential", "MAC")
	// ... and a changed byte that still "verifies".
	wantViolation(t, TSIG(good), "tsig", "Verify")
	// A verifier that rejects everything: a fresh signature fails.
	tsigVerifier = func([]byte) error { return dns.ErrSig }
	wantViolation(t, TSIG(good), "tsig", "Verify")
}

// The TSIG variables carry the TSIG record's own TTL (RFC 8945 4.3.3): a
// record sent with TTL 2 is signed and verified over TTL 2, and a MAC over
// TTL 0 on a record carrying TTL 2 is wrong.
func TestTSIGOracleDigestsTheRecordTTL(t *testing.T) {
	// The input of crashers/fuzz-dns.FuzzTSIG/4a0774058c76, a false
	// positive of the oracle when it digested a constant TTL 0.
	ttl2 := []byte("\xf5\xaa(\x00\x00\x01\x00\x00\x00\x01\x00\x01\x07example\x04test\x00\x00\x06\x00\x01\x03tcp\xc0\x0c\x00\xff\x00\xff\x00\x00\x00\x00\x00\x00\x08dfz-tsig\x00\x00\xfa\x00\xff\x00\x00\x00\x02\x00=\x0bhmac-sha256\x00\x00\x00k\x0b\xed\xce\x01,\x00 \x7f\x99\x12XR\x8b\xa3_r79<^Ff\x89/\xb7\x82\xc4\xcd\xbek\x14z\x5c\xdf\xb5\x92\xceB$\xf5\xaa\x00\x00\x00\x00")
	if err := TSIG(ttl2); err != nil {
		t.Fatalf("TSIG(record with TTL 2) = %v", err)
	}
	// Signed over TTL 0, then the record's TTL changed to 2 on the wire:
	// only the independent check stands between it and an accept-all
	// verifier.
	good := signed(t, tsigSecret)
	start, _, ok := lastRROffset(good)
	if !ok {
		t.Fatal("no TSIG in the signed message")
	}
	end, _ := skipName(good, start)
	changed := append([]byte(nil), good...)
	changed[end+4+3] = 2 // TYPE, CLASS, then the TTL's last octet
	if ok, _ := tsigMACValid(good); !ok {
		t.Fatal("the independent check rejects a good signature")
	}
	if ok, _ := tsigMACValid(changed); ok {
		t.Fatal("the independent check accepts a MAC over TTL 0 on a record with TTL 2")
	}
	swap(t, &tsigVerifier, func([]byte) error { return nil })
	wantViolation(t, TSIG(changed), "differential", "MAC")
}

func TestDifferentialOracles(t *testing.T) {
	m := new(dns.Msg).SetQuestion("example.org.", dns.TypeA)
	m.Response = true
	m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: "example.org.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(192, 0, 2, 1).To4()}}
	data := pack(t, m)
	if err := Differential(data); err != nil {
		t.Fatalf("Differential = %v", err)
	}
	real := secondDecoder
	swap(t, &secondDecoder, func(b []byte) (dnsmessageMessage, error) {
		dm, err := real(b)
		if err == nil && len(dm.Answers) > 0 {
			dm.Answers[0].Header.TTL++
		}
		return dm, err
	})
	wantViolation(t, Differential(data), "differential", "Answer[0].Hdr.Ttl")
	secondDecoder = func(b []byte) (dnsmessageMessage, error) {
		dm, _ := real(b)
		return dm, errors.New("wrong implementation: rejects everything")
	}
	wantViolation(t, Differential(data), "differential", "Accept")
}

func TestNamesOracle(t *testing.T) {
	data := []byte("\x03www\x07example\x03org\x00\xc0\x00")
	if err := Names(data); err != nil {
		t.Fatalf("Names = %v", err)
	}
	swap(t, &nameDecoder, func(msg []byte, off int) ([]string, int, error) {
		labels, ptrs, err := decodeName(msg, off)
		return append(labels, "extra"), ptrs, err
	})
	err := Names(data)
	var v *harness.Violation
	if !errors.As(err, &v) || v.Oracle != "differential" || v.Field != "UnpackDomainName" {
		t.Fatalf("Names with a wrong decoder = %v, want differential at UnpackDomainName", err)
	}
}

func TestDNSSECOracles(t *testing.T) {
	seeds, err := harness.LoadCorpus("dns-structured")
	if err != nil {
		t.Fatal(err)
	}
	swap(t, &verifyRRSIG, func(*dns.RRSIG, *dns.DNSKEY, []dns.RR) error { return nil })
	wantViolation(t, DNSSEC(seeds[0].Data), "dnssec", "Verify")
	verifyRRSIG = func(*dns.RRSIG, *dns.DNSKEY, []dns.RR) error { return dns.ErrSig }
	for _, s := range seeds {
		if err := DNSSEC(s.Data); err != nil {
			wantViolation(t, err, "dnssec", "Sign")
			return
		}
	}
	t.Fatal("no dns-structured seed reaches sign-then-verify")
}

func bigResponse(t *testing.T, n int) []byte {
	m := new(dns.Msg).SetQuestion("big.example.org.", dns.TypeA)
	m.Response = true
	for i := 0; i < n; i++ {
		m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: "big.example.org.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(10, 0, 0, byte(i)).To4()})
	}
	return append(pack(t, m), 0, 0) // buffer size 512
}

func TestTruncateOracles(t *testing.T) {
	data := bigResponse(t, 60)
	if err := Truncate(data); err != nil {
		t.Fatalf("Truncate = %v", err)
	}
	swap(t, &truncateMsg, func(*dns.Msg, int) {})
	wantViolation(t, Truncate(data), "invariant", "Truncate.Len")
	truncateMsg = func(m *dns.Msg, _ int) { m.Answer = m.Answer[:1] }
	wantViolation(t, Truncate(data), "invariant", "Truncate.TC")
	truncateMsg = func(m *dns.Msg, _ int) { m.Answer[0] = m.Answer[1] }
	wantViolation(t, Truncate(data), "invariant", "Truncate.Prefix")
}

func TestCopyAliasingKnownBug(t *testing.T) {
	skipIfStrict(t)
	m := new(dns.Msg).SetQuestion("example.org.", dns.TypeA)
	m.SetEdns0(1232, false)
	m.IsEdns0().Option = []dns.EDNS0{&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.IPv4(198, 51, 100, 0).To4()}}
	data := pack(t, m)
	if err := Truncate(data); err != nil {
		t.Fatalf("Truncate with known bugs filtered = %v", err)
	}
	withoutKnownBugs(t)
	wantViolation(t, Truncate(data), "copy", "Aliasing")
}

func TestServerOracles(t *testing.T) {
	q := pack(t, new(dns.Msg).SetQuestion("web.example.org.", dns.TypeA))
	if err := Server(q); err != nil {
		t.Fatalf("Server = %v", err)
	}
	reply := func(w dns.ResponseWriter, r *dns.Msg) *dns.Msg { return new(dns.Msg).SetReply(r) }
	swap(t, &serverHandler, func(w dns.ResponseWriter, r *dns.Msg) { _ = w.WriteMsg(reply(w, r)); _ = w.WriteMsg(reply(w, r)) })
	wantViolation(t, Server(q), "invariant", "Reply.Count")
	serverHandler = func(dns.ResponseWriter, *dns.Msg) {}
	wantViolation(t, Server(q), "invariant", "Reply")
	serverHandler = func(w dns.ResponseWriter, r *dns.Msg) { m := reply(w, r); m.Id++; _ = w.WriteMsg(m) }
	wantViolation(t, Server(q), "invariant", "Reply")
	serverHandler = func(w dns.ResponseWriter, r *dns.Msg) {
		m := reply(w, r)
		for i := 0; i < 60; i++ {
			m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: "web.example.org.", Rrtype: dns.TypeA, Class: dns.ClassINET}, A: net.IPv4(10, 0, 0, byte(i)).To4()})
		}
		_ = w.WriteMsg(m) // not truncated to the client's 512 bytes
	}
	wantViolation(t, Server(q), "invariant", "Reply.Len")
}

func TestTextStringOracles(t *testing.T) {
	in := []byte("example.org. 3600 IN MX 10 mail.example.org.")
	if err := RR(in); err != nil {
		t.Fatalf("RR = %v", err)
	}
	swap(t, &reparseRR, func(s string) (dns.RR, error) { return dns.NewRR(strings.Replace(s, "10", "20", 1)) })
	wantViolation(t, RR(in), "text", "String")
	reparseRR = func(string) (dns.RR, error) { return nil, errors.New("wrong implementation: parses nothing") }
	wantViolation(t, RR(in), "text", "NewRR")
}

func TestCopyEqualityOracle(t *testing.T) {
	data := bigResponse(t, 3)
	swap(t, &copyMsg, func(m *dns.Msg) *dns.Msg {
		c := m.Copy()
		c.Answer[1].Header().Ttl++
		return c
	})
	wantViolation(t, Truncate(data), "copy", "Msg.Answer[1].A.Hdr.Ttl")
	copyMsg = func(m *dns.Msg) *dns.Msg { c := *m; return &c } // shallow
	wantViolation(t, Truncate(data), "copy", "Aliasing")
}

func TestKnownBugFilterLeavesOrdinaryRecords(t *testing.T) {
	skipIfStrict(t)
	for _, l := range []string{"example.org. 60 IN MX 10 mail.example.org.", "example.org. 60 IN SOA ns. mbox. 1 2 3 4 5", `example.org. 60 IN TXT "x"`} {
		rr, err := dns.NewRR(l)
		if err != nil {
			t.Fatal(err)
		}
		// Built and parsed records carry RDLENGTH 0; only an unpacked
		// record's RDLENGTH 0 is the short-rdata trigger.
		if _, found := stripKnown(&dns.Msg{Answer: []dns.RR{rr}}, fromMemory); found {
			t.Fatalf("known-bug filter strips the ordinary parsed record %q", l)
		}
	}
}

func TestWireDuplicateOracle(t *testing.T) {
	data := bigResponse(t, 2)
	if err := Wire(data); err != nil {
		t.Fatalf("Wire = %v", err)
	}
	swap(t, &isDuplicate, func(a, b dns.RR) bool { return false })
	wantViolation(t, Wire(data), "invariant", "Msg.Answer[0].A.IsDuplicate")
}

// Bits past a prefix are a normal form, not a change of value: RFC 7871
// section 6 has Pack clear a client subnet's bits past SOURCE
// PREFIX-LENGTH, and RFC 3123 gives APL bits past PREFIX no meaning. The
// comparison still catches a change inside the prefix.
func TestWireRoundTripMasksBitsPastThePrefix(t *testing.T) {
	withoutKnownBugs(t)
	// The inputs of crashers/fuzz-dns.FuzzWire/32b4d7955e35 (a client
	// subnet 2001:db8::/0 with address bytes set) and .../dde3aff11457
	// (APL 1:192.168.30.0/21), false positives of the oracle before.
	subnet := []byte("\xbd\xf5\x01 \x00\x010\x00#\x00\x00\x01\x03www\x05nsec3\x04test\x00\x00\x1c\x00\x01\x00\x00)\x04\xd0\x00\x00\x00\x00\x00\x1a\x00\x08\x00\x0a\x00\x02\x00\x00 \x01\x0d\xb8\x00\x00\x00\x0a\x00\x08\xaa\x0c%\xc8\xd0\xe7\xe8\xdc")
	apl := []byte("\x107\x85\x00\x00\x01\x00\x01\x00\x00\x00\x00\x07example\x03org\x00\x00*\x00\x01\xc0\x0c\x00*\x00\x01\x00\x00\x0e\x10\x00\x16\x00\x01\x15\x03\xc0\xa8\x1e\x00\x01\x1c\x83\xc0\xa8&\x00\x02 \x04 \x01\x0d\xb8")
	for _, in := range [][]byte{subnet, apl} {
		if err := Wire(in); err != nil {
			t.Fatalf("Wire(%x) = %v", in, err)
		}
	}

	ecs := func(addr net.IP) *dns.Msg {
		m := new(dns.Msg).SetQuestion("example.org.", dns.TypeA)
		m.Id = 1
		m.SetEdns0(1232, false)
		m.IsEdns0().Option = []dns.EDNS0{&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: addr.To16()}}
		return m
	}
	if err := equalMsg("roundtrip", ecs(net.IPv4(198, 51, 100, 7)), ecs(net.IPv4(198, 51, 100, 0))); err != nil {
		t.Fatalf("host bits of a client subnet are compared: %v", err)
	}
	wantViolation(t, equalMsg("roundtrip", ecs(net.IPv4(198, 51, 100, 7)), ecs(net.IPv4(198, 51, 101, 0))), "roundtrip", "Msg.Extra[0].OPT.Option[0].EDNS0_SUBNET.Address[14]")

	aplMsg := func(ip net.IP, prefix int) *dns.Msg {
		return &dns.Msg{Answer: []dns.RR{&dns.APL{Hdr: dns.RR_Header{Name: "example.org.", Rrtype: dns.TypeAPL, Class: dns.ClassINET},
			Prefixes: []dns.APLPrefix{{Network: net.IPNet{IP: ip.To4(), Mask: net.CIDRMask(prefix, 32)}}}}}}
	}
	if err := equalMsg("roundtrip", aplMsg(net.IPv4(192, 168, 30, 0), 21), aplMsg(net.IPv4(192, 168, 24, 0), 21)); err != nil {
		t.Fatalf("APL bits past the prefix are compared: %v", err)
	}
	wantViolation(t, equalMsg("roundtrip", aplMsg(net.IPv4(192, 168, 30, 0), 21), aplMsg(net.IPv4(192, 168, 16, 0), 21)), "roundtrip", "Msg.Answer[0].APL.Prefixes[0].Network.IP[2]")
	wantViolation(t, equalMsg("roundtrip", aplMsg(net.IPv4(192, 168, 24, 0), 21), aplMsg(net.IPv4(192, 168, 24, 0), 22)), "roundtrip", "Msg.Answer[0].APL.Prefixes[0].Network.Mask[2]")
}

func TestWireDedupOracle(t *testing.T) {
	// Three answers: two duplicates (TTL 60 and 30, names in different
	// case) and one distinct record.
	m := new(dns.Msg).SetQuestion("example.org.", dns.TypeA)
	a := func(name string, ttl uint32, last byte) dns.RR {
		return &dns.A{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: ttl}, A: net.IPv4(192, 0, 2, last).To4()}
	}
	m.Answer = []dns.RR{a("example.org.", 60, 1), a("EXAMPLE.org.", 30, 1), a("example.org.", 60, 2)}
	data := pack(t, m)
	if err := Wire(data); err != nil {
		t.Fatalf("Wire = %v", err)
	}
	swap(t, &dedup, func(rrs []dns.RR, _ map[string]dns.RR) []dns.RR { return rrs })
	wantViolation(t, Wire(data), "invariant", "Msg.Answer.A.Dedup")
	dedup = func(rrs []dns.RR, _ map[string]dns.RR) []dns.RR { return rrs[1:2] }
	wantViolation(t, Wire(data), "invariant", "Msg.Answer[2].A.Dedup")
	dedup = func(rrs []dns.RR, _ map[string]dns.RR) []dns.RR { return []dns.RR{rrs[0], rrs[2]} } // TTL 60 kept
	wantViolation(t, Wire(data), "invariant", "Msg.Answer[1].A.Dedup.Ttl")
	dedup = func(rrs []dns.RR, _ map[string]dns.RR) []dns.RR { return []dns.RR{rrs[2], rrs[1]} } // reordered
	wantViolation(t, Wire(data), "invariant", "Msg.Answer.Dedup")
	dedup = func(rrs []dns.RR, _ map[string]dns.RR) []dns.RR { return []dns.RR{dns.Copy(rrs[1]), rrs[2]} } // not the input's
	wantViolation(t, Wire(data), "invariant", "Msg.Answer.Dedup")

	// A section of one record still goes through Dedup: its stored panic
	// (crashers/fuzz-dns.FuzzWire/6af70778b5f0) is a single OPT record.
	calls := 0
	dedup = func(rrs []dns.RR, m map[string]dns.RR) []dns.RR { calls++; return dns.Dedup(rrs, m) }
	m.Answer = m.Answer[:1]
	if err := Wire(pack(t, m)); err != nil || calls != 1 {
		t.Fatalf("Wire of one answer = %v with %d Dedup calls, want nil and 1", err, calls)
	}
}

// D8 covers a pointer in rdata to a name that runs past the record
// (fuzz-dns.FuzzDifferential/56e6e06dded7: the name at offset 45 is the
// record's own RDLENGTH octet, its pointer, and the octet after the
// record), and only that: a pointer to a prior, complete name that
// miekg/dns rejected would still be a disagreement.
func TestDifferentialD8PointerToANameRunningPastTheRecord(t *testing.T) {
	crash := []byte("\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x01\x03\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xc0\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x02\xc0\x2d\x00")
	if err := Differential(crash); err != nil {
		t.Fatalf("Differential(56e6e06dded7) = %v, want D8", err)
	}
	// The same record with its pointer at the question name (offset 12),
	// which ends at 30, before the record: a real prior occurrence.
	prior := append([]byte(nil), crash[:48]...)
	prior[47] = 12
	var mm dns.Msg
	if err := mm.Unpack(prior); err != nil {
		t.Fatalf("miekg/dns rejects a pointer to the question name: %v", err)
	}
	dm, err := secondDecoder(prior)
	if err != nil {
		t.Fatalf("dnsmessage rejects a pointer to the question name: %v", err)
	}
	wantViolation(t, compareTwo(prior, &mm, errors.New("a wrong rejection"), &dm, nil), "differential", "Accept")
	if nameReadsPast(prior, 12, len(prior)) || !nameReadsPast(crash, 45, 48) || !nameReadsPast(crash, 48, 48) {
		t.Fatal("nameReadsPast misjudges the question name or the crash's name")
	}
}

// The tolerance of findings/miekg-dns-svcb-mandatory-order applies outside
// strict mode only, and only to a mandatory list out of order: in strict
// mode its reproducer still fails, and a sorted list is still compared.
func TestDifferentialMandatoryOrderKnownBug(t *testing.T) {
	crash := []byte("\x00\x00\x00\x00\x00\x01\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00@\x00\x00\x00\x00\x00\x00\x00)\x00\x00\x03\x00\x00\x00\a\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x17\x00\x00\x00\x01\x00\x03\x02\x00\x00\x00\x03\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	swap(t, &mandatoryStrict, func() bool { return false })
	if err := Differential(crash); err != nil {
		t.Fatalf("Differential(7f6ea0926215) = %v, want the known bug tolerated", err)
	}
	swap(t, &mandatoryStrict, func() bool { return true })
	wantViolation(t, Differential(crash), "differential", "Answer[0].SVCB[2]")
	sorted := append([]byte(nil), crash...)
	i := bytes.Index(sorted, []byte{0, 0, 0, 4, 0, 0x17, 0, 0}) // mandatory: keys 23, 0
	copy(sorted[i+4:], []byte{0, 0, 0, 0x17})                   // keys 0, 23: in order
	var mm dns.Msg
	if err := mm.Unpack(sorted); err != nil || mandatoryUnsorted(&mm) {
		t.Fatalf("a sorted mandatory list: %v, tolerated %v", err, mandatoryUnsorted(&mm))
	}
}
