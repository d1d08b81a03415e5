package toy

import "testing"

func FuzzParse(f *testing.F) {
	f.Add([]byte("seed"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := Parse(data); err != nil && len(data) > 0 && data[0] == 'f' {
			t.Fatal(err)
		}
	})
}
