package dnsfuzz

import (
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"time"

	fuzz "github.com/AdaLogics/go-fuzz-headers"
	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// tsigSecret is the fixed HMAC key of the TSIG oracles (base64).
const tsigSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYnk="

// Structured builds a message from data with go-fuzz-headers (header,
// questions, records of 35 types, an OPT with every EDNS0 option kind,
// SVCB/HTTPS parameters, NSEC/NSEC3/CSYNC bitmaps, long and compressible
// names, optionally a TSIG) and checks, with and without compression:
//
//   - roundtrip: Pack -> Unpack gives the built message back, compared per
//     record in the text normal form (normalText: the builder writes
//     presentation strings, Unpack writes its canonical spelling);
//   - roundtrip at "Pack": the unpacked message packs to the same bytes;
//   - invariant at "Len": Msg.Len is not below the packed length;
//   - tsig: a message signed with TsigGenerate verifies with TsigVerify,
//     and does not verify once a byte it covers is changed.
//
// Records and questions that trigger a known miekg/dns bug are removed
// before checking (see knownBugs). A built message Pack refuses (a name over 255 octets, a value out of
// range) checks nothing: refusing is the right answer.
func Structured(data []byte) error {
	s := src{fuzz.NewConsumer(data)}
	m, signed := buildMsg(s)
	// The builder can produce every known bug's trigger; strip them up
	// front so the TSIG checks below do not trip over them either.
	if stripped, found := stripKnown(m, fromMemory); found {
		m = stripped
		if signed && m.IsTsig() == nil {
			signed = false
		}
	}
	for _, compress := range []bool{false, true} {
		m.Compress = compress
		if err := structuredRoundTrip(m); err != nil {
			return fmt.Errorf("compress=%v: %w", compress, err)
		}
	}
	if signed {
		return tsigRoundTrip(m, int(s.u16()))
	}
	return nil
}

func buildMsg(s src) (*dns.Msg, bool) {
	m := new(dns.Msg)
	m.Id = s.u16()
	flags := s.u8()
	m.Response, m.Authoritative, m.Truncated = flags&1 != 0, flags&2 != 0, flags&4 != 0
	m.RecursionDesired, m.RecursionAvailable = flags&8 != 0, flags&16 != 0
	m.AuthenticatedData, m.CheckingDisabled = flags&32 != 0, flags&64 != 0
	m.Opcode = int(s.u8() % 16)
	m.Rcode = int(s.u8() % 16)
	for i, n := 0, s.n(3); i < n; i++ {
		m.Question = append(m.Question, dns.Question{Name: s.name(), Qtype: s.u16(), Qclass: dns.ClassINET})
	}
	owner := s.name()
	for _, sec := range []*[]dns.RR{&m.Answer, &m.Ns, &m.Extra} {
		for i, n := 0, s.n(6); i < n; i++ {
			if s.bool() {
				owner = s.name() // else share the previous owner: compression
			}
			*sec = append(*sec, rrBuilders[s.n(len(rrBuilders))](s, owner))
		}
	}
	if s.bool() {
		opt := buildOPT(s)
		m.Extra = append(m.Extra, opt)
		m.Rcode |= int(s.u8()) << 4 // extended rcode, carried by the OPT
	}
	signed := s.bool()
	if signed {
		algs := []string{dns.HmacSHA1, dns.HmacSHA224, dns.HmacSHA256, dns.HmacSHA384, dns.HmacSHA512}
		m.SetTsig("key."+nameSuffixes[s.n(len(nameSuffixes)-1)], algs[s.n(len(algs))], 300, time.Now().Unix())
	}
	return m, signed
}

func buildOPT(s src) *dns.OPT {
	opt := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
	opt.SetUDPSize(s.u16())
	opt.SetDo(s.bool())
	opt.SetVersion(s.u8() % 2)
	opt.SetZ(s.u16() & 0x3fff)
	for i, n := 0, s.n(6); i < n; i++ {
		opt.Option = append(opt.Option, buildOption(s))
	}
	return opt
}

func buildOption(s src) dns.EDNS0 {
	switch s.n(16) {
	case 0:
		return &dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: hex.EncodeToString(s.bytes(16))}
	case 1:
		fam, bits := uint16(1), 32
		addr := s.ip4()
		if s.bool() {
			fam, bits, addr = 2, 128, s.ip6()
		}
		mask := s.n(bits + 1)
		masked := addr.Mask(net.CIDRMask(mask, bits))
		return &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: fam, SourceNetmask: uint8(mask), SourceScope: uint8(s.n(bits + 1)), Address: masked}
	case 2:
		return &dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: hex.EncodeToString(s.fixed(8 + s.n(33)))}
	case 3:
		return &dns.EDNS0_UL{Code: dns.EDNS0UL, Lease: s.u32(), KeyLease: s.u32()}
	case 4:
		return &dns.EDNS0_LLQ{Code: dns.EDNS0LLQ, Version: s.u16(), Opcode: s.u16(), Error: s.u16(), Id: uint64(s.u32())<<32 | uint64(s.u32()), LeaseLife: s.u32()}
	case 5:
		return &dns.EDNS0_DAU{Code: dns.EDNS0DAU, AlgCode: s.bytes(8)}
	case 6:
		return &dns.EDNS0_DHU{Code: dns.EDNS0DHU, AlgCode: s.bytes(8)}
	case 7:
		return &dns.EDNS0_N3U{Code: dns.EDNS0N3U, AlgCode: s.bytes(8)}
	case 8:
		return &dns.EDNS0_EXPIRE{Code: dns.EDNS0EXPIRE, Expire: s.u32()}
	case 9:
		return &dns.EDNS0_TCP_KEEPALIVE{Code: dns.EDNS0TCPKEEPALIVE, Timeout: s.u16()}
	case 10:
		return &dns.EDNS0_PADDING{Padding: make([]byte, s.n(64))}
	case 11:
		return &dns.EDNS0_EDE{InfoCode: s.u16(), ExtraText: string(s.bytes(30))}
	case 12:
		return &dns.EDNS0_ESU{Code: dns.EDNS0ESU, Uri: string(s.bytes(30))}
	case 13:
		return &dns.EDNS0_REPORTING{Code: dns.EDNS0REPORTING, AgentDomain: s.name()}
	case 14:
		return &dns.EDNS0_ZONEVERSION{Code: dns.EDNS0ZONEVERSION, LabelCount: s.u8(), Type: 0, Version: hex.EncodeToString(s.bytes(8))}
	default:
		return &dns.EDNS0_LOCAL{Code: dns.EDNS0LOCALSTART + uint16(s.n(16)), Data: s.bytes(20)}
	}
}

func b32hex(b []byte) string {
	return strings.ToUpper(base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func structuredRoundTrip(m *dns.Msg) error {
	w1, err := m.Pack()
	if err != nil {
		return nil
	}
	if err := checkLen(m.Len(), w1); err != nil {
		return err
	}
	var m2 dns.Msg
	if err := m2.Unpack(w1); err != nil {
		return harness.Violated("roundtrip", "Unpack", "packed message does not unpack: %v\n%s", err, m)
	}
	touchMsg(&m2)
	if err := equalBuilt(m, &m2); err != nil {
		return err
	}
	m2.Compress = m.Compress
	w2, err := m2.Pack()
	if err != nil {
		return harness.Violated("roundtrip", "Pack", "unpacked message does not pack: %v", err)
	}
	return checkFixpoint(w1, w2)
}

// equalBuilt compares a built message with its unpacked copy: header and
// questions exactly, records in the text normal form (see normalText).
func equalBuilt(built, got *dns.Msg) error {
	if path, detail, ok := firstDiff("Msg.MsgHdr", built.MsgHdr, got.MsgHdr); !ok {
		return harness.Violated("roundtrip", path, "%s", detail)
	}
	if path, detail, ok := firstDiff("Msg.Question", normalQuestions(built.Question), normalQuestions(got.Question)); !ok {
		return harness.Violated("roundtrip", path, "%s", detail)
	}
	for _, sec := range []struct {
		name string
		a, b []dns.RR
	}{{"Answer", built.Answer, got.Answer}, {"Ns", built.Ns, got.Ns}, {"Extra", built.Extra, got.Extra}} {
		if len(sec.a) != len(sec.b) {
			return harness.Violated("roundtrip", "len(Msg."+sec.name+")", "%d != %d", len(sec.a), len(sec.b))
		}
		for i := range sec.a {
			prefix := rrPath(fmt.Sprintf("Msg.%s[%d]", sec.name, i), sec.a[i])
			if path, detail, ok := firstDiff(prefix, normalText(sec.a[i]), normalText(sec.b[i])); !ok {
				return harness.Violated("roundtrip", path, "%s", detail)
			}
		}
	}
	return nil
}

func normalQuestions(qs []dns.Question) []dns.Question {
	out := make([]dns.Question, len(qs))
	for i, q := range qs {
		q.Name = canonicalName(q.Name)
		out[i] = q
	}
	return out
}
