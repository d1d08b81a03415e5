package ossfuzz

import (
	"bytes"
	"errors"
	"testing"
)

func TestEncodeBytesRoundTrip(t *testing.T) {
	for _, p := range [][]byte{
		{},
		{0},
		bytes.Repeat([]byte{0xff}, 29),
		bytes.Repeat([]byte{'a'}, 30), // the length the consumer substitutes for 0
		bytes.Repeat([]byte{'b'}, 31),
		bytes.Repeat([]byte{1, 2, 3}, 40000), // longer than 16 bits
	} {
		got, err := DecodeBytes(EncodeBytes(p))
		if err != nil {
			t.Fatalf("DecodeBytes(EncodeBytes(%d bytes)): %v", len(p), err)
		}
		if !bytes.Equal(got, p) {
			t.Errorf("round trip of %d bytes gave %d bytes", len(p), len(got))
		}
	}
}

func TestDecodeBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want []byte
	}{
		{"exact length", []byte{0, 0, 0, 2, 'h', 'i'}, []byte("hi")},
		{"trailing bytes ignored", []byte{0, 0, 0, 1, 'h', 'i'}, []byte("h")},
		{"length reduced modulo the rest", []byte{0, 0, 0, 5, 'a', 'b', 'c'}, []byte("ab")},
		{"zero length means 30, reduced", []byte{0, 0, 0, 0, 'a', 'b', 'c', 'd'}, []byte("ab")},
		{"length a multiple of the rest", []byte{0, 0, 0, 6, 'a', 'b', 'c'}, []byte{}},
	} {
		got, err := DecodeBytes(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s: DecodeBytes(% x) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
	for _, in := range [][]byte{nil, {0, 0, 0}, {0, 0, 0, 9}} {
		if _, err := DecodeBytes(in); !errors.Is(err, ErrNotRunnable) {
			t.Errorf("DecodeBytes(% x) error = %v, want ErrNotRunnable", in, err)
		}
	}
}

// FuzzEncodeBytes checks the round trip on arbitrary payloads, and that
// decoding never panics on arbitrary libFuzzer inputs.
func FuzzEncodeBytes(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, p []byte) {
		got, err := DecodeBytes(EncodeBytes(p))
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("round trip of % x: got % x, %v", p, got, err)
		}
		if d, err := DecodeBytes(p); err == nil && len(d) > len(p) {
			t.Fatalf("decoded %d bytes from a %d-byte input", len(d), len(p))
		}
	})
}
