package dhcpfuzz

import "encoding/binary"

// The multi-packet targets (Client4) take their packets as records: a
// 2-byte big-endian length, then that many bytes. A final record shorter
// than its length takes what is left, so every input decodes and a mutated
// length only moves bytes between packets.

// EncodeRecords frames packets as records; corpus/gen/dhcp uses it to write
// seeds in exactly the format splitRecords reads.
func EncodeRecords(packets ...[]byte) []byte {
	var out []byte
	for _, p := range packets {
		out = binary.BigEndian.AppendUint16(out, uint16(len(p)))
		out = append(out, p...)
	}
	return out
}

// splitRecords is the inverse of EncodeRecords.
func splitRecords(data []byte) [][]byte {
	var out [][]byte
	for len(data) >= 2 {
		n := int(binary.BigEndian.Uint16(data))
		data = data[2:]
		if n > len(data) {
			n = len(data)
		}
		out = append(out, data[:n])
		data = data[n:]
	}
	return out
}
