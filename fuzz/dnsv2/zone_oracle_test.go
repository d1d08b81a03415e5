package dnsv2fuzz

import (
	"errors"
	"strings"
	"testing"

	"codeberg.org/miekg/dns"
)

const plainZone = `$ORIGIN example.org.
$TTL 300
@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@ IN NS ns1
ns1 IN A 192.0.2.1
www IN AAAA 2001:db8::1
$GENERATE 1-3 host$ IN A 192.0.2.$
$INCLUDE sub.zone sub
;; @file sub.zone
@ IN TXT "included" "from memory"
`

func TestZonePlain(t *testing.T) {
	if err := Zone([]byte(plainZone)); err != nil {
		t.Fatalf("Zone on a plain zone = %v", err)
	}
	// $INCLUDE is served from the input: the included record is checked.
	swap(t, &reparse, func(s string) (dns.RR, error) {
		if strings.Contains(s, "included") {
			return nil, errors.New("no")
		}
		return dns.New(s)
	})
	wantViolation(t, Zone([]byte(plainZone)), "text", "New")
}

func TestZoneTextOracles(t *testing.T) {
	zone := []byte("www.example.org. 300 IN A 192.0.2.1\n")
	t.Run("New", func(t *testing.T) {
		swap(t, &reparse, func(string) (dns.RR, error) { return nil, errors.New("no") })
		wantViolation(t, Zone(zone), "text", "New")
	})
	t.Run("String", func(t *testing.T) {
		swap(t, &reparse, func(string) (dns.RR, error) { return dns.New("www.example.org. 301 IN A 192.0.2.1") })
		wantViolation(t, Zone(zone), "text", "String")
	})
	t.Run("Field", func(t *testing.T) {
		// A reparse that prints the same and keeps a raw 0x04 where the
		// parser keeps the escape "\\004": the same wire form, excused
		// by sameWire; without it, reported at the field.
		txt := []byte(`example.org. 300 IN TXT "a\004"` + "\n")
		swap(t, &reparse, func(s string) (dns.RR, error) {
			rr, err := dns.New(s)
			if err == nil {
				rr.(*dns.TXT).Txt[0] = "a\x04"
			}
			return rr, err
		})
		if err := Zone(txt); err != nil {
			t.Fatalf("two spellings of one TXT string = %v", err)
		}
		swap(t, &sameWire, func(a, b dns.RR) bool { return false })
		wantViolation(t, Zone(txt), "text", "RR.TXT.TXT.Txt[0]")
	})
}

func TestZoneWireOracles(t *testing.T) {
	zone := []byte("www.example.org. 300 IN A 192.0.2.1\n")
	swap(t, &pack, func(m *dns.Msg) error {
		if err := m.Pack(); err != nil {
			return err
		}
		m.Data[len(m.Data)-1]++ // the last octet of the address
		return nil
	})
	wantViolation(t, Zone(zone), "roundtrip", "RR.A.A.Addr.addr.lo")
}

func TestZoneCloneOracle(t *testing.T) {
	zone := []byte("www.example.org. 300 IN A 192.0.2.1\n")
	swap(t, &clone, func(rr dns.RR) dns.RR {
		c := rr.Clone()
		c.Header().TTL++
		return c
	})
	wantViolation(t, Zone(zone), "invariant", "RR.A.Hdr.TTL.Clone")
}

// Each known v2 bug of knownTextBugs with a zone that shows it: tolerated,
// and reported under strict.
func TestZoneKnownBugs(t *testing.T) {
	long := strings.Repeat("a", 70)
	for _, tc := range []struct {
		name, id, zone string
		oracle, field  string
	}{
		{"NSEC3HashLength", "fuzz-dnsv2.FuzzV2Zone/448e46668e80", "h9p7u7tr2u91d0v0ljs9l1gidnp90u3h.example.org. 3600 IN NSEC3 1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22B RRSIG", "roundtrip", "Unpack"},
		{"RFC3597", "fuzz-dnsv2.FuzzV2Zone/eddff09097fa", `example.org. 300 IN TYPE65280 \# 3 abcdef`, "text", "New"},
		{"TYPE0", "fuzz-dnsv2.FuzzV2Zone/871d77b7b151", "example.org. 300 IN EUI48 00-00-5e-00-53-2a", "text", "New"},
		{"MandatoryKey", "fuzz-dnsv2.FuzzV2Zone/9411d4c15087", "example.test. 300 IN SVCB 2 svc.example.test. mandatory=foo alpn=h2", "text", "len(RR.SVCB.SVCB.Value[0].MANDATORY.Key)"},
		{"OctetEscape", "fuzz-dnsv2.FuzzV2Zone/256af7d4ebd0", `example.org. 300 IN URI 10 1 "https://www\065example.org/"`, "text", "RR.URI.URI.Target"},
		{"RelativeLabel", "fuzz-dnsv2.FuzzV2Zone/06b21a56dc75", "$ORIGIN example.org.\n@ 3600 IN NS " + long, "text", "New"},
		{"SaltHex", "fuzz-dnsv2.FuzzV2Zone/f3490a3a5904", "example.org. 300 IN NSEC3 1 0 0 FCFBM\xb1\"\x81N 4tbd9h6e0te97nherfm23m3tokv9mr9j PTR", "text", "New"},
		{"HINFOLong", "fuzz-dnsv2.FuzzV2Zone/978a93d36101", `example.org. 3600 IN HINFO "p" "` + strings.Repeat("x", 250) + `\ ` + strings.Repeat("y", 20) + `"`, "text", "String"},
		{"ClassANY", "fuzz-dnsv2.FuzzV2Zone/871d77b7b151", "example.org. 3600 CLASS255 A 192.0.2.9", "text", "New"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			known := false
			for _, k := range knownTextBugs {
				known = known || k.id == tc.id
			}
			if !known {
				t.Fatalf("%s is not in knownTextBugs", tc.id)
			}
			if err := Zone([]byte(tc.zone + "\n")); err != nil {
				t.Fatalf("Zone with the known bug tolerated = %v", err)
			}
			swap(t, &strict, func() bool { return true })
			wantViolation(t, Zone([]byte(tc.zone+"\n")), tc.oracle, tc.field)
		})
	}
}

// The Equal and Compare oracles skip a record Pack refuses (knownCompareID),
// except under strict.
func TestKnownCompare(t *testing.T) {
	rr, err := dns.New("example.org. 3600 IN NS ns.example.org.")
	if err != nil {
		t.Fatal(err)
	}
	if !comparable(rr) {
		t.Fatalf("comparable(%s) = false", rr)
	}
	rr.(*dns.NS).Ns = "ns." + strings.Repeat("b", 70) + ".example."
	if comparable(rr) {
		t.Fatalf("comparable(%s) = true, want false (%s)", rr, knownCompareID)
	}
	swap(t, &strict, func() bool { return true })
	if !comparable(rr) {
		t.Fatalf("comparable(%s) = false under strict", rr)
	}
}
