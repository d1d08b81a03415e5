package dnsfuzz

import (
	"net"

	"github.com/miekg/dns"
)

// rrBuilders build one record each from the input; structured picks one by
// an input byte. Values are built in the form Unpack produces where the
// type allows a choice (upper-case hex, masked client-subnet addresses,
// sorted bitmaps and SVCB keys), so the comparison needs few tolerances.
var rrBuilders = []func(s src, owner string) dns.RR{
	func(s src, o string) dns.RR { return &dns.A{Hdr: s.hdr(o, dns.TypeA), A: s.ip4()} },
	func(s src, o string) dns.RR { return &dns.AAAA{Hdr: s.hdr(o, dns.TypeAAAA), AAAA: s.ip6()} },
	func(s src, o string) dns.RR { return &dns.NS{Hdr: s.hdr(o, dns.TypeNS), Ns: s.name()} },
	func(s src, o string) dns.RR { return &dns.CNAME{Hdr: s.hdr(o, dns.TypeCNAME), Target: s.name()} },
	func(s src, o string) dns.RR { return &dns.PTR{Hdr: s.hdr(o, dns.TypePTR), Ptr: s.name()} },
	func(s src, o string) dns.RR { return &dns.DNAME{Hdr: s.hdr(o, dns.TypeDNAME), Target: s.name()} },
	func(s src, o string) dns.RR {
		return &dns.MX{Hdr: s.hdr(o, dns.TypeMX), Preference: s.u16(), Mx: s.name()}
	},
	func(s src, o string) dns.RR {
		rr := &dns.TXT{Hdr: s.hdr(o, dns.TypeTXT)}
		for i, n := 0, 1+s.n(4); i < n; i++ {
			rr.Txt = append(rr.Txt, s.cstring(255))
		}
		return rr
	},
	func(s src, o string) dns.RR {
		return &dns.SRV{Hdr: s.hdr(o, dns.TypeSRV), Priority: s.u16(), Weight: s.u16(), Port: s.u16(), Target: s.name()}
	},
	func(s src, o string) dns.RR {
		return &dns.SOA{Hdr: s.hdr(o, dns.TypeSOA), Ns: s.name(), Mbox: s.name(), Serial: s.u32(), Refresh: s.u32(), Retry: s.u32(), Expire: s.u32(), Minttl: s.u32()}
	},
	func(s src, o string) dns.RR {
		return &dns.HINFO{Hdr: s.hdr(o, dns.TypeHINFO), Cpu: s.cstring(40), Os: s.cstring(40)}
	},
	func(s src, o string) dns.RR {
		return &dns.NAPTR{Hdr: s.hdr(o, dns.TypeNAPTR), Order: s.u16(), Preference: s.u16(), Flags: s.cstring(4), Service: s.cstring(20), Regexp: s.cstring(40), Replacement: s.name()}
	},
	func(s src, o string) dns.RR {
		return &dns.CAA{Hdr: s.hdr(o, dns.TypeCAA), Flag: s.u8(), Tag: []string{"issue", "issuewild", "iodef", "tbs"}[s.n(4)], Value: string(s.bytes(60))}
	},
	func(s src, o string) dns.RR {
		return &dns.URI{Hdr: s.hdr(o, dns.TypeURI), Priority: s.u16(), Weight: s.u16(), Target: string(s.bytes(60))}
	},
	func(s src, o string) dns.RR {
		return &dns.DS{Hdr: s.hdr(o, dns.TypeDS), KeyTag: s.u16(), Algorithm: s.u8(), DigestType: s.u8(), Digest: s.hex(48)}
	},
	func(s src, o string) dns.RR {
		return &dns.DNSKEY{Hdr: s.hdr(o, dns.TypeDNSKEY), Flags: s.u16(), Protocol: 3, Algorithm: s.u8(), PublicKey: s.b64(64)}
	},
	func(s src, o string) dns.RR {
		return &dns.RRSIG{Hdr: s.hdr(o, dns.TypeRRSIG), TypeCovered: s.u16(), Algorithm: s.u8(), Labels: s.u8(), OrigTtl: s.u32(), Expiration: s.u32(), Inception: s.u32(), KeyTag: s.u16(), SignerName: s.name(), Signature: s.b64(96)}
	},
	func(s src, o string) dns.RR {
		return &dns.NSEC{Hdr: s.hdr(o, dns.TypeNSEC), NextDomain: s.name(), TypeBitMap: s.bitmap()}
	},
	func(s src, o string) dns.RR {
		salt, next := s.hex(16), s.fixed(20)
		return &dns.NSEC3{Hdr: s.hdr(o, dns.TypeNSEC3), Hash: s.u8(), Flags: s.u8(), Iterations: s.u16(),
			SaltLength: uint8(len(salt) / 2), Salt: salt, HashLength: 20, NextDomain: b32hex(next), TypeBitMap: s.bitmap()}
	},
	func(s src, o string) dns.RR {
		salt := s.hex(16)
		return &dns.NSEC3PARAM{Hdr: s.hdr(o, dns.TypeNSEC3PARAM), Hash: s.u8(), Flags: s.u8(), Iterations: s.u16(), SaltLength: uint8(len(salt) / 2), Salt: salt}
	},
	func(s src, o string) dns.RR {
		return &dns.TLSA{Hdr: s.hdr(o, dns.TypeTLSA), Usage: s.u8(), Selector: s.u8(), MatchingType: s.u8(), Certificate: s.hex(64)}
	},
	func(s src, o string) dns.RR {
		return &dns.SSHFP{Hdr: s.hdr(o, dns.TypeSSHFP), Algorithm: s.u8(), Type: s.u8(), FingerPrint: s.hex(32)}
	},
	func(s src, o string) dns.RR {
		return &dns.SVCB{Hdr: s.hdr(o, dns.TypeSVCB), Priority: s.u16(), Target: s.name(), Value: s.svcb()}
	},
	func(s src, o string) dns.RR {
		return &dns.HTTPS{SVCB: dns.SVCB{Hdr: s.hdr(o, dns.TypeHTTPS), Priority: s.u16(), Target: s.name(), Value: s.svcb()}}
	},
	func(s src, o string) dns.RR {
		return &dns.LOC{Hdr: s.hdr(o, dns.TypeLOC), Version: 0, Size: s.u8(), HorizPre: s.u8(), VertPre: s.u8(), Latitude: s.u32(), Longitude: s.u32(), Altitude: s.u32()}
	},
	func(s src, o string) dns.RR {
		rr := &dns.IPSECKEY{Hdr: s.hdr(o, dns.TypeIPSECKEY), Precedence: s.u8(), GatewayType: uint8(s.n(4)), Algorithm: s.u8(), PublicKey: s.b64(40)}
		switch rr.GatewayType {
		case dns.IPSECGatewayIPv4:
			rr.GatewayAddr = s.ip4()
		case dns.IPSECGatewayIPv6:
			rr.GatewayAddr = s.ip6()
		case dns.IPSECGatewayHost:
			rr.GatewayHost = s.name()
		}
		return rr
	},
	func(s src, o string) dns.RR {
		return &dns.CERT{Hdr: s.hdr(o, dns.TypeCERT), Type: s.u16(), KeyTag: s.u16(), Algorithm: s.u8(), Certificate: s.b64(64)}
	},
	func(s src, o string) dns.RR {
		return &dns.ZONEMD{Hdr: s.hdr(o, dns.TypeZONEMD), Serial: s.u32(), Scheme: s.u8(), Hash: s.u8(), Digest: s.hex(48)}
	},
	func(s src, o string) dns.RR {
		return &dns.CSYNC{Hdr: s.hdr(o, dns.TypeCSYNC), Serial: s.u32(), Flags: s.u16(), TypeBitMap: s.bitmap()}
	},
	func(s src, o string) dns.RR {
		return &dns.OPENPGPKEY{Hdr: s.hdr(o, dns.TypeOPENPGPKEY), PublicKey: s.b64(64)}
	},
	func(s src, o string) dns.RR {
		return &dns.L32{Hdr: s.hdr(o, dns.TypeL32), Preference: s.u16(), Locator32: s.ip4()}
	},
	func(s src, o string) dns.RR {
		return &dns.EUI48{Hdr: s.hdr(o, dns.TypeEUI48), Address: uint64(s.u32())<<16 | uint64(s.u16())}
	},
	func(s src, o string) dns.RR {
		return &dns.RP{Hdr: s.hdr(o, dns.TypeRP), Mbox: s.name(), Txt: s.name()}
	},
	func(s src, o string) dns.RR {
		return &dns.KX{Hdr: s.hdr(o, dns.TypeKX), Preference: s.u16(), Exchanger: s.name()}
	},
	func(s src, o string) dns.RR {
		t := 0xff00 | uint16(s.u8()) // private-use types: unknown to miekg/dns
		return &dns.RFC3597{Hdr: s.hdr(o, t), Rdata: s.hex(40)}
	},
}

func (s src) svcb() []dns.SVCBKeyValue {
	var out []dns.SVCBKeyValue
	have := map[dns.SVCBKey]bool{}
	for i, n := 0, s.n(6); i < n; i++ {
		var kv dns.SVCBKeyValue
		switch s.n(10) {
		case 0:
			kv = &dns.SVCBMandatory{Code: []dns.SVCBKey{dns.SVCB_ALPN}}
		case 1:
			kv = &dns.SVCBAlpn{Alpn: []string{"h2", string(s.bytes(8))}}
		case 2:
			kv = &dns.SVCBNoDefaultAlpn{}
		case 3:
			kv = &dns.SVCBPort{Port: s.u16()}
		case 4:
			kv = &dns.SVCBIPv4Hint{Hint: []net.IP{s.ip4(), s.ip4()}}
		case 5:
			kv = &dns.SVCBECHConfig{ECH: s.bytes(40)}
		case 6:
			kv = &dns.SVCBIPv6Hint{Hint: []net.IP{s.ip6()}}
		case 7:
			kv = &dns.SVCBDoHPath{Template: "/dns-query{?dns}" + string(s.bytes(8))}
		case 8:
			kv = &dns.SVCBOhttp{}
		default:
			kv = &dns.SVCBLocal{KeyCode: dns.SVCBKey(65000 + uint16(s.u8())), Data: s.bytes(16)}
		}
		if !have[kv.Key()] {
			have[kv.Key()] = true
			out = append(out, kv)
		}
	}
	sortSVCB(out)
	return out
}
