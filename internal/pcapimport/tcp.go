package pcapimport

import "encoding/binary"

// Limits that keep memory bounded whatever the capture holds.
const (
	maxFlows        = 4096    // open TCP directions tracked at once
	maxPending      = 1 << 18 // bytes of out-of-order segments held per direction
	maxStream       = 1 << 16 // bytes an ntske stream input may hold
	maxDNSFramedLen = 1 << 16 // a 2-byte length cannot say more
)

// flowKey names one direction of a TCP connection.
type flowKey struct {
	src, dst         [16]byte
	srcPort, dstPort uint16
}

// stream reassembles one direction of a TCP connection in sequence order.
type stream struct {
	format    string
	flow      string
	started   bool
	next      uint32            // next expected sequence number
	buf       []byte            // in-order bytes not yet emitted
	pending   map[uint32][]byte // out-of-order segments by sequence number
	pendBytes int
	lastSeen  int // packet number, for eviction
	packet    int // packet that completed the newest data
}

// add takes one segment; it returns false if the stream gave up (too much
// out-of-order data) and should be dropped.
func (s *stream) add(seq uint32, syn bool, data []byte, packet int) bool {
	if syn {
		s.started, s.next = true, seq+1
		return true
	}
	if len(data) == 0 {
		return true
	}
	if !s.started {
		s.started, s.next = true, seq // the capture began mid-connection
	}
	s.lastSeen = packet
	switch d := int32(seq - s.next); {
	case d > 0: // a gap: hold it until the missing bytes arrive
		if _, dup := s.pending[seq]; dup {
			return true
		}
		if s.pendBytes+len(data) > maxPending {
			return false
		}
		if s.pending == nil {
			s.pending = map[uint32][]byte{}
		}
		s.pending[seq] = append([]byte(nil), data...)
		s.pendBytes += len(data)
		return true
	case d < 0: // a retransmission, maybe with new bytes at its end
		if int(-d) >= len(data) {
			return true
		}
		data = data[-d:]
	}
	s.append(data, packet)
	for len(s.pending) > 0 {
		progressed := false
		for seq, seg := range s.pending {
			d := int32(seq - s.next)
			if d > 0 {
				continue
			}
			delete(s.pending, seq)
			s.pendBytes -= len(seg)
			if int(-d) < len(seg) {
				s.append(seg[-d:], packet)
			}
			progressed = true
		}
		if !progressed {
			break
		}
	}
	return true
}

func (s *stream) append(data []byte, packet int) {
	s.next += uint32(len(data))
	s.packet = packet
	if s.format == FormatNTSKE && len(s.buf)+len(data) > maxStream {
		data = data[:max(0, maxStream-len(s.buf))]
	}
	s.buf = append(s.buf, data...)
}

// messages splits the complete DNS messages off the front of a DNS stream.
func (s *stream) messages(emit func([]byte)) {
	for len(s.buf) >= 2 {
		n := int(binary.BigEndian.Uint16(s.buf))
		if len(s.buf) < 2+n {
			break
		}
		emit(s.buf[2 : 2+n])
		s.buf = s.buf[2+n:]
	}
	if len(s.buf) == 0 {
		s.buf = nil // let a long-lived connection's array go
	}
}
