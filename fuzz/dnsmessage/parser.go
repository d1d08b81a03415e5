package dnsmessagefuzz

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Parser drives dnsmessage's streaming Parser over data in the orders
// resolvers use it, and checks every order against Message.Unpack, the
// reference (itself Start, AllQuestions and All* per section):
//
//   - agreement (oracle "parser"): the typed plan (each section's XHeader,
//     then the body method the header's type names: AResource, SOAResource,
//     SVCBResource, ..., UnknownResource for the rest) accepts exactly what
//     Unpack accepts and yields equal records. Skipping validates less than
//     parsing, so the mixed plan (Question or SkipQuestion, Resource,
//     header then Skip, Skip, header then typed body, record by record), the
//     skip-all plan and the resolver plan (Go's net package: the first
//     Question, SkipAllQuestions, the answers of the asked type, SOA in the
//     authority section, OPT in the additional section, skipping the rest)
//     accept everything Unpack accepts, and every record they parse equals
//     Unpack's.
//   - the Parser's documented contract (oracle "invariant"): a section not
//     reached yet says ErrNotStarted and one passed says ErrSectionDone; a
//     body method for another type says ErrNotStarted and leaves the parser
//     where it was; a header read twice is the same header; a copied Parser
//     ("safe to copy to preserve the parsing state") parses on exactly like
//     the original (Resource on the copy, typed body on the original);
//     every section yields exactly its header count of records.
//
// Every accessor of what was parsed runs too (GoString, String, the SVCB
// parameter methods, the OPT header's EDNS0 accessors); see touch.
func Parser(data []byte) error {
	ref, refErr := reference(data)
	typed, err := typedPlan(data)
	var v *harness.Violation
	if errors.As(err, &v) {
		return err
	}
	switch {
	case (refErr == nil) != (err == nil):
		return harness.Violated("parser", "typed.Accept", "Message.Unpack error %v, typed plan error %v", refErr, err)
	case refErr == nil:
		if p, d, ok := firstDiff("Message", ref, typed); !ok {
			return harness.Violated("parser", "typed."+p, "%s", d)
		}
	}
	for _, plan := range []struct {
		name string
		run  func([]byte, *dnsmessage.Message) error
	}{{"mixed", mixedPlan}, {"skip", skipPlan}, {"resolver", resolverPlan}} {
		err := plan.run(data, &ref)
		if errors.As(err, &v) {
			v.Field = plan.name + "." + v.Field
			return v
		}
		if err != nil && refErr == nil && !rdataPastLength(data) {
			return harness.Violated("parser", plan.name+".Accept", "Message.Unpack accepts, the %s plan fails: %v", plan.name, err)
		}
	}
	if refErr == nil {
		return touch(&ref)
	}
	return nil
}

// reference is the implementation the plans are checked against; oracle
// tests replace it with a deliberately wrong one to prove the oracles fire.
var reference = func(data []byte) (dnsmessage.Message, error) {
	var m dnsmessage.Message
	err := m.Unpack(data)
	return m, err
}

// section is one resource section of the Parser's API.
type section struct {
	name     string
	header   func(*dnsmessage.Parser) (dnsmessage.ResourceHeader, error)
	resource func(*dnsmessage.Parser) (dnsmessage.Resource, error)
	skip     func(*dnsmessage.Parser) error
	skipAll  func(*dnsmessage.Parser) error
	records  func(*dnsmessage.Message) *[]dnsmessage.Resource
}

var sections = [3]section{
	{"Answers", (*dnsmessage.Parser).AnswerHeader, (*dnsmessage.Parser).Answer, (*dnsmessage.Parser).SkipAnswer, (*dnsmessage.Parser).SkipAllAnswers,
		func(m *dnsmessage.Message) *[]dnsmessage.Resource { return &m.Answers }},
	{"Authorities", (*dnsmessage.Parser).AuthorityHeader, (*dnsmessage.Parser).Authority, (*dnsmessage.Parser).SkipAuthority, (*dnsmessage.Parser).SkipAllAuthorities,
		func(m *dnsmessage.Message) *[]dnsmessage.Resource { return &m.Authorities }},
	{"Additionals", (*dnsmessage.Parser).AdditionalHeader, (*dnsmessage.Parser).Additional, (*dnsmessage.Parser).SkipAdditional, (*dnsmessage.Parser).SkipAllAdditionals,
		func(m *dnsmessage.Message) *[]dnsmessage.Resource { return &m.Additionals }},
}

// counts returns the four header counts of a message whose header parsed.
func counts(data []byte) [4]int {
	return [4]int{int(binary.BigEndian.Uint16(data[4:])), int(binary.BigEndian.Uint16(data[6:])), int(binary.BigEndian.Uint16(data[8:])), int(binary.BigEndian.Uint16(data[10:]))}
}

// wantErr is the state invariant: call (named field) must fail with want.
func wantErr(field string, want, got error) error {
	if !errors.Is(got, want) {
		return harness.Violated("invariant", field, "got error %v, want %v", got, want)
	}
	return nil
}

// typedPlan parses data as a resolver that reads every record's body
// through the method of its type does, checking the Parser's state contract
// on the way. It returns the message it read, or the Parser's error, or a
// *harness.Violation.
func typedPlan(data []byte) (dnsmessage.Message, error) {
	var p dnsmessage.Parser
	var m dnsmessage.Message
	h, err := p.Start(data)
	if err != nil {
		return m, err
	}
	m.Header = h
	n := counts(data)
	_, err = p.AnswerHeader()
	if err := wantErr("AnswerHeader", dnsmessage.ErrNotStarted, err); err != nil {
		return m, err
	}
	m.Questions = []dnsmessage.Question{}
	for {
		q, err := p.Question()
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			break
		}
		if err != nil {
			return m, err
		}
		m.Questions = append(m.Questions, q)
	}
	if len(m.Questions) != n[0] {
		return m, harness.Violated("invariant", "len(Questions)", "%d parsed, QDCOUNT %d", len(m.Questions), n[0])
	}
	if err := wantErr("Question", dnsmessage.ErrSectionDone, second(p.Question())); err != nil {
		return m, err
	}
	for si, s := range sections {
		recs := []dnsmessage.Resource{}
		for {
			hdr, err := s.header(&p)
			if errors.Is(err, dnsmessage.ErrSectionDone) {
				break
			}
			if err != nil {
				return m, err
			}
			again, err := s.header(&p)
			if err != nil || again != hdr {
				return m, harness.Violated("invariant", s.name+".Header", "a header read twice differs: %v then %v (%v)", hdr, again, err)
			}
			if err := wantErr(s.name+".WrongType", dnsmessage.ErrNotStarted, wrongTypeBody(&p, hdr.Type)); err != nil {
				return m, err
			}
			cp := p
			body, err := typedBody(&p, hdr.Type)
			r, cpErr := s.resource(&cp)
			if (err == nil) != (cpErr == nil) {
				return m, harness.Violated("invariant", s.name+".Copy", "typed body error %v, Resource on a copy of the Parser: %v", err, cpErr)
			}
			if err != nil {
				return m, err
			}
			got := dnsmessage.Resource{Header: hdr, Body: body}
			if path, d, ok := firstDiff(s.name, r, got); !ok {
				return m, harness.Violated("invariant", "Copy."+path, "Resource on a copy of the Parser != header and typed body: %s", d)
			}
			if !reflect.DeepEqual(p, cp) {
				return m, harness.Violated("invariant", s.name+".Copy", "the Parser and its copy are in different states after the same record")
			}
			recs = append(recs, got)
		}
		if len(recs) != n[si+1] {
			return m, harness.Violated("invariant", "len("+s.name+")", "%d parsed, header count %d", len(recs), n[si+1])
		}
		if err := wantErr(s.name+".Header", dnsmessage.ErrSectionDone, second(s.header(&p))); err != nil {
			return m, err
		}
		*s.records(&m) = recs
	}
	return m, wantErr("Question", dnsmessage.ErrSectionDone, second(p.Question()))
}

func second[T any](_ T, err error) error { return err }

// typedBody reads the body of the record whose header p just parsed with
// the method dnsmessage has for its type.
func typedBody(p *dnsmessage.Parser, t dnsmessage.Type) (dnsmessage.ResourceBody, error) {
	switch t {
	case dnsmessage.TypeA:
		r, err := p.AResource()
		return &r, err
	case dnsmessage.TypeNS:
		r, err := p.NSResource()
		return &r, err
	case dnsmessage.TypeCNAME:
		r, err := p.CNAMEResource()
		return &r, err
	case dnsmessage.TypeSOA:
		r, err := p.SOAResource()
		return &r, err
	case dnsmessage.TypePTR:
		r, err := p.PTRResource()
		return &r, err
	case dnsmessage.TypeMX:
		r, err := p.MXResource()
		return &r, err
	case dnsmessage.TypeTXT:
		r, err := p.TXTResource()
		return &r, err
	case dnsmessage.TypeAAAA:
		r, err := p.AAAAResource()
		return &r, err
	case dnsmessage.TypeSRV:
		r, err := p.SRVResource()
		return &r, err
	case dnsmessage.TypeSVCB:
		r, err := p.SVCBResource()
		return &r, err
	case dnsmessage.TypeHTTPS:
		r, err := p.HTTPSResource()
		return &r, err
	case dnsmessage.TypeOPT:
		r, err := p.OPTResource()
		return &r, err
	}
	r, err := p.UnknownResource()
	return &r, err
}

// wrongTypeBody calls a typed body method for a type other than t (one of
// two, so every type has one); it must refuse without moving the parser.
func wrongTypeBody(p *dnsmessage.Parser, t dnsmessage.Type) error {
	if t == dnsmessage.TypeA {
		_, err := p.MXResource()
		return err
	}
	_, err := p.AResource()
	return err
}

// mixedPlan parses or skips record by record, cycling through every way
// the API offers, and compares what it parsed with ref (when ref is valid).
func mixedPlan(data []byte, ref *dnsmessage.Message) error {
	var p dnsmessage.Parser
	if _, err := p.Start(data); err != nil {
		return err
	}
	for i := 0; ; i++ {
		var err error
		if i%2 == 0 {
			var q dnsmessage.Question
			if q, err = p.Question(); err == nil && i < len(ref.Questions) && q != ref.Questions[i] {
				return harness.Violated("parser", fmt.Sprintf("Questions[%d]", i), "%v != Message.Unpack's %v", q, ref.Questions[i])
			}
		} else {
			err = p.SkipQuestion()
		}
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			break
		}
		if err != nil {
			return err
		}
	}
	k := 0
	for _, s := range sections {
		want := *s.records(ref)
		for i := 0; ; i, k = i+1, k+1 {
			var got *dnsmessage.Resource
			var err error
			switch k % 4 {
			case 0:
				var r dnsmessage.Resource
				if r, err = s.resource(&p); err == nil {
					got = &r
				}
			case 1:
				if _, err = s.header(&p); err == nil {
					err = s.skip(&p)
				}
			case 2:
				err = s.skip(&p)
			case 3:
				var hdr dnsmessage.ResourceHeader
				if hdr, err = s.header(&p); err == nil {
					var body dnsmessage.ResourceBody
					if body, err = typedBody(&p, hdr.Type); err == nil {
						got = &dnsmessage.Resource{Header: hdr, Body: body}
					}
				}
			}
			if errors.Is(err, dnsmessage.ErrSectionDone) {
				break
			}
			if err != nil {
				return err
			}
			if got != nil && i < len(want) {
				if path, d, ok := firstDiff(fmt.Sprintf("%s[%d]", s.name, i), want[i], *got); !ok {
					return harness.Violated("parser", path, "%s", d)
				}
			}
		}
	}
	return nil
}

// skipPlan skips every section whole.
func skipPlan(data []byte, _ *dnsmessage.Message) error {
	var p dnsmessage.Parser
	if _, err := p.Start(data); err != nil {
		return err
	}
	if err := p.SkipAllQuestions(); err != nil {
		return err
	}
	for _, s := range sections {
		if err := s.skipAll(&p); err != nil {
			return err
		}
	}
	return nil
}

// resolverPlan reads a reply as Go's net package does (dnsclient_unix.go,
// lookup.go): the first question, then the answers of the asked type or
// CNAMEs, an SOA in the authority section (negative caching), the OPT
// record in the additional section, skipping everything else.
func resolverPlan(data []byte, ref *dnsmessage.Message) error {
	var p dnsmessage.Parser
	h, err := p.Start(data)
	if err != nil {
		return err
	}
	q, err := p.Question()
	if errors.Is(err, dnsmessage.ErrSectionDone) {
		q = dnsmessage.Question{Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}
	} else if err != nil {
		return err
	} else if len(ref.Questions) > 0 && q != ref.Questions[0] {
		return harness.Violated("parser", "Questions[0]", "%v != Message.Unpack's %v", q, ref.Questions[0])
	}
	if err := p.SkipAllQuestions(); err != nil {
		return err
	}
	wanted := map[int]dnsmessage.Type{0: q.Type, 1: dnsmessage.TypeSOA, 2: dnsmessage.TypeOPT}
	for si, s := range sections {
		want := *s.records(ref)
		for i := 0; ; i++ {
			hdr, err := s.header(&p)
			if errors.Is(err, dnsmessage.ErrSectionDone) {
				break
			}
			if err != nil {
				return err
			}
			if hdr.Type != wanted[si] && !(si == 0 && hdr.Type == dnsmessage.TypeCNAME) {
				if err := s.skip(&p); err != nil {
					return err
				}
				continue
			}
			body, err := typedBody(&p, hdr.Type)
			if err != nil {
				return err
			}
			if i < len(want) {
				if path, d, ok := firstDiff(fmt.Sprintf("%s[%d]", s.name, i), want[i], dnsmessage.Resource{Header: hdr, Body: body}); !ok {
					return harness.Violated("parser", path, "%s", d)
				}
			}
			if hdr.Type == dnsmessage.TypeOPT {
				_ = hdr.ExtendedRCode(h.RCode) // no panic; value checked in touch
			}
		}
		if err := s.skipAll(&p); err != nil {
			return err
		}
	}
	return nil
}
