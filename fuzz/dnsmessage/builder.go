package dnsmessagefuzz

import (
	"bytes"
	"fmt"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Builder rebuilds every message Message.Unpack accepts with dnsmessage's
// Builder, record by record through the typed method of its body
// (AResource, SOAResource, SVCBResource, OPTResource, UnknownResource...),
// with and without compression, and checks:
//
//   - agreement (oracle "builder"): the Builder accepts what Unpack gave
//     it; its compressed build is byte-identical to Message.Pack; a message
//     appended after a prefix (Message.AppendPack, NewBuilder on a
//     non-empty buffer, whose compression offsets are relative to the
//     message) is the prefix followed by the same bytes;
//   - roundtrip: each build unpacks to the message, in the normal form that
//     zeroes ResourceHeader.Length (packing computes it; the body is
//     compared), and packing that again gives the same bytes;
//   - byte-exact (oracle "roundtrip" at "Bytes"): when no name of the input
//     is compressed (RFC 1035 4.1.4 makes compression optional, so a
//     compressed input has other valid encodings) and every record is read
//     within its RDLENGTH (K1, known.go), the uncompressed build is the
//     input up to the end of its last record, with the header's Z bit
//     cleared: the one bit dnsmessage.Header does not model (RFC 1035
//     requires it zero; RFC 2535's AD/CD bits have their own fields).
func Builder(data []byte) error {
	var m dnsmessage.Message
	if err := m.Unpack(data); err != nil {
		return nil
	}
	packed, err := pack(&m)
	if err != nil {
		return harness.Violated("builder", "Message.Pack", "Unpack accepts, Pack refuses: %v", err)
	}
	for _, compress := range []bool{true, false} {
		built, err := build(nil, &m, compress)
		if err != nil {
			return harness.Violated("builder", "Accept", "compress=%v: the Builder refuses what Unpack gave: %v", compress, err)
		}
		if compress && !bytes.Equal(built, packed) {
			return harness.Violated("builder", "Pack", "Builder with compression and Message.Pack differ:\n%x\n%x", built, packed)
		}
		if err := roundTrip(&m, built, compress); err != nil {
			return err
		}
		if !compress {
			if err := byteExact(data, built); err != nil {
				return err
			}
		}
	}
	prefix := []byte("prefix")
	for name, f := range map[string]func() ([]byte, error){
		"AppendPack": func() ([]byte, error) { return m.AppendPack(bytes.Clone(prefix)) },
		"NewBuilder": func() ([]byte, error) { return build(bytes.Clone(prefix), &m, true) },
	} {
		got, err := f()
		if err != nil || !bytes.HasPrefix(got, prefix) || !bytes.Equal(got[len(prefix):], packed) {
			return harness.Violated("builder", name, "after a %d-byte prefix (%v):\n%x\nwant the prefix and\n%x", len(prefix), err, got, packed)
		}
	}
	return nil
}

// pack is Message.Pack, the Builder's reference; oracle tests replace it
// with a deliberately wrong one to prove the agreement oracle fires.
var pack = (*dnsmessage.Message).Pack

// build writes m through the Builder's typed methods, appending to buf.
func build(buf []byte, m *dnsmessage.Message, compress bool) ([]byte, error) {
	b := dnsmessage.NewBuilder(buf, m.Header)
	if compress {
		b.EnableCompression()
	}
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	for _, q := range m.Questions {
		if err := b.Question(q); err != nil {
			return nil, err
		}
	}
	starts := []func() error{b.StartAnswers, b.StartAuthorities, b.StartAdditionals}
	for i, sec := range [][]dnsmessage.Resource{m.Answers, m.Authorities, m.Additionals} {
		if err := starts[i](); err != nil {
			return nil, err
		}
		for _, r := range sec {
			if err := addResource(&b, r); err != nil {
				return nil, err
			}
		}
	}
	return b.Finish()
}

// addResource adds r with the Builder method of its body's type.
func addResource(b *dnsmessage.Builder, r dnsmessage.Resource) error {
	h := r.Header
	switch body := r.Body.(type) {
	case *dnsmessage.AResource:
		return b.AResource(h, *body)
	case *dnsmessage.NSResource:
		return b.NSResource(h, *body)
	case *dnsmessage.CNAMEResource:
		return b.CNAMEResource(h, *body)
	case *dnsmessage.SOAResource:
		return b.SOAResource(h, *body)
	case *dnsmessage.PTRResource:
		return b.PTRResource(h, *body)
	case *dnsmessage.MXResource:
		return b.MXResource(h, *body)
	case *dnsmessage.TXTResource:
		return b.TXTResource(h, *body)
	case *dnsmessage.AAAAResource:
		return b.AAAAResource(h, *body)
	case *dnsmessage.SRVResource:
		return b.SRVResource(h, *body)
	case *dnsmessage.SVCBResource:
		return b.SVCBResource(h, *body)
	case *dnsmessage.HTTPSResource:
		return b.HTTPSResource(h, *body)
	case *dnsmessage.OPTResource:
		return b.OPTResource(h, *body)
	case *dnsmessage.UnknownResource:
		return b.UnknownResource(h, *body)
	}
	return fmt.Errorf("no Builder method for %T", r.Body)
}

// normal returns m with every ResourceHeader.Length zeroed: Unpack records
// the length read, packing recomputes it.
func normal(m dnsmessage.Message) dnsmessage.Message {
	for _, sec := range []*[]dnsmessage.Resource{&m.Answers, &m.Authorities, &m.Additionals} {
		c := make([]dnsmessage.Resource, len(*sec))
		for i, r := range *sec {
			r.Header.Length = 0
			c[i] = r
		}
		*sec = c
	}
	return m
}

func roundTrip(m *dnsmessage.Message, built []byte, compress bool) error {
	var m2 dnsmessage.Message
	if err := m2.Unpack(built); err != nil {
		return harness.Violated("roundtrip", "Unpack", "compress=%v: the built message does not unpack: %v\n%x", compress, err, built)
	}
	if path, d, ok := firstDiff("Message", normal(*m), normal(m2)); !ok {
		return harness.Violated("roundtrip", path, "compress=%v: %s", compress, d)
	}
	again, err := build(nil, &m2, compress)
	if err != nil || !bytes.Equal(again, built) {
		return harness.Violated("roundtrip", "Pack", "compress=%v: building the rebuilt message again is not a fixpoint (%v):\n%x\n%x", compress, err, built, again)
	}
	return nil
}

// zBit is the header's Z bit (RFC 1035 4.1.1), in the second flags byte.
const zBit = 0x40

func byteExact(data, built []byte) error {
	w := walk(data)
	if !w.complete || w.compressed {
		return nil
	}
	for _, r := range w.records {
		if rdataCompressed(data, r) {
			return nil
		}
	}
	if rdataPastLength(data) {
		return nil // K1
	}
	want := bytes.Clone(data[:w.end])
	want[3] &^= zBit
	if !bytes.Equal(want, built) {
		i := 0
		for i < len(want) && i < len(built) && want[i] == built[i] {
			i++
		}
		return harness.Violated("roundtrip", "Bytes", "an uncompressed input rebuilt uncompressed differs from offset %d:\n%x\n%x", i, want, built)
	}
	return nil
}
