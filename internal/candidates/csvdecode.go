package candidates

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// CSVFormat is what was found about an uploaded file: its text encoding and
// its separator, said plainly so the recruiter can check it.
type CSVFormat struct {
	Encoding  string
	Separator rune
}

// SeparatorName names the separator in words.
func (f CSVFormat) SeparatorName() string {
	switch f.Separator {
	case ';':
		return "semicolons"
	case '\t':
		return "tabs"
	}
	return "commas"
}

// String describes the format: "UTF-8, separated by commas".
func (f CSVFormat) String() string { return f.Encoding + ", separated by " + f.SeparatorName() }

// DecodeCSV turns an uploaded file into UTF-8 text and finds its separator:
// UTF-8 with or without a byte-order mark, UTF-16 with one (as Excel's
// "Unicode text"), else Windows-1252 (Excel's "CSV" on Western systems);
// comma, semicolon (Excel where the decimal mark is a comma) or tab.
func DecodeCSV(raw []byte) (string, CSVFormat) {
	var f CSVFormat
	var text string
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		text, f.Encoding = string(raw[3:]), "UTF-8 (with byte-order mark)"
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		f.Encoding = "UTF-16 little-endian"
		if raw[0] == 0xFE {
			dec = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
			f.Encoding = "UTF-16 big-endian"
		}
		b, err := dec.Bytes(raw)
		if err != nil {
			b = raw
		}
		text = string(b)
	case utf8.Valid(raw):
		text, f.Encoding = string(raw), "UTF-8"
	default:
		b, _ := charmap.Windows1252.NewDecoder().Bytes(raw)
		text, f.Encoding = string(b), "Windows-1252 (Western European, as saved by Excel)"
	}
	f.Separator = separatorOf(text)
	return text, f
}

// separatorOf picks the separator the header line uses most.
func separatorOf(text string) rune {
	header, _, _ := strings.Cut(text, "\n")
	best, n := ',', strings.Count(header, ",")
	for _, sep := range []rune{';', '\t'} {
		if c := strings.Count(header, string(sep)); c > n {
			best, n = sep, c
		}
	}
	return best
}
