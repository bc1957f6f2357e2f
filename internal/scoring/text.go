package scoring

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text matching. Answers and rubric phrases are turned into tokens the same
// way, and a phrase matches where its tokens appear next to each other in the
// answer's tokens. No regular expression is ever built from text.
//
// Tokenizing works on the original text, rune by rune, so every token keeps
// the byte span it came from:
//
//   - Letters and digits form words. They are case-folded and accents are
//     removed (é → e, ß → ss); combining marks are ignored.
//   - A hyphen, underscore or apostrophe between two word characters joins
//     the words into a compound ("sign-on", "signup_week", "o'clock"), and so
//     does a change of case inside a word ("lastSeen", "RWMutex"). A
//     compound is tokenized twice: split into its parts ("sign", "on") and
//     joined into one word ("signon"). A phrase matches an answer if its
//     split tokens appear in the answer's split tokens, or its joined tokens
//     in the answer's joined tokens; so "sign-on" matches "sign on",
//     "sign-on" and "signon", and "last seen" matches "lastSeen".
//   - White space only separates tokens.
//   - Any other character (punctuation, symbols) is a token of its own, so
//     "count(distinct" matches "COUNT( DISTINCT" but not "count distinct",
//     and "O(n)" does not match "O(n log n)".
//   - Words of letters a–z are stemmed (see stem), so "retries" matches
//     "retry" and "apologising" matches "apologize".

// token is one unit of normalised text and the byte span of the original
// text it came from.
type token struct {
	text       string
	start, end int
}

// tokens is a text tokenized with compounds split (split) and joined
// (joined). Text without compounds gives the same tokens in both.
type tokens struct {
	split, joined []token
}

// char is a decoded rune of the original text.
type char struct {
	r         rune
	pos, size int
}

// Character classes.
const (
	classSpace  = iota // separates tokens
	classMark          // combining mark: part of the word before it, ignored
	classWord          // letter or digit
	classJoiner        // joins two words into a compound
	classSymbol        // a token of its own
)

func classify(r rune) int {
	switch {
	case r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r):
		return classSpace
	case r == '-' || r == '_' || r == '\'':
		return classJoiner
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r):
		// Combining marks, and invisible format characters such as the soft
		// hyphen and zero-width spaces.
		return classMark
	case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mc, r):
		return classWord
	case unicode.IsGraphic(r):
		return classSymbol
	}
	return classSpace
}

// normRune replaces typographic variants of ASCII punctuation and full-width
// ASCII forms by plain ASCII, before the rune is classified.
func normRune(r rune) rune {
	switch r {
	case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '\u02BC', '\u0060', '\u00B4':
		return '\''
	case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033', '\u00AB', '\u00BB':
		return '"'
	case '\u2010', '\u2011', '\u2212':
		return '-'
	}
	if r >= '\uFF01' && r <= '\uFF5E' {
		return r - 0xFEE0
	}
	return r
}

// foldRune appends the case-folded, unaccented form of a word rune.
func foldRune(b *strings.Builder, r rune) {
	l := unicode.ToLower(r)
	if l == r {
		// Letters whose lower case is not their folded form, e.g. final
		// sigma, long s, Kelvin sign.
		l = unicode.ToLower(unicode.ToUpper(r))
	}
	if f, ok := latinFold[l]; ok {
		b.WriteString(f)
		return
	}
	b.WriteRune(l)
}

// tokenize tokenizes s. See the comment at the top of this file.
func tokenize(s string) tokens {
	chars := make([]char, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		chars = append(chars, char{r: normRune(r), pos: i, size: size})
		i += size
	}

	var t tokens
	type segment struct {
		text       strings.Builder
		start, end int
	}
	var segs []*segment // the segments of the current compound
	flush := func() {
		if len(segs) == 0 {
			return
		}
		var whole strings.Builder
		for _, sg := range segs {
			t.split = append(t.split, token{stem(sg.text.String()), sg.start, sg.end})
			whole.WriteString(sg.text.String())
		}
		t.joined = append(t.joined, token{stem(whole.String()), segs[0].start, segs[len(segs)-1].end})
		segs = segs[:0]
	}
	symbol := func(c char) {
		tk := token{string(c.r), c.pos, c.pos + c.size}
		t.split = append(t.split, tk)
		t.joined = append(t.joined, tk)
	}

	newSegment := true // the next word rune starts a segment
	prevWord := rune(-1)
	for i, c := range chars {
		switch classify(c.r) {
		case classWord:
			if len(segs) > 0 && !newSegment && camelBoundary(prevWord, c.r, chars, i) {
				newSegment = true
			}
			if newSegment || len(segs) == 0 {
				segs = append(segs, &segment{start: c.pos})
				newSegment = false
			}
			sg := segs[len(segs)-1]
			foldRune(&sg.text, c.r)
			sg.end = c.pos + c.size
			prevWord = c.r
		case classMark:
			if len(segs) > 0 && !newSegment {
				segs[len(segs)-1].end = c.pos + c.size
			}
		case classJoiner:
			if len(segs) > 0 && !newSegment && i+1 < len(chars) && classify(chars[i+1].r) == classWord {
				newSegment = true
				continue
			}
			flush()
			newSegment = true
			symbol(c)
		case classSymbol:
			flush()
			newSegment = true
			symbol(c)
		default:
			flush()
			newSegment = true
		}
	}
	flush()
	return t
}

// camelBoundary reports whether a word rune r, which follows the word rune
// prev in the same word, starts a new part of a camel-case compound:
// "lastSeen" → last|Seen, "RWMutex" → RW|Mutex. Digits never start a part.
func camelBoundary(prev, r rune, chars []char, i int) bool {
	if !unicode.IsUpper(r) {
		return false
	}
	if unicode.IsLower(prev) {
		return true
	}
	if unicode.IsUpper(prev) && i+1 < len(chars) {
		return unicode.IsLower(chars[i+1].r)
	}
	return false
}

// matcher finds phrases in one answer.
type matcher struct {
	vocab         map[string]int32
	split, joined stream
}

// stream is one token stream of the answer, indexed by token.
type stream struct {
	toks []token
	ids  []int32
	at   map[int32][]int32 // positions of each token id, ascending
}

func newMatcher(text string) *matcher {
	t := tokenize(text)
	m := &matcher{vocab: map[string]int32{}}
	m.split = m.index(t.split)
	m.joined = m.index(t.joined)
	return m
}

func (m *matcher) index(toks []token) stream {
	s := stream{toks: toks, ids: make([]int32, len(toks)), at: map[int32][]int32{}}
	for i, tk := range toks {
		id, ok := m.vocab[tk.text]
		if !ok {
			id = int32(len(m.vocab))
			m.vocab[tk.text] = id
		}
		s.ids[i] = id
		s.at[id] = append(s.at[id], int32(i))
	}
	return s
}

// match is where a phrase was found in the answer.
type match struct {
	start, end int
}

// before reports whether a is the better of two matches: the earlier one,
// and of two that start together the longer one.
func (a match) before(b match) bool {
	if a.start != b.start {
		return a.start < b.start
	}
	return a.end > b.end
}

// find returns the earliest match of phrase in the answer.
func (m *matcher) find(phrase string) (match, bool) {
	p := tokenize(phrase)
	best, found := match{}, false
	for _, try := range []struct {
		phrase []token
		in     *stream
	}{{p.split, &m.split}, {p.joined, &m.joined}} {
		if mt, ok := m.findIn(try.phrase, try.in); ok && (!found || mt.before(best)) {
			best, found = mt, true
		}
	}
	return best, found
}

// findIn returns the earliest occurrence of the phrase tokens in s. It looks
// up the phrase's rarest token and checks the phrase around each of its
// occurrences, in order, so it costs at most (occurrences × phrase length).
func (m *matcher) findIn(phrase []token, s *stream) (match, bool) {
	if len(phrase) == 0 || len(phrase) > len(s.ids) {
		return match{}, false
	}
	ids := make([]int32, len(phrase))
	anchor := 0
	for i, tk := range phrase {
		id, ok := m.vocab[tk.text]
		if !ok {
			return match{}, false
		}
		ids[i] = id
		if len(s.at[id]) < len(s.at[ids[anchor]]) {
			anchor = i
		}
	}
	for _, at := range s.at[ids[anchor]] {
		start := int(at) - anchor
		if start < 0 {
			continue
		}
		if start+len(ids) > len(s.ids) {
			break
		}
		if equalIDs(s.ids[start:start+len(ids)], ids) {
			return match{s.toks[start].start, s.toks[start+len(ids)-1].end}, true
		}
	}
	return match{}, false
}

func equalIDs(a, b []int32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Snippet sizes, in runes.
const (
	snippetContext  = 50  // of context on each side of the match
	snippetMaxMatch = 200 // of the match itself
)

// snippet returns the text around text[start:end] for display: up to
// snippetContext runes on each side, cut at white space where possible, with
// runs of white space shown as one space and "…" where the text was cut.
func snippet(text string, start, end int) string {
	from := start
	for n := 0; n < snippetContext && from > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:from])
		from -= size
	}
	if from > 0 {
		// Start after the first white space, so as not to show half a word.
		if i := strings.IndexFunc(text[from:start], unicode.IsSpace); i >= 0 {
			from += i
		}
	}
	to := end
	for n := 0; n < snippetContext && to < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[to:])
		to += size
	}
	if to < len(text) {
		if i := strings.LastIndexFunc(text[end:to], unicode.IsSpace); i >= 0 {
			to = end + i
		}
	}

	mid := text[start:end]
	if utf8.RuneCountInString(mid) > snippetMaxMatch {
		mid = cutRunes(mid, snippetMaxMatch) + " … "
	}
	out := collapseSpace(text[from:start] + mid + text[end:to])
	if from > 0 {
		out = "…" + out
	}
	if to < len(text) {
		out += "…"
	}
	return strings.ToValidUTF8(out, "\uFFFD")
}

// collapseSpace replaces each run of white space by one space and trims the
// ends.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cutRunes returns the first n runes of s.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// findAll returns every match of phrase in the answer, in order, each once
// (a match found in both the split and the joined tokens counts once).
func (m *matcher) findAll(phrase string) []match {
	p := tokenize(phrase)
	all := append(m.findAllIn(p.split, &m.split), m.findAllIn(p.joined, &m.joined)...)
	slices.SortFunc(all, func(a, b match) int {
		if a.before(b) {
			return -1
		}
		if b.before(a) {
			return 1
		}
		return 0
	})
	return slices.Compact(all)
}

// findAllIn returns the occurrences of the phrase tokens in s, in order,
// at the same cost as findIn.
func (m *matcher) findAllIn(phrase []token, s *stream) []match {
	if len(phrase) == 0 || len(phrase) > len(s.ids) {
		return nil
	}
	ids := make([]int32, len(phrase))
	anchor := 0
	for i, tk := range phrase {
		id, ok := m.vocab[tk.text]
		if !ok {
			return nil
		}
		ids[i] = id
		if len(s.at[id]) < len(s.at[ids[anchor]]) {
			anchor = i
		}
	}
	var out []match
	for _, at := range s.at[ids[anchor]] {
		start := int(at) - anchor
		if start < 0 {
			continue
		}
		if start+len(ids) > len(s.ids) {
			break
		}
		if equalIDs(s.ids[start:start+len(ids)], ids) {
			out = append(out, match{s.toks[start].start, s.toks[start+len(ids)-1].end})
		}
	}
	return out
}
