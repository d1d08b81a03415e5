package dnsmessagefuzz

import (
	"bytes"
	"fmt"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// touch runs every accessor dnsmessage offers on a parsed message and
// checks the ones with a contract (oracle "invariant"):
//
//   - SVCB/HTTPS: GetParam finds each parameter's value; SetParam on a copy
//     replaces it in place and inserts a new key in order; DeleteParam
//     removes exactly that key and says whether it was there;
//   - OPT: ExtendedRCode and DNSSECAllowed survive SetEDNS0 with the
//     values they returned (the way a resolver echoes a server's EDNS0);
//   - NewName(Name.String()) is the same name.
//
// GoString and String run on everything for their parsers and printers;
// their output has no contract beyond not panicking.
func touch(m *dnsmessage.Message) error {
	_ = m.GoString()
	for _, q := range m.Questions {
		_ = q.Type.String() + q.Class.String()
		if err := nameRoundTrip("Question.Name", q.Name); err != nil {
			return err
		}
	}
	_ = m.Header.RCode.String()
	for _, sec := range [][]dnsmessage.Resource{m.Answers, m.Authorities, m.Additionals} {
		for i, r := range sec {
			_ = r.Header.Type.String() + r.Header.Class.String()
			if err := nameRoundTrip(fmt.Sprintf("Resource[%d].Header.Name", i), r.Header.Name); err != nil {
				return err
			}
			var err error
			switch b := r.Body.(type) {
			case *dnsmessage.SVCBResource:
				err = svcbParams(b)
			case *dnsmessage.HTTPSResource:
				err = svcbParams(&b.SVCBResource)
			case *dnsmessage.OPTResource:
				err = edns0(r.Header, m.Header.RCode)
				for _, o := range b.Options {
					_ = o.GoString()
				}
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func nameRoundTrip(field string, n dnsmessage.Name) error {
	n2, err := dnsmessage.NewName(n.String())
	if err != nil || n2 != n {
		return harness.Violated("invariant", field, "NewName(%q) = %v, %v", n.String(), n2.GoString(), err)
	}
	return nil
}

func svcbParams(r *dnsmessage.SVCBResource) error {
	for _, p := range r.Params {
		_ = p.Key.String() + p.GoString()
		v, ok := r.GetParam(p.Key)
		if !ok || !bytes.Equal(v, p.Value) {
			return harness.Violated("invariant", "SVCB.GetParam", "key %d: %x, %v; want %x", p.Key, v, ok, p.Value)
		}
	}
	c := dnsmessage.SVCBResource{Priority: r.Priority, Target: r.Target, Params: append([]dnsmessage.SVCParam(nil), r.Params...)}
	probe := []dnsmessage.SVCParamKey{0, 1, 7, 65535}
	if len(r.Params) > 0 {
		probe = append(probe, r.Params[0].Key, r.Params[len(r.Params)-1].Key+1)
	}
	for _, k := range probe {
		_, had := c.GetParam(k)
		before := len(c.Params)
		c.SetParam(k, []byte{0xfe})
		if v, ok := c.GetParam(k); !ok || !bytes.Equal(v, []byte{0xfe}) || len(c.Params) != before+map[bool]int{true: 0, false: 1}[had] {
			return harness.Violated("invariant", "SVCB.SetParam", "key %d: after SetParam GetParam = %x, %v with %d params (had %v, %d before)", k, v, ok, len(c.Params), had, before)
		}
		for i := 1; i < len(c.Params); i++ {
			if c.Params[i-1].Key >= c.Params[i].Key {
				return harness.Violated("invariant", "SVCB.SetParam", "key %d: params out of order after SetParam: %v", k, c.GoString())
			}
		}
		if !c.DeleteParam(k) {
			return harness.Violated("invariant", "SVCB.DeleteParam", "key %d: DeleteParam says it was absent", k)
		}
		if _, ok := c.GetParam(k); ok || c.DeleteParam(k) || len(c.Params) != before-map[bool]int{true: 1, false: 0}[had] {
			return harness.Violated("invariant", "SVCB.DeleteParam", "key %d: still there after DeleteParam", k)
		}
	}
	return nil
}

func edns0(h dnsmessage.ResourceHeader, rcode dnsmessage.RCode) error {
	ext, do := h.ExtendedRCode(rcode), h.DNSSECAllowed()
	var h2 dnsmessage.ResourceHeader
	if err := h2.SetEDNS0(int(h.Class), ext, do); err != nil {
		return harness.Violated("invariant", "OPT.SetEDNS0", "%v", err)
	}
	if got := h2.ExtendedRCode(rcode & 0xf); got != ext || h2.DNSSECAllowed() != do || h2.Class != h.Class {
		return harness.Violated("invariant", "OPT.ExtendedRCode", "SetEDNS0(%d, %v, %v) then ExtendedRCode = %v, DNSSECAllowed = %v", h.Class, ext, do, got, h2.DNSSECAllowed())
	}
	return nil
}
