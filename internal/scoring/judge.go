package scoring

import (
	"fmt"
	"math"
	"strings"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// Confidence says how far the automatic level of an open answer (free text
// or task) can be trusted. The level of an open answer is a suggestion: a
// person should review it when the confidence is low.
type Confidence string

// The confidences.
const (
	// ConfidenceLow means the machine is unsure: a gaming indicator fired,
	// phrases were found only where they do not count, or the answer may
	// make its points in words the rubric does not list. A person should
	// review the level before it is relied on.
	ConfidenceLow Confidence = "low"
	// ConfidenceMedium means nothing looks wrong, but the answer misses
	// expected points it may make in other words, or repeats the prompt.
	ConfidenceMedium Confidence = "medium"
	// ConfidenceHigh means the phrases were found in full sentences (or in
	// code) of an answer long enough for its level, and nothing looks
	// gamed.
	ConfidenceHigh Confidence = "high"
)

// ReasonCode identifies a kind of Reason, for software; Reason.Text says it
// in words for people.
type ReasonCode string

// The reason codes. Codes marked "caps" lower the level to Cap; the others
// only explain the confidence.
const (
	// ReasonMostlyTerms: the answer is mostly rubric terms (caps at 2).
	ReasonMostlyTerms ReasonCode = "mostly_rubric_terms"
	// ReasonCopiesPrompt: most of the answer is copied from the prompt
	// (caps at 2).
	ReasonCopiesPrompt ReasonCode = "copies_prompt"
	// ReasonOffTopic: the answer's other words have nothing to do with the
	// question (caps at 2).
	ReasonOffTopic ReasonCode = "off_topic"
	// ReasonStrung: several expected points found in very few words, rubric
	// phrases strung together (caps at 3).
	ReasonStrung ReasonCode = "strung_terms"
	// ReasonTooShort: the answer is too short for the level its phrases
	// would earn (caps at the level its length supports).
	ReasonTooShort ReasonCode = "too_short"
	// ReasonNotCode: a code deliverable that does not read as code (caps at
	// 2).
	ReasonNotCode ReasonCode = "not_code"
	// ReasonNegated: a phrase was found only negated ("no transaction").
	ReasonNegated ReasonCode = "negated"
	// ReasonListed: a phrase was found only in a bare list of terms.
	ReasonListed ReasonCode = "listed"
	// ReasonComment: a phrase was found only in a code comment.
	ReasonComment ReasonCode = "comment_only"
	// ReasonHanded: a phrase was found that the question itself hands the
	// candidate, so it earned nothing.
	ReasonHanded ReasonCode = "prompt_words"
	// ReasonRepeatsPrompt: a good part of the answer repeats the prompt.
	ReasonRepeatsPrompt ReasonCode = "repeats_prompt"
	// ReasonOtherWords: expected points were not found in a substantial
	// answer, which may make them in other words.
	ReasonOtherWords ReasonCode = "other_words"
	// ReasonNotScored: part of the answer (an attached file) or the whole
	// question cannot be scored automatically.
	ReasonNotScored ReasonCode = "not_scored"
	// ReasonInContext: the positive reason of a confident suggestion.
	ReasonInContext ReasonCode = "in_context"
	// ReasonNoAnswer: nothing was answered.
	ReasonNoAnswer ReasonCode = "no_answer"
)

// Reason explains, in words, a confidence or a cap.
type Reason struct {
	// Code identifies the kind of reason.
	Code ReasonCode `json:"code"`
	// Text says it for recruiters, e.g. "too short for this level: 12 words".
	Text string `json:"text"`
}

// Gaming thresholds. docs/scoring.md explains them to recruiters; the
// corpora in gaming_test.go hold them to account.
const (
	// MaxTermShare is the largest share of an answer's words that may be
	// rubric phrases before the answer counts as mostly rubric terms; code
	// repeats its identifiers, so it is allowed more.
	MaxTermShare     = 0.5
	MaxCodeTermShare = 0.6
	// MaxPromptShare is the largest share of an answer's words that may be
	// copied from the prompt (in runs of four words or more).
	MaxPromptShare = 0.5
	// MinTopicShare is the smallest share of an answer's other words (not
	// rubric phrases, not function words) that must relate to the question:
	// its prompt, rubric and anchors.
	MinTopicShare = 0.1
	// MinWordsPerPoint is the fewest words per expected point found (when
	// three or more are found) before the answer counts as rubric phrases
	// strung together.
	MinWordsPerPoint = 8
	// MinCodeSymbolShare is the smallest share of punctuation among the
	// tokens of a code deliverable: code has brackets, operators and
	// separators; a list of names has none.
	MinCodeSymbolShare = 0.25
)

// minWords is the fewest words (for code: words outside comments) an answer
// needs for each level: a 12-word answer cannot be Exceptional.
var (
	minWords     = [MaxLevel + 1]int{3: 8, 4: 20, 5: 30}
	minCodeWords = [MaxLevel + 1]int{3: 10, 4: 30, 5: 50}
)

// openText is everything the rules learn from an open answer besides the
// found items.
type openText struct {
	code          bool
	words         int
	termShare     float64
	promptShare   float64
	topicShare    float64 // -1 when not measured
	contentWords  int
	symbolShare   float64
	found, items  int
	discounted    []Reason // for items found only where matches do not count
	lostWeight    float64  // weight of those items
	handed        []string // phrases the prompt hands that the answer repeats
	missingWeight float64
	totalWeight   float64
}

// itemHit is the best occurrence of an item's phrases.
type itemHit struct {
	found  bool
	phrase string
	m      match
	// why is the first reason an occurrence did not count, when none did.
	why   discount
	quote string
}

// readOpen scores the items of an open answer in context and measures the
// answer for the gaming checks. scored is the answer text as far as it is
// scored.
func readOpen(p *posting.Posting, q *posting.Question, scored string, items []posting.RubricItem, code bool, lang string) ([]itemHit, openText) {
	d := newTextDoc(scored, code, lang)
	m := newMatcher(scored)
	handed := newMatcher(handedText(q))
	ot := openText{code: code, topicShare: -1}

	// First locate every phrase: the shares of words below need them all.
	covered := make([]bool, len(d.toks))
	occurrences := map[string][]match{}
	for _, it := range items {
		for _, ph := range it.Phrases {
			if _, ok := occurrences[ph]; ok {
				continue
			}
			occ := m.findAll(ph)
			occurrences[ph] = occ
			for _, mt := range occ {
				from, to := d.tokenRange(mt)
				for j := from; j < to; j++ {
					covered[j] = true
				}
			}
		}
	}

	seenHanded := map[string]bool{}
	hits := make([]itemHit, len(items))
	for i, it := range items {
		h := &hits[i]
		for _, ph := range it.Phrases {
			occ := occurrences[ph]
			if len(occ) == 0 {
				continue
			}
			if _, ok := handed.find(ph); ok {
				if !seenHanded[ph] {
					seenHanded[ph] = true
					ot.handed = append(ot.handed, ph)
				}
				continue
			}
			negates := phraseNegates(ph)
			for _, mt := range occ {
				if h.found && !mt.before(h.m) {
					break
				}
				why, quote := d.judge(mt, code, negates)
				if why == counted {
					h.found, h.phrase, h.m = true, ph, mt
					break
				}
				if h.why == counted {
					h.why, h.quote = why, quote
					if quote == "" {
						h.quote = scored[mt.start:mt.end]
					}
				}
			}
		}
		w := weightOf(it.Weight)
		ot.totalWeight += w
		ot.items++
		if h.found {
			ot.found++
			continue
		}
		ot.missingWeight += w
		if h.why != counted {
			ot.lostWeight += w
			ot.discounted = append(ot.discounted, discountReason(h.why, h.quote))
		}
	}

	// Shares of words. Code answers repeat their identifiers and use
	// one-letter names, which do not count as words here.
	var words, termWords, symbols, tokensOut int
	for i, tk := range d.toks {
		if d.comment[i] {
			continue
		}
		tokensOut++
		if !d.word[i] {
			symbols++
			continue
		}
		if d.cont[i] || code && len(tk.text) < 2 && (i+1 == len(d.toks) || !d.cont[i+1]) {
			continue
		}
		words++
		if covered[i] {
			termWords++
		}
	}
	ot.words = d.words
	if words > 0 {
		ot.termShare = float64(termWords) / float64(words)
		ot.promptShare = promptShare(d, handedText(q))
	}
	if tokensOut > 0 {
		ot.symbolShare = float64(symbols) / float64(tokensOut)
	}
	if !code {
		ot.topicShare, ot.contentWords = topicShare(d, covered, topicWords(p, q))
	}
	return hits, ot
}

func discountReason(why discount, quote string) Reason {
	quote = collapseSpace(cutRunes(quote, 60))
	switch why {
	case negated:
		return Reason{ReasonNegated, fmt.Sprintf("negated: %q", quote)}
	case inComment:
		return Reason{ReasonComment, fmt.Sprintf("only in a comment: %q", quote)}
	default:
		return Reason{ReasonListed, fmt.Sprintf("in a bare list, not a sentence: %q", quote)}
	}
}

// promptShare returns the share of the answer's words (outside comments)
// that lie in runs of four or more words also found in the prompt.
func promptShare(d *textDoc, prompt string) float64 {
	const n = 4
	pd := newTextDoc(prompt, false, "")
	grams := map[string]bool{}
	pw := wordsOf(pd)
	for i := 0; i+n <= len(pw); i++ {
		grams[strings.Join(pw[i:i+n], " ")] = true
	}
	if len(grams) == 0 {
		return 0
	}
	var idx []int
	for i := range d.toks {
		if d.word[i] && !d.comment[i] {
			idx = append(idx, i)
		}
	}
	aw := make([]string, len(idx))
	for i, j := range idx {
		aw[i] = d.toks[j].text
	}
	copied := make([]bool, len(aw))
	for i := 0; i+n <= len(aw); i++ {
		if grams[strings.Join(aw[i:i+n], " ")] {
			for j := i; j < i+n; j++ {
				copied[j] = true
			}
		}
	}
	c := 0
	for _, b := range copied {
		if b {
			c++
		}
	}
	return float64(c) / float64(len(aw))
}

func wordsOf(d *textDoc) []string {
	var w []string
	for i, tk := range d.toks {
		if d.word[i] && !d.comment[i] {
			w = append(w, tk.text)
		}
	}
	return w
}

// topicWords returns the content words of a question: its prompt, guidance
// or brief, and its rubric or checklist with their anchors, together with
// those of the posting's title, description and competencies when p is not
// nil.
func topicWords(p *posting.Posting, q *posting.Question) map[string]bool {
	var b strings.Builder
	b.WriteString(handedText(q))
	if p != nil {
		b.WriteString("\n" + p.Title + "\n" + p.Description)
		for _, c := range p.Competencies {
			b.WriteString("\n" + c.Name + "\n" + c.Description)
		}
	}
	items := q.Checklist
	anchors := q.Anchors
	if q.Rubric != nil {
		items = append(items[:len(items):len(items)], q.Rubric.ExpectedPoints...)
		if len(anchors) == 0 {
			anchors = q.Rubric.Anchors
		}
	}
	for _, it := range items {
		b.WriteString("\n" + it.Text + "\n" + strings.Join(it.Phrases, "\n"))
	}
	for _, l := range posting.AnchorLevels {
		b.WriteString("\n" + anchors[l])
	}
	words := map[string]bool{}
	for _, tk := range tokenize(b.String()).split {
		if contentWord(tk.text) {
			words[tk.text] = true
		}
	}
	return words
}

// contentWord reports whether a token is a word that carries meaning: three
// or more letters, not a function word, not a number.
func contentWord(t string) bool {
	if len(t) < 3 || functionWords[t] || !isWordToken(t) {
		return false
	}
	for _, r := range t {
		if classify(r) == classWord && !('0' <= r && r <= '9') {
			return true
		}
	}
	return false
}

// topicShare returns the share of the answer's content words outside
// rubric phrases that are words of the question, and how many such words
// there are.
func topicShare(d *textDoc, covered []bool, topic map[string]bool) (float64, int) {
	n, on := 0, 0
	for i, tk := range d.toks {
		if covered[i] || d.comment[i] || !contentWord(tk.text) {
			continue
		}
		n++
		if topic[tk.text] {
			on++
		}
	}
	if n == 0 {
		return 1, 0
	}
	return float64(on) / float64(n), n
}

// assess sets the level, cap, confidence and reasons of an open answer's
// score from its credit and what readOpen measured.
func assess(s *QuestionScore, ot openText) {
	level := LevelFor(s.Fraction)
	limit, caps := capsFor(ot, level)
	pct := func(f float64) int { return int(math.Round(100 * f)) }
	unit := "words"
	if ot.code {
		unit = "words of code"
	}
	s.Level = min(level, limit)
	if s.Level < level {
		s.Cap, s.UncappedLevel = limit, level
	}
	s.Reasons = append(s.Reasons, caps...)
	s.Reasons = append(s.Reasons, ot.discounted...)
	if len(ot.handed) > 0 {
		s.Reasons = append(s.Reasons, Reason{ReasonHanded, "earned nothing for words the question itself gives: " + quoteList(ot.handed)})
	}

	// Confidence: low when a cap fired, or when discounted matches would
	// have raised the level.
	switch {
	case len(caps) > 0:
		s.Confidence = ConfidenceLow
	case len(ot.discounted) > 0:
		// The answer names a point where it does not count: negated, in a
		// bare list or only in a comment. A person should look.
		s.Confidence = ConfidenceLow
	case ot.found == 0 && ot.words >= minWords[MaxLevel]:
		s.Confidence = ConfidenceLow
		s.Reasons = append(s.Reasons, Reason{ReasonOtherWords, fmt.Sprintf("no expected point found in %d words; the answer may make its points in other words", ot.words)})
	case ot.promptShare >= MaxPromptShare/2:
		s.Confidence = ConfidenceMedium
		s.Reasons = append(s.Reasons, Reason{ReasonRepeatsPrompt, fmt.Sprintf("repeats the prompt: %d %% of its words", pct(ot.promptShare))})
	case ot.missingWeight > 0 && ot.words >= minWords[MaxLevel]:
		s.Confidence = ConfidenceMedium
		s.Reasons = append(s.Reasons, Reason{ReasonOtherWords, fmt.Sprintf("%d of %d expected points not found; the answer may make them in other words", ot.items-ot.found, ot.items)})
	default:
		s.Confidence = ConfidenceHigh
		where := "in full sentences"
		if ot.code {
			where = "in code"
		}
		s.Reasons = append(s.Reasons, Reason{ReasonInContext, fmt.Sprintf("%s found %s; %d %s", plural(ot.found, "expected point"), where, ot.words, unit)})
	}
}

// capsFor returns the highest level an open answer supports when a scorer
// proposes level, and the gaming indicators that lower it.
func capsFor(ot openText, level int) (int, []Reason) {
	var caps []Reason
	limit := MaxLevel
	capAt := func(l int, r Reason) {
		caps = append(caps, r)
		limit = min(limit, l)
	}
	pct := func(f float64) int { return int(math.Round(100 * f)) }
	maxTerms := MaxTermShare
	if ot.code {
		maxTerms = MaxCodeTermShare
	}
	if ot.words > 0 && ot.termShare >= maxTerms {
		capAt(2, Reason{ReasonMostlyTerms, fmt.Sprintf("answer is mostly rubric terms: %d %% of its words", pct(ot.termShare))})
	}
	if ot.promptShare >= MaxPromptShare {
		capAt(2, Reason{ReasonCopiesPrompt, fmt.Sprintf("copies the prompt: %d %% of its words", pct(ot.promptShare))})
	}
	if ot.topicShare >= 0 && ot.contentWords >= 15 && ot.topicShare < MinTopicShare {
		capAt(2, Reason{ReasonOffTopic, fmt.Sprintf("off topic: only %d %% of its other words relate to the question", pct(ot.topicShare))})
	}
	if ot.code && ot.words > 0 && ot.symbolShare < MinCodeSymbolShare {
		capAt(2, Reason{ReasonNotCode, "does not read as code: almost no brackets, operators or separators"})
	}
	if ot.found >= 3 && ot.words < MinWordsPerPoint*ot.found {
		capAt(3, Reason{ReasonStrung, fmt.Sprintf("rubric phrases strung together: %d expected points in %d words", ot.found, ot.words)})
	}
	need := minWords
	unit := "words"
	if ot.code {
		need, unit = minCodeWords, "words of code"
	}
	if l := min(level, limit); ot.words < need[l] {
		fits := MinLevel
		for fits < l && ot.words >= need[fits+1] {
			fits++
		}
		capAt(fits, Reason{ReasonTooShort, fmt.Sprintf("too short for level %d: %d %s", l, ot.words, unit)})
	}

	return limit, caps
}

// Caps returns the highest level the text of an open answer (free text or
// task) supports when a scorer proposes level, and the gaming indicators
// that lower it, in words: mostly rubric terms, copies the prompt, off
// topic, not code, phrases strung together, too short for the level. It
// returns level and no reasons for other questions and blank answers.
// Rules applies it to its own levels; another scorer (a model) should apply
// it to the level it proposes, since the text earns the level, not the
// scorer.
func Caps(p *posting.Posting, q *posting.Question, a Answer, level int) (int, []Reason) {
	items, code, lang := openItems(q)
	if items == nil || strings.TrimSpace(a.Text) == "" {
		return level, nil
	}
	_, ot := readOpen(p, q, cutRunes(a.Text, MaxScoredChars), items, code, lang)
	limit, caps := capsFor(ot, level)
	return min(level, limit), caps
}

// plural returns "1 expected point" or "3 expected points".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func quoteList(ps []string) string {
	q := make([]string, len(ps))
	for i, p := range ps {
		q[i] = fmt.Sprintf("%q", p)
	}
	return strings.Join(q, ", ")
}
