package scoring

import (
	"sort"
	"strings"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// Reading an open answer in context. Phrase matching alone rewards an answer
// for the words it contains; the rules below make it earn its credit by the
// way the words are used:
//
//   - a phrase the question itself hands the candidate (it appears in the
//     prompt, guidance or brief) earns nothing by being repeated;
//   - in prose, a phrase counts only inside a sentence (a clause with
//     function words such as verbs, pronouns and connectives), not in a bare
//     list of terms, and not when it is negated ("no transaction", "without
//     a lock", "never evicts", "a queue is not needed");
//   - in code, a phrase counts only in code (identifiers, statements,
//     literals), not in comments.
//
// These checks work on the tokens of text.go, so they cost a few passes over
// the answer.

// textDoc is an answer (or a prompt) tokenized with the context each token
// needs.
type textDoc struct {
	text    string
	code    bool
	toks    []token // split tokens
	word    []bool  // token is a word (letters or digits), not a symbol
	cont    []bool  // token continues the compound word of the one before
	comment []bool  // token lies in a code comment, or a line of prose in code
	seg     []int   // index of the token's sentence (prose) or line (code)
	segs    []segment
	words   int // words outside comments; a compound counts once
}

// segment is one sentence, clause-list or line of an answer.
type segment struct {
	// words counts the segment's words, function those of them that are
	// function words.
	words, function int
	// parts counts the comma-separated parts of the segment, shortParts
	// those of at most shortPartWords words.
	parts, shortParts int
	// codeMarks reports code punctuation: brackets, =, ;, or a call "f(".
	codeMarks bool
}

// listLike reports whether a prose segment reads as a list of terms rather
// than a sentence: very short, with too few function words to be a sentence
// (natural English prose has 30–50 %), or a comma-separated list of three
// or more parts that are mostly one to three words.
func (s segment) listLike() bool {
	return s.words < minSentenceWords ||
		float64(s.function) < minFunctionShare*float64(s.words) ||
		s.parts >= 3 && 4*s.shortParts >= 3*s.parts
}

// prose reports whether a line of a code answer is a sentence of prose
// rather than code.
func (s segment) prose() bool {
	return !s.codeMarks && s.words >= 5 && float64(s.function) >= proseFunctionShare*float64(s.words)
}

// Context thresholds.
const (
	minSentenceWords   = 4
	minFunctionShare   = 0.2
	proseFunctionShare = 0.25
	negationWindow     = 3 // words before or after a phrase that can negate it
	shortPartWords     = 3
)

// newTextDoc tokenizes text. Comments are found when code is true, using
// the comment syntax of the language (see commentSpans). Call measure once
// the rubric phrases are located.
func newTextDoc(text string, code bool, lang string) *textDoc {
	d := &textDoc{text: text, code: code, toks: tokenize(text).split}
	n := len(d.toks)
	d.word = make([]bool, n)
	d.cont = make([]bool, n)
	d.comment = make([]bool, n)
	d.seg = make([]int, n)
	var spans [][2]int
	if code {
		spans = commentSpans(text, lang)
	}
	ci, seg := 0, 0
	for i, tk := range d.toks {
		d.word[i] = isWordToken(tk.text)
		for ci < len(spans) && spans[ci][1] <= tk.start {
			ci++
		}
		d.comment[i] = ci < len(spans) && spans[ci][0] <= tk.start
		if i > 0 {
			gap := text[d.toks[i-1].end:tk.start]
			d.cont[i] = d.word[i] && d.word[i-1] && (gap == "" || gap == "-" || gap == "_" || gap == "'" || gap == "\u2019")
			if d.boundary(i, code) {
				seg++
			}
		}
		d.seg[i] = seg
	}
	d.segs = make([]segment, seg+1)
	d.measure()
	if code {
		// Lines of prose in a code answer are comments that lack the
		// comment marks: they earn nothing either.
		for i := range d.toks {
			if d.segs[d.seg[i]].prose() {
				d.comment[i] = true
			}
		}
		d.measure()
	}
	return d
}

// measure counts the words of each segment and of the whole text outside
// comments, and the comma-separated parts of each segment.
func (d *textDoc) measure() {
	for i := range d.segs {
		d.segs[i] = segment{}
	}
	d.words = 0
	partWords := 0
	closePart := func(sg *segment) {
		if partWords > 0 {
			sg.parts++
			if partWords <= shortPartWords {
				sg.shortParts++
			}
		}
		partWords = 0
	}
	for i, tk := range d.toks {
		sg := &d.segs[d.seg[i]]
		if !d.word[i] {
			switch tk.text {
			case "{", "}", "=", ";", "[", "]", "<", ">":
				sg.codeMarks = true
			case "(":
				sg.codeMarks = sg.codeMarks || i > 0 && d.word[i-1] && d.toks[i-1].end == tk.start
			case ",":
				closePart(sg)
			}
		} else if !d.cont[i] && !d.comment[i] {
			d.words++
			sg.words++
			partWords++
			if functionWords[tk.text] && (i+1 == len(d.toks) || !d.cont[i+1]) {
				sg.function++
			}
		}
		if i+1 == len(d.toks) || d.seg[i+1] != d.seg[i] {
			closePart(sg)
		}
	}
}

// boundary reports whether token i starts a new segment: a new line, or
// (in prose) a sentence mark followed by a space.
func (d *textDoc) boundary(i int, code bool) bool {
	prev, cur := d.toks[i-1], d.toks[i]
	gap := d.text[prev.end:cur.start]
	if strings.ContainsAny(gap, "\n\r") {
		return true
	}
	if code || gap == "" {
		return false
	}
	switch prev.text {
	case ".", "!", "?", ";", ":":
		return true
	}
	return false
}

func isWordToken(s string) bool {
	if s == "" {
		return false
	}
	return classify([]rune(s)[0]) == classWord
}

// tokenRange returns the indices [from, to) of the tokens covering the byte
// span of a match.
func (d *textDoc) tokenRange(m match) (int, int) {
	from := sort.Search(len(d.toks), func(i int) bool { return d.toks[i].start >= m.start })
	to := sort.Search(len(d.toks), func(i int) bool { return d.toks[i].start >= m.end })
	if to <= from {
		to = min(from+1, len(d.toks))
	}
	return from, to
}

// discount says why a phrase occurrence earns nothing.
type discount int

const (
	counted   discount = iota
	inComment          // only in a code comment
	negated            // negated in its clause
	listed             // in a bare list of terms, not a sentence
)

// judge decides whether the occurrence m of a phrase counts, and if it is
// negated returns the negating words with the phrase for the reason.
func (d *textDoc) judge(m match, code bool, phraseNegates bool) (discount, string) {
	from, to := d.tokenRange(m)
	if from >= len(d.toks) {
		return counted, ""
	}
	if code {
		for i := from; i < to; i++ {
			if !d.comment[i] {
				return counted, ""
			}
		}
		return inComment, ""
	}
	if !phraseNegates {
		if start, ok := d.negatedBefore(from); ok {
			return negated, d.text[start:m.end]
		}
		if end, ok := d.negatedAfter(to - 1); ok {
			return negated, d.text[m.start:end]
		}
	}
	if d.segs[d.seg[from]].listLike() {
		return listed, ""
	}
	return counted, ""
}

// clauseBreak reports whether token i ends a clause for negation: any
// punctuation other than a hyphen or apostrophe.
func (d *textDoc) clauseBreak(i int) bool {
	if d.word[i] {
		return false
	}
	t := d.toks[i].text
	return t != "-" && t != "'"
}

// negatedBefore looks for a negator among the words just before token
// first, within its clause: "no transaction", "without a lock", "never
// evicts", "don't need a queue". It returns where the negator starts.
func (d *textDoc) negatedBefore(first int) (int, bool) {
	n := 0
	for i := first - 1; i >= 0 && n < negationWindow; i-- {
		if d.seg[i] != d.seg[first] || d.clauseBreak(i) {
			break
		}
		if !d.word[i] {
			continue
		}
		n++
		if d.negator(i) {
			if d.toks[i].text == "t" && i > 0 {
				i-- // report "don't", not "t"
			}
			return d.toks[i].start, true
		}
	}
	return 0, false
}

// negatedAfter looks for "is not", "isn't", "are never", … among the words
// just after token last, within its clause: "a queue is not needed". It
// returns where the negation ends.
func (d *textDoc) negatedAfter(last int) (int, bool) {
	n := 0
	for i := last + 1; i < len(d.toks) && n < negationWindow; i++ {
		if d.seg[i] != d.seg[last] || d.clauseBreak(i) {
			break
		}
		if !d.word[i] {
			continue
		}
		n++
		t := d.toks[i].text
		if t == "t" && d.negator(i) || contractedNot[t] {
			return d.toks[i].end, true
		}
		if auxiliaries[t] && i+1 < len(d.toks) && (d.toks[i+1].text == "not" || d.toks[i+1].text == "never") {
			return d.toks[i+1].end, true
		}
	}
	return 0, false
}

// negator reports whether token i negates what follows.
func (d *textDoc) negator(i int) bool {
	t := d.toks[i].text
	if negators[t] || contractedNot[t] {
		return true
	}
	// "don't" is tokenized as "don", "t".
	if t != "t" || i == 0 || !contractionStems[d.toks[i-1].text] {
		return false
	}
	gap := d.text[d.toks[i-1].end:d.toks[i].start]
	return gap == "'" || gap == "\u2019"
}

// commentSpans returns the byte spans of the comments of code in the given
// language, skipping string literals: // and /* */ for C-like languages
// (and when the language is unknown), -- and /* */ for SQL, # for Python,
// Ruby, shell, R and YAML.
func commentSpans(text, lang string) [][2]int {
	line, block, hash := []string{"//"}, true, false
	switch strings.ToLower(lang) {
	case "sql", "postgresql", "mysql", "sqlite", "bigquery", "lua", "haskell":
		line = []string{"--"}
	case "python", "py", "ruby", "rb", "shell", "sh", "bash", "r", "yaml", "perl", "toml":
		line, block, hash = nil, false, true
	}
	var spans [][2]int
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			i = skipString(text, i)
			continue
		case block && strings.HasPrefix(text[i:], "/*"):
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				spans = append(spans, [2]int{i, len(text)})
				return spans
			}
			spans = append(spans, [2]int{i, i + 2 + end + 2})
			i += 2 + end + 2
			continue
		case hash && c == '#', startsAny(text[i:], line):
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				end = len(text) - i
			}
			spans = append(spans, [2]int{i, i + end})
			i += end
			continue
		}
		i++
	}
	return spans
}

func startsAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// skipString returns the index after the string literal that starts at i.
// A literal quoted with ' or " ends at the end of its line at the latest,
// so that an apostrophe in a word does not swallow the rest of the code.
func skipString(text string, i int) int {
	q := text[i]
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			if q != '`' {
				j++
			}
		case q:
			return j + 1
		case '\n':
			if q != '`' {
				return j
			}
		}
	}
	return len(text)
}

// Word lists, stemmed like the answer's tokens when the package starts.
var (
	// functionWords are the words that make a sentence a sentence:
	// determiners, pronouns, prepositions, conjunctions, auxiliary and
	// very common verbs, and common adverbs.
	functionWords = stemSet(`a an the this that these those each every any some all both no
		i we you he she it they me us them my our your their its his her one
		of in on at by for with from to into onto over under before after between through
		during without within via per about against until than as up out off
		and or but so because if when while then whether though although unless since once
		where which who whom whose what how why
		is are was were be been being am do does did done have has had will would should
		can could may might must shall need let get got make made use keep take give put
		go went see say tell ask know think want try
		not never also only just first still already too very even again there here
		now more most less much many other such same own instead`)
	// negators negate the words that follow them in a clause.
	negators = stemSet(`no not never without nor neither none nothing nobody cannot lack lacks
		lacking instead`)
	// contractedNot are contractions written without an apostrophe.
	contractedNot = stemSet(`dont doesnt didnt isnt arent wasnt werent wont cant couldnt
		shouldnt wouldnt hasnt havent hadnt neednt`)
	// contractionStems are the first parts of n't contractions, tokenized
	// apart from their "t".
	contractionStems = stemSet(`don doesn didn isn aren wasn weren won can couldn shouldn
		wouldn hasn haven hadn needn ain`)
	// auxiliaries followed by "not" negate the words before them: "a queue
	// is not needed".
	auxiliaries = stemSet(`is are was were be do does did will would should can could
		may might must need needs`)
)

func stemSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[stem(w)] = true
	}
	return m
}

// handedText returns the text the question shows the candidate: the prompt
// and guidance of a free-text question, the brief of a task.
func handedText(q *posting.Question) string {
	return strings.Join([]string{q.Prompt, q.Guidance, q.Brief}, "\n")
}

// phraseNegates reports whether a phrase is itself negative ("do not ship",
// "does not change"), in which case it is not checked for negation.
func phraseNegates(phrase string) bool {
	for _, tk := range tokenize(phrase).split {
		if negators[tk.text] || contractedNot[tk.text] || contractionStems[tk.text] {
			return true
		}
	}
	return false
}
