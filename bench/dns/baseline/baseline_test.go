package baseline

import "testing"

func FuzzOSSFuzz(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { OSSFuzz(data) })
}

func FuzzOSSNewRR(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { OSSNewRR(data) })
}

func FuzzNaiveUnpack(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { NaiveUnpack(data) })
}
