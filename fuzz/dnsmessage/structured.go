package dnsmessagefuzz

import (
	"errors"
	"fmt"
	"strings"

	fuzz "github.com/AdaLogics/go-fuzz-headers"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Structured drives dnsmessage's Builder with a sequence of calls that
// go-fuzz-headers reads from data: section starts in any order, questions
// and records of every type it supports (A, NS, CNAME, SOA, PTR, MX, TXT,
// AAAA, SRV, SVCB, HTTPS, OPT, and unknown types), with names from a small
// pool (so compression has suffixes to find), fuzzed labels, over-long and
// non-canonical names, over-long TXT strings and out-of-order SVCB keys,
// with or without compression. A model of the Builder follows along, and
// the checks are:
//
//   - the state machine (oracle "invariant" at "State"): each call fails
//     with ErrNotStarted or ErrSectionDone exactly when the model says the
//     section is not reached yet or already passed;
//   - content errors (oracle "invariant" at "Error"): a record or question
//     fails exactly when it fails on its own in a fresh Builder;
//   - roundtrip: the finished message unpacks to exactly the questions and
//     records whose calls succeeded, in order: a failed call leaves nothing
//     behind, not even a compression target.
func Structured(data []byte) error {
	s := src{fuzz.NewConsumer(data)}
	h := dnsmessage.Header{ID: s.u16(), Response: s.bool(), OpCode: dnsmessage.OpCode(s.u8() & 0xf), Authoritative: s.bool(),
		Truncated: s.bool(), RecursionDesired: s.bool(), RecursionAvailable: s.bool(), AuthenticData: s.bool(), CheckingDisabled: s.bool(),
		RCode: dnsmessage.RCode(s.u8() & 0xf)}
	compress := s.bool()
	b := dnsmessage.NewBuilder(nil, h)
	if compress {
		b.EnableCompression()
	}
	want := dnsmessage.Message{Header: h}
	failed := false // an add failed on its content
	cur := 1        // the model's section: 1 header, 2 questions, 3-5 answers..additionals
	for i, ops := 0, 1+s.n(24); i < ops; i++ {
		op := s.n(7)
		field := fmt.Sprintf("Op[%d]", i)
		switch {
		case op < 4: // StartQuestions, StartAnswers, StartAuthorities, StartAdditionals
			sec := op + 2
			err := []func() error{b.StartQuestions, b.StartAnswers, b.StartAuthorities, b.StartAdditionals}[op]()
			if cur > sec { // Start* may skip sections, never go back
				e := dnsmessage.ErrSectionDone
				if !errors.Is(err, e) {
					return harness.Violated("invariant", "State", "%s Start section %d in section %d: %v, want %v", field, sec, cur, err, e)
				}
				continue
			}
			if err != nil {
				return harness.Violated("invariant", "State", "%s Start section %d in section %d: %v", field, sec, cur, err)
			}
			cur = sec
		case op == 4:
			q := dnsmessage.Question{Name: s.name(), Type: dnsmessage.Type(s.u16()), Class: dnsmessage.Class(s.u16())}
			err := b.Question(q)
			if err := expect(field+" Question", err, stateError(cur, 2, 2), func(fresh *dnsmessage.Builder) error {
				if err := fresh.StartQuestions(); err != nil {
					return err
				}
				return fresh.Question(q)
			}); err != nil {
				return err
			}
			if err == nil {
				want.Questions = append(want.Questions, q)
			}
			failed = failed || err != nil && cur == 2
		default:
			r := s.resource()
			err := addResource(&b, r)
			if err := expect(field+" "+r.Header.Type.String(), err, stateError(cur, 3, 5), func(fresh *dnsmessage.Builder) error {
				if err := fresh.StartAnswers(); err != nil {
					return err
				}
				return addResource(fresh, r)
			}); err != nil {
				return err
			}
			failed = failed || err != nil && cur >= 3 && cur <= 5
			if err == nil {
				sec := []*[]dnsmessage.Resource{&want.Answers, &want.Authorities, &want.Additionals}[cur-3]
				*sec = append(*sec, r)
			}
		}
	}
	msg, err := b.Finish()
	if err != nil {
		return harness.Violated("invariant", "State", "Finish: %v", err)
	}
	err = builtRoundTrip(&want, msg, compress)
	if err == nil || !failed || !compress {
		return err
	}
	// Name the root cause when the same successful calls alone build a
	// message that round-trips: the failed call left something behind.
	alone, aerr := build(nil, &want, true)
	if aerr != nil || builtRoundTrip(&want, alone, true) != nil {
		return err
	}
	// The first line of the detail is fixed: it is the signature's
	// deciding detail, one for this root cause whatever the symptom.
	return harness.Violated("roundtrip", "Builder.FailedAdd", "a failed add left compression targets behind\nthe successful calls alone build\n%x\nbut the Builder wrote\n%x\n%v", alone, msg, err)
}

func builtRoundTrip(want *dnsmessage.Message, msg []byte, compress bool) error {
	var got dnsmessage.Message
	if err := got.Unpack(msg); err != nil {
		return harness.Violated("roundtrip", "Unpack", "compress=%v: the built message does not unpack: %v\n%x", compress, err, msg)
	}
	if path, d, ok := firstDiff("Message", normal(*want), normal(got)); !ok {
		return harness.Violated("roundtrip", path, "compress=%v: %s", compress, d)
	}
	return nil
}

// stateError is the model of the Builder's section checks: a call that
// belongs in sections lo..hi, made in section cur.
func stateError(cur, lo, hi int) error {
	switch {
	case cur < lo:
		return dnsmessage.ErrNotStarted
	case cur > hi:
		return dnsmessage.ErrSectionDone
	}
	return nil
}

// expect checks the error of one add: the model's state error if it has
// one, else exactly the error (or success) of the same add alone in a
// fresh Builder.
func expect(field string, err, state error, alone func(*dnsmessage.Builder) error) error {
	if state != nil {
		if !errors.Is(err, state) {
			return harness.Violated("invariant", "State", "%s: %v, want %v", field, err, state)
		}
		return nil
	}
	fresh := dnsmessage.NewBuilder(nil, dnsmessage.Header{})
	want := alone(&fresh)
	if (err == nil) != (want == nil) {
		return harness.Violated("invariant", "Error", "%s: %v, alone in a fresh Builder: %v", field, err, want)
	}
	return nil
}

// src reads typed values from the fuzz input; once it runs out every value
// is zero.
type src struct{ c *fuzz.ConsumeFuzzer }

func (s src) u8() uint8 {
	b, err := s.c.GetByte()
	if err != nil {
		return 0
	}
	return b
}

func (s src) u16() uint16 { return uint16(s.u8())<<8 | uint16(s.u8()) }
func (s src) u32() uint32 { return uint32(s.u16())<<16 | uint32(s.u16()) }
func (s src) bool() bool  { return s.u8()&1 == 1 }
func (s src) n(max int) int {
	return int(s.u8()) % max
}

func (s src) bytes(max int) []byte {
	b, err := s.c.GetNBytes(s.n(max + 1))
	if err != nil {
		return nil
	}
	return b
}

// namePool holds names sharing suffixes, so compression finds targets.
var namePool = []string{".", "example.com.", "www.example.com.", "mail.example.com.", "example.net.", "a.b.c.example.com."}

// name returns a name: from the pool, a fuzzed label in front of one, or
// raw bytes (non-canonical, empty labels, over 63-octet labels, over 255).
func (s src) name() dnsmessage.Name {
	switch s.n(4) {
	case 0, 1:
		return dnsmessage.MustNewName(namePool[s.n(len(namePool))])
	case 2:
		label := strings.ReplaceAll(string(s.bytes(70)), ".", "-")
		n, err := dnsmessage.NewName(label + "." + strings.TrimPrefix(namePool[s.n(len(namePool))], "."))
		if err == nil {
			return n
		}
	}
	var n dnsmessage.Name
	n.Length = uint8(copy(n.Data[:], s.bytes(255)))
	return n
}

// unknownTypes are types dnsmessage does not decode, so an UnknownResource
// of one unpacks as itself.
var unknownTypes = []dnsmessage.Type{13, 16 + 256, 43, 46, 47, 48, 52, 99, 257, 65280}

// resource returns a record of a fuzzed type with fuzzed rdata.
func (s src) resource() dnsmessage.Resource {
	h := dnsmessage.ResourceHeader{Name: s.name(), Class: dnsmessage.Class(s.u16()), TTL: s.u32()}
	var body dnsmessage.ResourceBody
	switch s.n(13) {
	case 0:
		body = &dnsmessage.AResource{A: [4]byte{s.u8(), s.u8(), s.u8(), s.u8()}}
	case 1:
		body = &dnsmessage.NSResource{NS: s.name()}
	case 2:
		body = &dnsmessage.CNAMEResource{CNAME: s.name()}
	case 3:
		body = &dnsmessage.SOAResource{NS: s.name(), MBox: s.name(), Serial: s.u32(), Refresh: s.u32(), Retry: s.u32(), Expire: s.u32(), MinTTL: s.u32()}
	case 4:
		body = &dnsmessage.PTRResource{PTR: s.name()}
	case 5:
		body = &dnsmessage.MXResource{Pref: s.u16(), MX: s.name()}
	case 6:
		var txt []string
		for i, n := 0, s.n(4); i < n; i++ {
			t := string(s.bytes(300))
			txt = append(txt, t)
		}
		body = &dnsmessage.TXTResource{TXT: txt}
	case 7:
		var a dnsmessage.AAAAResource
		for i := range a.AAAA {
			a.AAAA[i] = s.u8()
		}
		body = &a
	case 8:
		body = &dnsmessage.SRVResource{Priority: s.u16(), Weight: s.u16(), Port: s.u16(), Target: s.name()}
	case 9, 10:
		svcb := dnsmessage.SVCBResource{Priority: s.u16(), Target: s.name()}
		key := dnsmessage.SVCParamKey(0)
		for i, n := 0, s.n(5); i < n; i++ {
			key += dnsmessage.SVCParamKey(s.u8()) - 8 // sometimes out of order
			svcb.Params = append(svcb.Params, dnsmessage.SVCParam{Key: key, Value: s.bytes(20)})
		}
		body = &svcb
		if s.bool() {
			body = &dnsmessage.HTTPSResource{SVCBResource: svcb}
		}
	case 11:
		var opt dnsmessage.OPTResource
		for i, n := 0, s.n(4); i < n; i++ {
			opt.Options = append(opt.Options, dnsmessage.Option{Code: s.u16(), Data: s.bytes(40)})
		}
		body = &opt
		if s.bool() {
			_ = h.SetEDNS0(int(s.u16()), dnsmessage.RCode(s.u16()&0xfff), s.bool())
		}
	default:
		body = &dnsmessage.UnknownResource{Type: unknownTypes[s.n(len(unknownTypes))], Data: s.bytes(60)}
	}
	h.Type = realType(body)
	return dnsmessage.Resource{Header: h, Body: body}
}

// realType is the type the Builder writes for body (it sets the header's
// type from the body); kept in the model so the comparison sees it.
func realType(body dnsmessage.ResourceBody) dnsmessage.Type {
	switch b := body.(type) {
	case *dnsmessage.AResource:
		return dnsmessage.TypeA
	case *dnsmessage.NSResource:
		return dnsmessage.TypeNS
	case *dnsmessage.CNAMEResource:
		return dnsmessage.TypeCNAME
	case *dnsmessage.SOAResource:
		return dnsmessage.TypeSOA
	case *dnsmessage.PTRResource:
		return dnsmessage.TypePTR
	case *dnsmessage.MXResource:
		return dnsmessage.TypeMX
	case *dnsmessage.TXTResource:
		return dnsmessage.TypeTXT
	case *dnsmessage.AAAAResource:
		return dnsmessage.TypeAAAA
	case *dnsmessage.SRVResource:
		return dnsmessage.TypeSRV
	case *dnsmessage.SVCBResource:
		return dnsmessage.TypeSVCB
	case *dnsmessage.HTTPSResource:
		return dnsmessage.TypeHTTPS
	case *dnsmessage.OPTResource:
		return dnsmessage.TypeOPT
	case *dnsmessage.UnknownResource:
		return b.Type
	}
	return 0
}
