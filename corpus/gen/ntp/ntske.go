package main

import (
	"fmt"

	"github.com/facebook/time/ntp/ntske"
	"github.com/facebook/time/ntp/protocol"

	ntpfuzz "github.com/daemonfuzz/daemonfuzz/fuzz/ntp"
	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// ntskeSeeds are NTS-KE record streams (RFC 8915 4) in both directions: the
// requests facebook/time's client sends and chrony-style variants, and the
// responses a server returns (cookies sealed by the fixed keystore), with
// error and warning records.
func ntskeSeeds() ([]seed, error) {
	var out []seed
	add := func(what string, recs ...ntske.Record) error {
		b, err := ntske.MarshalRecords(recs)
		if err != nil {
			return fmt.Errorf("ntske seed %q: %w", what, err)
		}
		out = append(out, seed{"ntske", corpus.KindHandmade, src + ": NTS-KE " + what, b})
		return nil
	}
	eom := ntske.NewEndOfMessage()
	next := ntske.NewNextProtocol(ntske.NextProtocolNTPv4)
	steps := []error{
		add("client request: NTPv4, AEAD 30 15 17", next, ntske.NewAEADAlgorithm(30, 15, 17), eom),
		add("client request with compliant-128-GCM-SIV-export", next, ntske.NewAEADAlgorithm(30), ntske.Record{Type: ntske.RecordCompliant128GCMExport}, eom),
		add("client request: AES-SIV-CMAC-256 only, critical AEAD record", next, ntske.Record{Critical: true, Type: ntske.RecordAEADAlgorithm, Body: ntske.MarshalUint16s([]uint16{15})}, eom),
		add("client request with server and port negotiation", next, ntske.NewAEADAlgorithm(15), ntske.NewServerNegotiation("ntp.example.org"), ntske.NewPortNegotiation(123), eom),
		add("client request with unknown critical record", next, ntske.NewAEADAlgorithm(15), ntske.Record{Critical: true, Type: 0x4000, Body: []byte{1}}, eom),
		add("client request with unknown non-critical record", next, ntske.NewAEADAlgorithm(15), ntske.Record{Type: 0x4000, Body: []byte{1, 2}}, eom),
		add("client request without End of Message", next, ntske.NewAEADAlgorithm(30)),
		add("server error record: bad request", ntske.NewError(1), eom),
		add("server warning record", ntske.NewWarning(0), next, eom),
	}
	for _, err := range steps {
		if err != nil {
			return nil, err
		}
	}
	for i, alg := range ntpfuzz.AEADs {
		recs := []ntske.Record{next, ntske.NewAEADAlgorithm(uint16(alg))}
		for j := range 8 {
			c, err := ntpfuzz.SealCookie(alg, byte(16*i+j))
			if err != nil {
				return nil, err
			}
			recs = append(recs, ntske.NewCookie(c))
		}
		if alg == protocol.AEADAES128GCMSIV {
			recs = append(recs, ntske.NewCompliant128GCMExport(), ntske.NewServerNegotiation("127.0.0.1"), ntske.NewPortNegotiation(4123))
		}
		if err := add(fmt.Sprintf("server response: AEAD %d, 8 cookies", alg), append(recs, eom)...); err != nil {
			return nil, err
		}
	}
	return out, nil
}
