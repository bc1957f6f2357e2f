package scoring

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// FuzzMatch checks the normaliser and matcher on any answer and phrase: they
// never panic, a match lies within the answer, starts and ends on rune
// boundaries, and really is the phrase (the matched text tokenizes like the
// phrase), and the scorer's evidence agrees with the matcher. The seeds run
// with the normal tests; go test -fuzz FuzzMatch ./internal/scoring explores
// further.
func FuzzMatch(f *testing.F) {
	seeds := [][2]string{
		{"We store an idempotency key.", "idempotency key"},
		{"the sign-on service", "sign on"},
		{"our signon service", "sign-on"},
		{"by 11 o’clock", "o'clock"},
		{"un cafe\u0301 noir", "café"},
		{"die STRASSE", "Straße"},
		{"SELECT COUNT( DISTINCT user_id)", "count(distinct"},
		{"runs in O(N) time", "O(n)"},
		{"l.lastSeen[key] = now", "last seen"},
		{"func TestAllow(t *testing.T) {", "func Test"},
		{"It retried; we apologised.", "apologizing"},
		{"a\xffb\xe2\x82c", "b"},
		{"ABCd aBCd", "cd"},
		{"e\u0301-\u0301x", "e"},
		{"---___'''", "-"},
		{"ＡＢＣ and “quotes”", "abc"},
		{"", ""},
		{"x", ""},
		{"ΣΊΣΥΦΟΣ σίσυφος", "σίσυφος"},
		{"日本語のテキスト", "日本語"},
		{"\u00ADsoft\u00AD hyphen", "soft"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	for _, answers := range strongAnswers {
		for _, a := range answers {
			if a.Text != "" {
				f.Add(a.Text, "queue")
			}
		}
	}
	f.Fuzz(func(t *testing.T, answer, phrase string) {
		m, ok := newMatcher(answer).find(phrase)
		if ok {
			if m.start < 0 || m.start >= m.end || m.end > len(answer) {
				t.Fatalf("match [%d,%d) outside answer of %d bytes", m.start, m.end, len(answer))
			}
			if !runeBoundary(answer, m.start) || !runeBoundary(answer, m.end) {
				t.Fatalf("match [%d,%d) not on rune boundaries of %q", m.start, m.end, answer)
			}
			if !sameTokens(answer[m.start:m.end], phrase) {
				t.Fatalf("matched %q does not tokenize like phrase %q", answer[m.start:m.end], phrase)
			}
			s := snippet(answer, m.start, m.end)
			if !utf8.ValidString(s) {
				t.Fatalf("snippet %q is not valid UTF-8", s)
			}
		}

		q := posting.Question{Key: "q", Kind: posting.KindFreeText, MaxChars: posting.MaxFreeTextMaxChars,
			Rubric: &posting.Rubric{ExpectedPoints: []posting.RubricItem{{Text: "p", Weight: 1, Phrases: []string{phrase, "zzz"}}}}}
		sc := Rules{}.ScoreQuestion(nil, &q, Answer{Text: answer})
		ev := sc.Evidence[0]
		answered := strings.TrimSpace(answer) != ""
		if sc.Level < MinLevel || sc.Level > MaxLevel || sc.Fraction < 0 || sc.Fraction > 1 {
			t.Fatalf("score %+v out of range", sc)
		}
		if ev.Found {
			if ev.Start < 0 || ev.Start >= ev.End || ev.End > len(answer) {
				t.Fatalf("evidence %+v outside answer of %d bytes", ev, len(answer))
			}
			if !sameTokens(answer[ev.Start:ev.End], ev.Phrase) {
				t.Fatalf("evidence %q does not match phrase %q", answer[ev.Start:ev.End], ev.Phrase)
			}
		} else if ev.Start != -1 || ev.End != -1 {
			t.Fatalf("evidence %+v not found but has offsets", ev)
		}
		// Rules v2 reads phrases in context: a match that is negated, in a
		// bare list or only in a comment does not count, and the evidence
		// says so.
		if ok && answered && !ev.Found && !strings.HasPrefix(ev.Note, "not counted, ") {
			t.Fatalf("matcher found %q at %d but evidence is %+v", phrase, m.start, ev)
		}
	})
}

// runeBoundary reports whether i is where a rune starts or the text ends,
// decoding as the tokenizer does (an invalid byte is a rune of its own).
func runeBoundary(s string, i int) bool {
	for j := 0; j < len(s); {
		if j == i {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[j:])
		j += size
	}
	return i == len(s)
}
