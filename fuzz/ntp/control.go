package ntpfuzz

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/facebook/time/ntp/control"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

func init() {
	// control.NormalizeData logs every malformed pair through the standard
	// logger; at fuzzing rates that is megabytes of stderr per second. This
	// package owns its test binaries, so it silences the standard logger.
	log.SetOutput(io.Discard)
}

const (
	mode6HeadLen = 12   // NTPControlMsgHead on the wire
	mode6ReadBuf = 1024 // the control client's read buffer
)

// splitMode6 cuts a control-protocol input into datagrams: each is the
// 12-octet header plus its Count octets of data, padded to a 32-bit
// boundary as ntpd sends them. A tail too short for its own Count is the
// last datagram, as received.
func splitMode6(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		if len(data) < mode6HeadLen {
			return append(out, data)
		}
		n := mode6HeadLen + int(binary.BigEndian.Uint16(data[10:12]))
		n = (n + 3) &^ 3
		if n >= len(data) {
			return append(out, data)
		}
		out = append(out, data[:n])
		data = data[n:]
	}
	return out
}

// Control answers facebook/time's ntpd control client (control.NTPClient,
// the ntpq side of mode 6) with data as one reply split across datagrams
// (see splitMode6), asking for read status or read variables as ntpcheck
// does, and checks:
//   - differential: the reassembled data and final header equal an
//     independent reassembly of the same datagrams, and the association list
//     holds every (id, status) pair of the data;
//   - roundtrip: system and peer status words decode and re-encode to the
//     same 16 bits;
//   - invariant: NormalizeData returns trimmed keys and values free of the
//     ',' and '=' that delimit them, no more pairs than the data holds.
func Control(data []byte) error {
	dgrams := splitMode6(data)
	op := uint8(control.OpReadVariables)
	if len(data) > 1 && data[1]&0x1f == control.OpReadStatus {
		op = control.OpReadStatus
	}
	conn := &datagramConn{replies: dgrams}
	cl := control.NTPClient{Sequence: 1, Connection: conn}
	msg, err := cl.Communicate(&control.NTPControlMsgHead{
		VnMode: control.MakeVnMode(2, control.Mode),
		REMOp:  control.MakeREMOp(false, false, false, int(op)),
	})
	if err != nil {
		return nil
	}
	want, head, ok := reassemble(dgrams)
	if !ok {
		return harness.Violated("differential", "Data", "client assembled %d octets from datagrams an independent reassembly rejects", len(msg.Data))
	}
	if !bytes.Equal(msg.Data, want) {
		return harness.Violated("differential", "Data", "client %q, reassembly %q", msg.Data, want)
	}
	if msg.NTPControlMsgHead != head {
		return harness.Violated("differential", "NTPControlMsgHead", "client %+v, last datagram %+v", msg.NTPControlMsgHead, head)
	}
	if err := checkStatusWords(msg.Status); err != nil {
		return err
	}
	_, _ = msg.GetVersion(), msg.GetMode()
	_, _ = msg.IsResponse(), msg.HasError()
	_ = control.ReadFlashStatusWord(msg.Status)
	if _, err := msg.GetSystemStatus(); err == nil {
		if err := checkAssociations(msg, len(dgrams) > 1); err != nil {
			return err
		}
	}
	if _, err := msg.GetPeerStatus(); err == nil {
		kv, err := msg.GetAssociationInfo()
		if err == nil {
			return checkVariables(kv, msg.Data)
		}
	}
	return nil
}

// reassemble concatenates the data of each datagram up to the first one
// without the More bit, reading each as the client's 1024-octet buffer does.
func reassemble(dgrams [][]byte) (data []byte, last control.NTPControlMsgHead, ok bool) {
	data = []byte{}
	for _, d := range dgrams {
		d = d[:min(len(d), mode6ReadBuf)]
		if len(d) < mode6HeadLen {
			return nil, last, false
		}
		last = control.NTPControlMsgHead{
			VnMode: d[0], REMOp: d[1],
			Sequence: binary.BigEndian.Uint16(d[2:]), Status: binary.BigEndian.Uint16(d[4:]),
			AssociationID: binary.BigEndian.Uint16(d[6:]), Offset: binary.BigEndian.Uint16(d[8:]),
			Count: binary.BigEndian.Uint16(d[10:]),
		}
		end := mode6HeadLen + int(last.Count)
		if end > len(d) {
			return nil, last, false
		}
		data = append(data, d[mode6HeadLen:end]...)
		if d[1]&0x20 == 0 {
			return data, last, true
		}
	}
	return nil, last, false
}

func checkStatusWords(w uint16) error {
	if got := control.ReadSystemStatusWord(w).Word(); got != w {
		return harness.Violated("roundtrip", "SystemStatusWord", "%#04x decodes and re-encodes to %#04x", w, got)
	}
	if got := control.ReadPeerStatusWord(w).Word(); got != w {
		return harness.Violated("roundtrip", "PeerStatusWord", "%#04x decodes and re-encodes to %#04x", w, got)
	}
	return nil
}

// checkAssociations requires GetAssociations to list every (association id,
// peer status) pair of the data, the last one winning for a repeated id.
func checkAssociations(msg *control.NTPControlMsg, fragmented bool) error {
	got, err := msg.GetAssociations()
	if err != nil {
		return harness.Violated("invariant", "GetAssociations", "read status reply refused: %v", err)
	}
	entries := msg.Data
	if tolerateAssocCount(msg, fragmented) {
		entries = entries[:msg.Count/4*4]
	}
	want := map[uint16]uint16{}
	for i := 0; i+4 <= len(entries); i += 4 {
		want[binary.BigEndian.Uint16(entries[i:])] = binary.BigEndian.Uint16(entries[i+2:])
	}
	if len(got) != len(want) {
		return harness.Violated("differential", "GetAssociations", "%d associations listed, data holds %d", len(got), len(want))
	}
	for id, st := range want {
		psw, ok := got[id]
		if !ok {
			return harness.Violated("differential", "GetAssociations", "association %d (status %#04x) missing", id, st)
		}
		if psw.Word() != st {
			return harness.Violated("differential", fmt.Sprintf("GetAssociations[%d]", id), "status %#04x, data %#04x", psw.Word(), st)
		}
	}
	return nil
}

// checkVariables holds NormalizeData to what its callers rely on.
func checkVariables(kv map[string]string, data []byte) error {
	pairs := strings.Count(string(data), ",") + 1
	if len(kv) > pairs {
		return harness.Violated("invariant", "NormalizeData", "%d variables from %d comma-separated pairs", len(kv), pairs)
	}
	for k, v := range kv {
		if strings.ContainsAny(k, ",=") || strings.ContainsAny(v, ",=") {
			return harness.Violated("invariant", "NormalizeData", "delimiter inside %q=%q", k, v)
		}
		if k != strings.TrimSpace(k) || v != strings.TrimSpace(v) {
			return harness.Violated("invariant", "NormalizeData", "untrimmed %q=%q", k, v)
		}
	}
	return nil
}
