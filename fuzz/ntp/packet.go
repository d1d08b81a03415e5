package ntpfuzz

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/facebook/time/ntp/protocol"
	"github.com/facebook/time/ntp/protocol/nts"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Packet decodes data as an NTP packet with protocol.BytesToPacket, the
// decoder every facebook/time NTP component runs on received datagrams, and
// checks:
//   - roundtrip: re-serialising the header and every extension field
//     (Packet.AssociatedData, the faithful encoder NTS verification relies on)
//     gives back data byte for byte, with the legacy MAC as the exact rest;
//     Packet.Bytes, when it accepts the packet, gives the same octets;
//     decoding those octets gives the same packet;
//   - invariant: a MAC has one of the three RFC 5905 shapes and never
//     accompanies an NTS field (that would downgrade an NTS request);
//     AssociatedData(i) is a prefix of AssociatedData(i+1);
//   - differential: ValidSettingsFormat agrees with the RFC 5905 rule read
//     directly from the first octet.
func Packet(data []byte) error {
	p, err := protocol.BytesToPacket(data)
	if err != nil {
		return nil
	}
	if err := checkMAC(p); err != nil {
		return err
	}
	full, err := p.AssociatedData(len(p.ExtensionFields))
	if err != nil {
		return harness.Violated("roundtrip", "AssociatedData", "a decoded packet does not re-encode: %v", err)
	}
	if err := checkReencoded(data, full, p.MAC); err != nil {
		return err
	}
	if err := checkPrefixes(p, full); err != nil {
		return err
	}
	if b, err := p.Bytes(); err == nil && !bytes.Equal(b, full) {
		return harness.Violated("roundtrip", "Bytes", "Bytes %x, AssociatedData %x", b, full)
	} else if err != nil && !errors.Is(err, protocol.ErrExtensionTypeReserved) {
		return harness.Violated("roundtrip", "Bytes", "Bytes refused a decoded packet: %v", err)
	}
	q, err := protocol.BytesToPacket(full)
	if err != nil {
		return harness.Violated("roundtrip", "BytesToPacket", "re-encoded packet does not decode: %v", err)
	}
	if err := equalPacket(p, q, false); err != nil {
		return err
	}
	if err := settingsAgree(p.ValidSettingsFormat(), data[0]); err != nil {
		return err
	}
	return checkAuthenticators(p.ExtensionFields)
}

// checkReencoded requires the re-encoded header and fields to be the wire's
// first octets and the MAC to be exactly the rest.
func checkReencoded(data, full, mac []byte) error {
	if len(full) > len(data) || !bytes.Equal(full, data[:len(full)]) {
		return harness.Violated("roundtrip", "AssociatedData", "re-encoded %x, wire %x", full, data)
	}
	if rest := data[len(full):]; !bytes.Equal(rest, mac) {
		return harness.Violated("roundtrip", "MAC", "octets after the extension fields %x, MAC %x", rest, mac)
	}
	return nil
}

// settingsAgree compares ValidSettingsFormat's answer with RFC 5905's rule.
func settingsAgree(got bool, settings byte) error {
	if want := validSettings(settings); got != want {
		return harness.Violated("differential", "ValidSettingsFormat", "settings %#02x: got %v, RFC 5905 says %v", settings, got, want)
	}
	return nil
}

// checkMAC enforces the legacy MAC invariants.
func checkMAC(p *protocol.Packet) error {
	if p.MAC == nil {
		return nil
	}
	switch len(p.MAC) {
	case 4, 20, 24:
	default:
		return harness.Violated("invariant", "MAC", "MAC of %d octets is none of RFC 5905's shapes", len(p.MAC))
	}
	if protocol.HasNTSField(p.ExtensionFields) {
		return harness.Violated("invariant", "MAC", "legacy MAC accepted beside NTS extension fields %v", efTypes(p.ExtensionFields))
	}
	return nil
}

// checkPrefixes requires AssociatedData(i) to be the first 48+sum(EF sizes)
// octets of the whole re-encoding for every i.
func checkPrefixes(p *protocol.Packet, full []byte) error {
	want := protocol.PacketSizeBytes
	for i := 0; i <= len(p.ExtensionFields) && i <= maxEFsChecked; i++ {
		ad, err := p.AssociatedData(i)
		if err != nil {
			return harness.Violated("roundtrip", fmt.Sprintf("AssociatedData(%d)", i), "%v", err)
		}
		if !bytes.Equal(ad, full[:min(want, len(full))]) {
			return harness.Violated("roundtrip", fmt.Sprintf("AssociatedData(%d)", i), "not a prefix of the whole packet: %x", ad)
		}
		if i < len(p.ExtensionFields) {
			want += p.ExtensionFields[i].EncodedSize()
		}
	}
	return nil
}

// maxEFsChecked bounds the quadratic prefix check to a UDP datagram's worth of
// minimum-size fields, so one input never runs for seconds.
const maxEFsChecked = 1500 / protocol.ExtensionMinSize

// checkAuthenticators parses every NTS Authenticator body and requires
// MarshalAuthenticatorBody to reproduce its nonce and ciphertext.
func checkAuthenticators(efs []protocol.ExtensionField) error {
	for i, ef := range efs {
		if ef.Type != protocol.NTSAuthenticator {
			continue
		}
		ab, err := nts.ParseAuthenticatorBody(ef.Body)
		if err != nil {
			continue
		}
		field := fmt.Sprintf("ExtensionFields[%d].Authenticator", i)
		body, err := nts.MarshalAuthenticatorBody(ab.Nonce, ab.Ciphertext)
		if err != nil {
			return harness.Violated("roundtrip", field, "parsed body does not marshal: %v", err)
		}
		if len(body) > len(ef.Body) {
			return harness.Violated("invariant", field, "marshalled body %d octets, wire body %d", len(body), len(ef.Body))
		}
		again, err := nts.ParseAuthenticatorBody(body)
		if err != nil || !bytes.Equal(again.Nonce, ab.Nonce) || !bytes.Equal(again.Ciphertext, ab.Ciphertext) {
			return harness.Violated("roundtrip", field, "nonce/ciphertext %x/%x came back as %+v (%v)", ab.Nonce, ab.Ciphertext, again, err)
		}
	}
	return nil
}

// ExtensionFields parses data with protocol.ParseExtensionFields alone and
// requires the faithful encoding to reproduce it, the strict encoder
// (MarshalExtensionFields) to agree except on the reserved types it refuses
// to originate, and the encoded sizes to add up to the input.
func ExtensionFields(data []byte) error {
	efs, err := protocol.ParseExtensionFields(data)
	if err != nil {
		return nil
	}
	return checkParsedEFs(data, efs)
}

// checkParsedEFs holds the fields ParseExtensionFields returned for data to
// ExtensionFields' oracles.
func checkParsedEFs(data []byte, efs []protocol.ExtensionField) error {
	size := 0
	for _, ef := range efs {
		size += ef.EncodedSize()
	}
	if size != len(data) {
		return harness.Violated("invariant", "EncodedSize", "fields add up to %d octets, input %d", size, len(data))
	}
	hdr := protocol.Packet{ExtensionFields: efs}
	full, err := hdr.AssociatedData(len(efs))
	if err != nil {
		return harness.Violated("roundtrip", "AssociatedData", "%v", err)
	}
	if !bytes.Equal(full[protocol.PacketSizeBytes:], data) {
		return harness.Violated("roundtrip", "AssociatedData", "re-encoded %x, input %x", full[protocol.PacketSizeBytes:], data)
	}
	strict, err := protocol.MarshalExtensionFields(efs)
	switch {
	case errors.Is(err, protocol.ErrExtensionTypeReserved) && hasReserved(efs):
	case err != nil:
		return harness.Violated("roundtrip", "MarshalExtensionFields", "refused parsed fields %v: %v", efTypes(efs), err)
	case hasReserved(efs):
		return harness.Violated("invariant", "MarshalExtensionFields", "originated reserved field types %v", efTypes(efs))
	case !bytes.Equal(strict, data):
		return harness.Violated("roundtrip", "MarshalExtensionFields", "encoded %x, input %x", strict, data)
	}
	return checkAuthenticators(efs)
}

func hasReserved(efs []protocol.ExtensionField) bool {
	for _, ef := range efs {
		if ef.Type >= protocol.ExtensionTypeReservedLo {
			return true
		}
	}
	return false
}

func efTypes(efs []protocol.ExtensionField) []string {
	out := make([]string, len(efs))
	for i, ef := range efs {
		out[i] = fmt.Sprintf("%#04x", uint16(ef.Type))
	}
	return out
}

// validSettings is RFC 5905's client-request rule for the first octet as
// facebook/time documents it: leap 0 or 3, version 1-4, mode 3.
func validSettings(b byte) bool {
	li, vn, mode := b>>6, (b>>3)&7, b&7
	return (li == 0 || li == 3) && vn >= 1 && vn <= 4 && mode == 3
}

// equalPacket compares two decoded packets field by field; withMAC says
// whether the legacy MAC takes part.
func equalPacket(a, b *protocol.Packet, withMAC bool) error {
	if ha, hb := headerOf(a), headerOf(b); ha != hb {
		return harness.Violated("roundtrip", "Header", "%+v != %+v", ha, hb)
	}
	if len(a.ExtensionFields) != len(b.ExtensionFields) {
		return harness.Violated("roundtrip", "len(ExtensionFields)", "%d != %d", len(a.ExtensionFields), len(b.ExtensionFields))
	}
	for i := range a.ExtensionFields {
		ea, eb := a.ExtensionFields[i], b.ExtensionFields[i]
		if ea.Type != eb.Type || !bytes.Equal(ea.Body, eb.Body) {
			return harness.Violated("roundtrip", fmt.Sprintf("ExtensionFields[%d]", i), "%#04x %x != %#04x %x", uint16(ea.Type), ea.Body, uint16(eb.Type), eb.Body)
		}
	}
	if withMAC && !bytes.Equal(a.MAC, b.MAC) {
		return harness.Violated("roundtrip", "MAC", "%x != %x", a.MAC, b.MAC)
	}
	return nil
}

// header is the fixed part of protocol.Packet, comparable with ==.
type header struct {
	Settings, Stratum         uint8
	Poll, Precision           int8
	RootDelay, RootDispersion uint32
	ReferenceID               uint32
	RefTimeSec, RefTimeFrac   uint32
	OrigTimeSec, OrigTimeFrac uint32
	RxTimeSec, RxTimeFrac     uint32
	TxTimeSec, TxTimeFrac     uint32
}

func headerOf(p *protocol.Packet) header {
	return header{p.Settings, p.Stratum, p.Poll, p.Precision, p.RootDelay, p.RootDispersion, p.ReferenceID,
		p.RefTimeSec, p.RefTimeFrac, p.OrigTimeSec, p.OrigTimeFrac, p.RxTimeSec, p.RxTimeFrac, p.TxTimeSec, p.TxTimeFrac}
}
