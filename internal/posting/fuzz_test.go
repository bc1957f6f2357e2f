package posting

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzDecode checks that Decode never panics and that whatever it accepts
// survives Encode and Decode unchanged. The seed corpus in
// testdata/fuzz/FuzzDecode runs with the normal tests; run
// go test -fuzz FuzzDecode ./internal/posting to explore further.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(baseJSON))
	for _, file := range exampleFiles(f) {
		f.Add(mustRead(f, file))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Decode(bytes.NewReader(data))
		if err != nil {
			if p != nil {
				t.Fatal("Decode returned a posting and an error")
			}
			if de := AsDecodeError(err); de != nil && len(de.Errors) == 0 {
				t.Fatal("DecodeError without errors")
			}
			return
		}
		if v := p.Validate(); len(v) > 0 {
			t.Fatalf("decoded posting fails Validate: %v", v)
		}
		_ = p.Problems()
		enc, err := Encode(p)
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		p2, err := Decode(bytes.NewReader(enc))
		if err != nil {
			t.Fatalf("Decode(Encode(p)): %v\n%s", err, enc)
		}
		if !reflect.DeepEqual(p, p2) {
			t.Fatalf("Decode(Encode(p)) != p\n%s", enc)
		}
		enc2, err := Encode(p2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("Encode is not stable: %v", err)
		}
		if StructureChanged(p, p2) {
			t.Fatal("StructureChanged after a round trip")
		}
	})
}
