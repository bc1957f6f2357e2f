package scoring

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// Integrity signals. They describe how an answer came to be (how fast it was
// typed, how much was pasted, whether the candidate left the page, whether
// it is another candidate's answer) and are shown beside the score on the
// scorecard. They never change a score: a person weighs them.

// SignalKind names an integrity signal.
type SignalKind string

// The signal kinds.
const (
	// SignalSpeed: the answer was written implausibly fast for its length.
	SignalSpeed SignalKind = "speed"
	// SignalPaste: much of the answer was pasted.
	SignalPaste SignalKind = "paste"
	// SignalFocus: the candidate left the assessment page while answering.
	SignalFocus SignalKind = "focus"
	// SignalTermDensity: the answer is mostly rubric terms.
	SignalTermDensity SignalKind = "term_density"
	// SignalDuplicate: the answer is nearly identical to another
	// candidate's.
	SignalDuplicate SignalKind = "near_duplicate"
)

// SignalStatus says whether a signal fired.
type SignalStatus string

// The signal statuses.
const (
	// SignalClear: measured, nothing unusual.
	SignalClear SignalStatus = "clear"
	// SignalRaised: measured, and worth a person's look.
	SignalRaised SignalStatus = "raised"
	// SignalUnknown: not measured, e.g. the page script did not run.
	SignalUnknown SignalStatus = "unknown"
)

// Signal is one integrity signal of one answer, in words.
type Signal struct {
	// Kind names the signal.
	Kind SignalKind `json:"kind"`
	// Status says whether it fired.
	Status SignalStatus `json:"status"`
	// Value is the measured number: characters a minute, share of pasted
	// characters, seconds away from the page, share of rubric terms, or
	// similarity from 0 to 1. It is 0 when unknown.
	Value float64 `json:"value"`
	// Text says it for recruiters, e.g. "written in 0 seconds for 1,450 characters".
	Text string `json:"text"`
	// Other identifies the other answer of a near duplicate, as the caller
	// named it.
	Other string `json:"other,omitempty"`
}

// Activity is what the candidate's page recorded while one answer was
// written. The zero Activity means nothing was recorded (no JavaScript, or
// an attempt from before recording), and the signals that need it say
// "unknown".
type Activity struct {
	// Recorded reports that the page script recorded the fields below.
	Recorded bool `json:"recorded"`
	// Seconds is how long the question was open.
	Seconds float64 `json:"seconds"`
	// Pastes are the sizes, in characters, of the pastes into the answer.
	Pastes []int `json:"pastes,omitempty"`
	// FocusLost are the durations, in seconds, of the times the page lost
	// focus (another tab or window) while the question was open.
	FocusLost []float64 `json:"focus_lost,omitempty"`
}

// Signal thresholds.
const (
	// MaxCharsPerMinute is the fastest plausible typing: a very fast typist
	// keeps up about 100 words, some 600 characters, a minute.
	MaxCharsPerMinute = 600
	// MinSignalChars is the shortest answer the speed and paste signals
	// judge; a few words can be typed in no time.
	MinSignalChars = 80
	// MaxPastedShare is the largest share of an answer that may be pasted
	// before the paste signal is raised.
	MaxPastedShare = 0.5
	// MaxFocusLostSeconds is the longest total time away from the page
	// before the focus signal is raised.
	MaxFocusLostSeconds = 60
	// NearDuplicate is the similarity (see Similarity) from which two
	// answers count as near duplicates.
	NearDuplicate = 0.6
	// minShingles is the fewest shingles an answer needs for the duplicate
	// signal: short answers are alike by chance.
	minShingles = 8
)

// SpeedSignal judges how fast an answer of chars characters was written:
// raised when it would have been typed at more than MaxCharsPerMinute.
func SpeedSignal(chars int, a Activity) Signal {
	s := Signal{Kind: SignalSpeed}
	if !a.Recorded {
		s.Status, s.Text = SignalUnknown, "time spent: unknown (not recorded)"
		return s
	}
	secs := max(a.Seconds, 0)
	s.Text = fmt.Sprintf("written in %s for %s characters", duration(secs), thousands(chars))
	if secs > 0 {
		s.Value = float64(chars) / secs * 60
	} else if chars > 0 {
		s.Value = math.Inf(1)
	}
	switch {
	case chars < MinSignalChars:
		s.Status = SignalClear
	case s.Value > MaxCharsPerMinute:
		s.Status = SignalRaised
		s.Text += fmt.Sprintf(": implausibly short for its length (fast typists write about %d a minute); probably pasted or prepared", MaxCharsPerMinute)
		if math.IsInf(s.Value, 0) {
			s.Value = 0
		}
	default:
		s.Status = SignalClear
	}
	return s
}

// PasteSignal judges how much of an answer of chars characters was pasted:
// raised when pastes add up to more than MaxPastedShare of it.
func PasteSignal(chars int, a Activity) Signal {
	s := Signal{Kind: SignalPaste}
	if !a.Recorded {
		s.Status, s.Text = SignalUnknown, "paste: unknown (no script ran on the page)"
		return s
	}
	pasted := 0
	for _, p := range a.Pastes {
		pasted += max(p, 0)
	}
	if pasted == 0 {
		s.Status, s.Text = SignalClear, "nothing pasted"
		return s
	}
	if chars > 0 {
		s.Value = min(1, float64(pasted)/float64(chars))
	}
	s.Text = fmt.Sprintf("pasted %s characters in %s, %d %% of the answer", thousands(pasted), times(len(a.Pastes), "paste", "pastes"), int(math.Round(100*s.Value)))
	s.Status = SignalClear
	if chars >= MinSignalChars && s.Value > MaxPastedShare {
		s.Status = SignalRaised
	}
	return s
}

// FocusSignal judges how long the candidate left the page while the
// question was open: raised from MaxFocusLostSeconds in total.
func FocusSignal(a Activity) Signal {
	s := Signal{Kind: SignalFocus}
	if !a.Recorded {
		s.Status, s.Text = SignalUnknown, "leaving the page: unknown (no script ran on the page)"
		return s
	}
	total := 0.0
	for _, d := range a.FocusLost {
		total += max(d, 0)
	}
	s.Value = total
	if len(a.FocusLost) == 0 {
		s.Status, s.Text = SignalClear, "stayed on the page"
		return s
	}
	s.Text = fmt.Sprintf("left the page %s for %s in total", times(len(a.FocusLost), "once", "times"), duration(total))
	s.Status = SignalClear
	if total >= MaxFocusLostSeconds {
		s.Status = SignalRaised
	}
	return s
}

// DensitySignal judges how much of an open answer is rubric terms: raised
// when it counts as mostly rubric terms (see MaxTermShare). The question's
// posting may be nil. Other questions give a clear signal with no value.
func DensitySignal(p *posting.Posting, q *posting.Question, text string) Signal {
	s := Signal{Kind: SignalTermDensity, Status: SignalClear}
	items, code, lang := openItems(q)
	if items == nil || strings.TrimSpace(text) == "" {
		s.Text = "no rubric terms to measure"
		return s
	}
	_, ot := readOpen(p, q, text, items, code, lang)
	s.Value = ot.termShare
	limit := MaxTermShare
	if code {
		limit = MaxCodeTermShare
	}
	s.Text = fmt.Sprintf("%d %% of its %d words are rubric terms", int(math.Round(100*ot.termShare)), ot.words)
	if ot.termShare >= limit {
		s.Status = SignalRaised
		s.Text = "answer is mostly rubric terms: " + s.Text
	}
	return s
}

// openItems returns the rubric items of an open question and whether its
// answer is code, in which language; nil items for other questions.
func openItems(q *posting.Question) ([]posting.RubricItem, bool, string) {
	switch q.Kind {
	case posting.KindFreeText:
		if q.Rubric != nil {
			return q.Rubric.ExpectedPoints, false, ""
		}
	case posting.KindTask:
		if q.Deliverable != nil {
			return q.Checklist, q.Deliverable.Format == posting.DeliverableCode, q.Deliverable.Language
		}
		return q.Checklist, false, ""
	}
	return nil, false, ""
}

// Similarity returns how alike two answers are, from 0 (nothing in common)
// to 1 (the same words in the same order): the Jaccard similarity of their
// shingles, runs of three consecutive words, after the normalisation of
// matching (case, accents, word endings, punctuation and spacing do not
// matter). Shingles that also occur in prompt, the text the question gives
// every candidate, are left out, so two answers that both quote the prompt
// are not alike for that.
func Similarity(a, b, prompt string) float64 {
	skip := shingles(prompt)
	sa, sb := shingles(a), shingles(b)
	for s := range skip {
		delete(sa, s)
		delete(sb, s)
	}
	if len(sa) == 0 || len(sb) == 0 {
		return 0
	}
	inter := 0
	for s := range sa {
		if sb[s] {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}

// shingles returns the set of three-word runs of a text.
func shingles(text string) map[string]bool {
	const n = 3
	var w []string
	for _, tk := range tokenize(text).joined {
		if isWordToken(tk.text) {
			w = append(w, tk.text)
		}
	}
	set := map[string]bool{}
	for i := 0; i+n <= len(w); i++ {
		set[strings.Join(w[i:i+n], " ")] = true
	}
	return set
}

// DuplicateSignal compares an answer with other candidates' answers to the
// same question, keyed by a name the caller chooses (a candidate or attempt
// id), and raises the signal when the most similar one reaches
// NearDuplicate. prompt is the question's text (see Similarity). Answers
// shorter than ten words or so are not compared. The others are compared in
// order of their keys, so the result does not depend on map order.
func DuplicateSignal(text, prompt string, others map[string]string) Signal {
	s := Signal{Kind: SignalDuplicate, Status: SignalClear}
	if len(shingles(text)) < minShingles {
		s.Text = "too short to compare with other answers"
		return s
	}
	keys := make([]string, 0, len(others))
	for k := range others {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if len(shingles(others[k])) < minShingles {
			continue
		}
		if sim := Similarity(text, others[k], prompt); sim > s.Value {
			s.Value, s.Other = sim, k
		}
	}
	switch len(others) {
	case 0:
		s.Text = "no other candidate's answer to compare with yet"
	case 1:
		s.Text = fmt.Sprintf("compared with 1 other answer: %d %% alike", int(math.Round(100*s.Value)))
	default:
		s.Text = fmt.Sprintf("compared with %d other answers: at most %d %% alike", len(others), int(math.Round(100*s.Value)))
	}
	if s.Value >= NearDuplicate {
		s.Status = SignalRaised
		s.Text = fmt.Sprintf("near-identical to another answer (%s): %d %% alike", s.Other, int(math.Round(100*s.Value)))
	} else {
		s.Other = ""
	}
	return s
}

// PromptOf returns the text a question hands every candidate (its prompt and
// guidance, or its brief), for Similarity and DuplicateSignal.
func PromptOf(q *posting.Question) string {
	return handedText(q)
}

// thousands formats n with a comma every three digits: 1,450.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// times says a count in words: "1 paste", "3 pastes"; with one = "once",
// "once" and "4 times".
func times(n int, one, many string) string {
	if n == 1 {
		if one == "once" {
			return one
		}
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// duration formats seconds as "0 seconds", "45 seconds" or "6 min 20 s".
func duration(secs float64) string {
	s := int(math.Round(secs))
	switch {
	case s < 60:
		if s == 1 {
			return "1 second"
		}
		return fmt.Sprintf("%d seconds", s)
	case s%60 == 0:
		return fmt.Sprintf("%d min", s/60)
	}
	return fmt.Sprintf("%d min %d s", s/60, s%60)
}

// AnswerChars returns the length of an answer in characters, as the speed
// and paste signals count it.
func AnswerChars(text string) int {
	return utf8.RuneCountInString(text)
}
