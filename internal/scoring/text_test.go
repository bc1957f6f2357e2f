package scoring

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func texts(toks []token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name          string
		in            string
		split, joined []string
	}{
		{"words and case", "The  QUICK\tfox\n", []string{"the", "quick", "fox"}, nil},
		{"accents", "Café NAÏVE Straße Łódź façade", []string{"cafe", "naiv", "strass", "lodz", "facad"}, nil},
		{"decomposed accents", "cafe\u0301 e\u0301te\u0301", []string{"cafe", "et"}, nil},
		{"punctuation is a token", "count(DISTINCT x), ok.", []string{"count", "(", "distinct", "x", ")", ",", "ok", "."}, nil},
		{"hyphen joins", "sign-on", []string{"sign", "on"}, []string{"signon"}},
		{"underscore joins", "signup_week", []string{"signup", "week"}, []string{"signupweek"}},
		{"apostrophe joins", "o’clock", []string{"o", "clock"}, []string{"oclock"}},
		{"camel case", "lastSeen RWMutex", []string{"last", "seen", "rw", "mutex"}, []string{"lastseen", "rwmutex"}},
		{"digits stay in words", "p95 int64 O(n)", []string{"p95", "int64", "o", "(", "n", ")"}, nil},
		{"lone hyphen and quotes are symbols", "- 'week' a--b", []string{"-", "'", "week", "'", "a", "-", "-", "b"}, nil},
		{"stemming", "Retries apologised rolling", []string{"retri", "apologiz", "roll"}, nil},
		{"typographic quotes", "“quoted”", []string{`"`, "quot", `"`}, nil},
		{"full-width forms", "ＡＢＣ１", []string{"abc1"}, nil},
		{"invalid UTF-8 separates", "a\xffb", []string{"a", "b"}, nil},
		{"soft hyphen ignored", "sign\u00ADon", []string{"signon"}, nil},
		{"empty", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tokenize(tt.in)
			if !slices.Equal(texts(got.split), tt.split) {
				t.Errorf("split = %q, want %q", texts(got.split), tt.split)
			}
			joined := tt.joined
			if joined == nil {
				joined = tt.split
			}
			if !slices.Equal(texts(got.joined), joined) {
				t.Errorf("joined = %q, want %q", texts(got.joined), joined)
			}
			for _, tk := range append(got.split, got.joined...) {
				if tk.start < 0 || tk.start >= tk.end || tk.end > len(tt.in) {
					t.Errorf("token %q has span [%d,%d) outside %q", tk.text, tk.start, tk.end, tt.in)
				}
			}
		})
	}
}

func TestTokenizeOffsets(t *testing.T) {
	in := "Ça va: sign-on, lastSeen e\u0301t\u00e9!"
	got := tokenize(in)
	var spans []string
	for _, tk := range got.split {
		spans = append(spans, in[tk.start:tk.end])
	}
	want := []string{"Ça", "va", ":", "sign", "on", ",", "last", "Seen", "e\u0301t\u00e9", "!"}
	if !slices.Equal(spans, want) {
		t.Errorf("split spans = %q, want %q", spans, want)
	}
	spans = spans[:0]
	for _, tk := range got.joined {
		spans = append(spans, in[tk.start:tk.end])
	}
	want = []string{"Ça", "va", ":", "sign-on", ",", "lastSeen", "e\u0301t\u00e9", "!"}
	if !slices.Equal(spans, want) {
		t.Errorf("joined spans = %q, want %q", spans, want)
	}
}

func TestStem(t *testing.T) {
	groups := [][]string{
		{"apologize", "apologized", "apologizing", "apologizes", "apologise", "apologised", "apologising", "apologises"},
		{"retry", "retries", "retried", "retrying"},
		{"roll", "rolled", "rolling", "rolls"},
		{"stop", "stopped", "stopping", "stops"},
		{"make", "making", "makes"},
		{"deduplicate", "deduplicated", "deduplicates", "deduplicating"},
		{"speed", "speeding", "speeds"},
		{"exceed", "exceeded", "exceeding", "exceeds"},
		{"agree", "agreed", "agreeing", "agrees"},
		{"analyse", "analyze", "analysed", "analyzing"},
		{"customer", "customers"},
		{"miss", "missed", "missing"},
		{"control", "controlled", "controlling"},
		{"escalate", "escalated", "escalating", "escalates"},
	}
	for _, g := range groups {
		t.Run(g[0], func(t *testing.T) {
			want := stem(g[0])
			for _, w := range g[1:] {
				if got := stem(w); got != want {
					t.Errorf("stem(%q) = %q, want %q like stem(%q)", w, got, want, g[0])
				}
			}
		})
	}
	for _, w := range []string{"", "a", "is", "p95", "naïve", "日本"} {
		if got := stem(w); got != w {
			t.Errorf("stem(%q) = %q, want it unchanged", w, got)
		}
	}
	// Different words stay different.
	for _, pair := range [][2]string{{"rise", "rize"}, {"risk", "brisk"}, {"plan", "planet"}, {"organize", "organization"}} {
		if stem(pair[0]) == stem(pair[1]) {
			t.Errorf("stem(%q) == stem(%q) = %q", pair[0], pair[1], stem(pair[0]))
		}
	}
}

func TestFoldTable(t *testing.T) {
	for r, want := range map[rune]string{
		'é': "e", 'É': "e", 'ñ': "n", 'ç': "c", 'ø': "o", 'Ø': "o", 'æ': "ae", 'ß': "ss", 'ẞ': "ss",
		'ł': "l", 'đ': "d", 'œ': "oe", 'þ': "th", 'ğ': "g", 'ș': "s", 'ț': "t", 'ệ': "e", 'ﬁ': "fi",
	} {
		var b strings.Builder
		foldRune(&b, r)
		if b.String() != want {
			t.Errorf("fold(%q) = %q, want %q", r, b.String(), want)
		}
	}
	for r, s := range latinFold {
		for _, c := range s {
			if c < 'a' || c > 'z' {
				t.Errorf("latinFold[%q] = %q, want lower-case ASCII letters", r, s)
			}
		}
	}
	// Case folding beyond ToLower.
	for in, want := range map[string]string{"ΣΙΣΥΦΟΣ": "σισυφοσ", "σισυφος": "σισυφοσ", "ſ": "s", "\u212A": "k", "İ": "i"} {
		if got := texts(tokenize(in).split); len(got) != 1 || got[0] != want {
			t.Errorf("tokenize(%q) = %q, want [%q]", in, got, want)
		}
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		phrase string
		want   string // the matched text of answer, "" for no match
	}{
		{"exact", "We store an idempotency key.", "idempotency key", "idempotency key"},
		{"case", "WE STORE AN IDEMPOTENCY KEY", "Idempotency Key", "IDEMPOTENCY KEY"},
		{"white space", "idempotency\n\t key", "idempotency key", "idempotency\n\t key"},
		{"accent in answer", "Nous avons résolu le problème", "resolu", "résolu"},
		{"accent in phrase", "une cafe creme", "café crème", "cafe creme"},
		{"decomposed accent", "un cafe\u0301 noir", "café", "cafe\u0301"},
		{"sharp s", "die Straße", "strasse", "Straße"},
		{"hyphen vs space", "single sign on is down", "sign-on", "sign on"},
		{"space vs hyphen", "the sign-on service", "sign on", "sign-on"},
		{"joined vs hyphen", "the sign-on service", "signon", "sign-on"},
		{"hyphen vs joined", "our signon service", "sign-on", "signon"},
		{"space vs joined does not match", "our signon service", "sign on", ""},
		{"follow-up", "we agreed on follow up actions", "follow-up", "follow up"},
		{"curly apostrophe", "by 11 o’clock", "o'clock", "o’clock"},
		{"apostrophe dropped", "by 11 oclock", "o'clock", "oclock"},
		{"possessive", "the customers answer", "customer's answer", "customers answer"},
		{"stem -ize/-ise", "We apologise for this.", "apologize", "apologise"},
		{"stem -ing", "I am apologizing", "apologized", "apologizing"},
		{"stem retries", "it retried twice", "retries", "retried"},
		{"stem inside phrase", "we rolled back the deploy", "roll back", "rolled back"},
		{"not a prefix match", "a brisk walk", "risk", ""},
		{"not a word prefix", "retrospective", "retro", ""},
		{"contiguous only", "the root of the cause", "root cause", ""},
		{"punctuation breaks a phrase", "root, cause", "root cause", ""},
		{"sentence punctuation around", "(see: root cause.)", "root cause", "root cause"},
		{"code punctuation must match", "SELECT COUNT( DISTINCT user_id)", "count(distinct", "COUNT( DISTINCT"},
		{"code punctuation missing", "count distinct users", "count(distinct", ""},
		{"big O", "runs in O(N) time", "O(n)", "O(N)"},
		{"big O differs", "runs in O(n log n) time", "O(n)", ""},
		{"p value", "we got p=0.03 here", "p = 0.03", "p=0.03"},
		{"percent", "a lift of 20 %", "20%", "20 %"},
		{"p95", "the P95 latency", "p95", "P95"},
		{"camel answer", "l.lastSeen[key] = now", "last seen", "lastSeen"},
		{"camel phrase", "track the last seen time", "lastSeen", "last seen"},
		{"snake vs camel", "last_seen := now", "lastSeen", "last_seen"},
		{"camel prefix in code", "func TestAllow(t *testing.T) {", "func Test", "func Test"},
		{"method call", "l.mu.Lock()\ndefer l.mu.Unlock()", "mu.Lock", "mu.Lock"},
		{"parens", "defer mu.Lock ()", "Lock()", "Lock ()"},
		{"sql quote", "date_trunc('week', u.signup_at)", "date_trunc('week'", "date_trunc('week'"},
		{"earliest occurrence", "queue here, and a queue there", "queue", "queue"},
		{"empty phrase", "anything", "", ""},
		{"blank phrase", "anything", "  ", ""},
		{"phrase longer than answer", "one", "one two", ""},
		{"empty answer", "", "one", ""},
		{"symbol phrase", "wow!!!", "!!", "!!"},
		// The examples of docs/scoring.md.
		{"doc accents", "my RÉSUMÉ", "résumé", "RÉSUMÉ"},
		{"doc accents plain", "my resume", "résumé", "resume"},
		{"doc plural", "the risks", "risk", "risks"},
		{"doc no derived word", "a risky plan", "risk", ""},
		{"doc p value without sign", "p 0.03", "p = 0.03", ""},
		{"doc trailing full stop", "check the signature.", "signature", "signature"},
		{"doc numbers as words", "the five whys", "5 whys", ""},
		{"doc lines", "root\ncause", "root cause", "root\ncause"},
		{"doc snake case", "last_seen", "last seen", "last_seen"},
		{"doc retrying", "retrying", "retry", "retrying"},
		{"doc derivation", "atomically", "atomic", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := newMatcher(tt.answer).find(tt.phrase)
			got := ""
			if ok {
				got = tt.answer[m.start:m.end]
			}
			if got != tt.want {
				t.Errorf("find(%q) in %q = %q, want %q", tt.phrase, tt.answer, got, tt.want)
			}
		})
	}
}

func TestFindEarliest(t *testing.T) {
	answer := "a queue; later another queue"
	m, ok := newMatcher(answer).find("queue")
	if !ok || m.start != strings.Index(answer, "queue") {
		t.Fatalf("find = %v, %v, want the first queue at %d", m, ok, strings.Index(answer, "queue"))
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("word ", 40)
	tests := []struct {
		name       string
		text       string
		start, end int
		want       string
	}{
		{"whole short text", "We use a\n\nqueue here.", 11, 16, "We use a queue here."},
		{"cut both sides at spaces", long + "MATCH " + long, len(long), len(long) + 5,
			"…" + strings.TrimSpace(strings.Repeat("word ", 9)) + " MATCH " + strings.TrimSpace(strings.Repeat("word ", 9)) + "…"},
		{"long match is shortened", strings.Repeat("x ", 300), 0, 599, strings.TrimSpace(strings.Repeat("x ", 100)) + " …"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := snippet(tt.text, tt.start, tt.end)
			if got != tt.want {
				t.Errorf("snippet = %q, want %q", got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > 2*snippetContext+snippetMaxMatch+10 {
				t.Errorf("snippet has %d runes", n)
			}
		})
	}
}
