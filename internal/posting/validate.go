package posting

import (
	"maps"
	"math"
	"regexp"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Length limits in characters (Unicode code points) and count limits. They
// are documented in docs/posting-format.md.
const (
	maxTitle          = 200
	maxDescription    = 20000
	maxLabel          = 200 // department, location, competency name
	maxCompetencyDesc = 2000
	maxPrompt         = 10000
	maxGuidance       = 5000
	maxBrief          = 20000
	maxOptionText     = 1000
	maxItemText       = 1000
	maxPhrase         = 200
	maxAnchor         = 2000
	maxUnit           = 32

	maxCompetencies = 50
	maxQuestions    = 200
	maxOptions      = 26
	maxItems        = 50
	maxPhrases      = 50
	maxUploadTypes  = 20

	minLinkValidityDays = 1
	maxLinkValidityDays = 365
)

var (
	keyPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	languagePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9+#._-]{0,31}$`)
	mimePattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$`)
	extPattern      = regexp.MustCompile(`^\.[a-z0-9]{1,16}$`)
)

// Validate returns the structural problems of a posting: the rules Decode
// enforces beyond JSON syntax and types. Required identity fields (format,
// title, keys, sections, kinds, competency references) are set, enum values
// are known, numbers are in range, keys are well-formed and unique, fields of
// other question kinds are empty, and text fields hold no HTML or control
// characters. A posting that passes may still be an incomplete draft; see
// Problems. Validate does not apply defaults: a zero weight is a problem.
func (p *Posting) Validate() []FieldError {
	var l errorList
	p.validate(&l)
	return l.sorted()
}

func (p *Posting) validate(l *errorList) {
	v := validator{l: l}
	switch p.Format {
	case Format:
	case "":
		l.add("/format", "is required; use %q", Format)
	default:
		l.add("/format", "must be %q", Format)
	}
	v.text("/title", p.Title, plainLine, maxTitle)
	if isBlank(p.Title) {
		l.add("/title", "is required")
	}
	v.text("/description", p.Description, markdown, maxDescription)
	v.text("/department", p.Department, plainLine, maxLabel)
	v.text("/location", p.Location, plainLine, maxLabel)
	if p.AssessmentType != "" {
		oneOf(v, "/assessment_type", p.AssessmentType, AssessmentTypes)
	}
	if tl := p.TimeLimit; tl != nil {
		v.intRange("/time_limit/total_minutes", tl.TotalMinutes, 0, MaxMinutes)
		v.intRange("/time_limit/interview_minutes", tl.InterviewMinutes, 0, MaxMinutes)
		v.intRange("/time_limit/practical_minutes", tl.PracticalMinutes, 0, MaxMinutes)
		perSection := tl.InterviewMinutes != 0 || tl.PracticalMinutes != 0
		switch {
		case tl.TotalMinutes != 0 && perSection:
			l.add("/time_limit", "use either total_minutes or per-section minutes, not both")
		case tl.TotalMinutes == 0 && !perSection:
			l.add("/time_limit", "set total_minutes, or interview_minutes and/or practical_minutes; omit time_limit for an untimed draft")
		}
	}
	v.intRange("/link_validity_days", p.LinkValidityDays, minLinkValidityDays, maxLinkValidityDays)
	v.intRange("/thresholds/strong_yes", p.Thresholds.StrongYes, 1, 100)
	v.intRange("/thresholds/yes", p.Thresholds.Yes, 1, 100)
	v.intRange("/thresholds/no", p.Thresholds.No, 1, 100)

	v.count("/competencies", len(p.Competencies), maxCompetencies)
	competencies := map[string]int{}
	for i, c := range p.Competencies {
		cp := ptr("/competencies").index(i)
		if v.key(cp.key("key"), c.Key) {
			if j, dup := competencies[c.Key]; dup {
				l.add(cp.key("key"), "duplicate competency key %q (also used by /competencies/%d)", c.Key, j)
			} else {
				competencies[c.Key] = i
			}
		}
		v.text(cp.key("name"), c.Name, plainLine, maxLabel)
		if isBlank(c.Name) {
			l.add(cp.key("name"), "is required")
		}
		v.text(cp.key("description"), c.Description, plainMulti, maxCompetencyDesc)
		v.weight(cp.key("weight"), c.Weight)
	}

	v.count("/questions", len(p.Questions), maxQuestions)
	questions := map[string]int{}
	for i := range p.Questions {
		q := &p.Questions[i]
		qp := ptr("/questions").index(i)
		if v.key(qp.key("key"), q.Key) {
			if j, dup := questions[q.Key]; dup {
				l.add(qp.key("key"), "duplicate question key %q (also used by /questions/%d)", q.Key, j)
			} else {
				questions[q.Key] = i
			}
		}
		if q.Section == "" {
			l.add(qp.key("section"), "is required; use %s", joinQuoted(Sections))
		} else {
			oneOf(v, qp.key("section"), q.Section, Sections)
		}
		if v.key(qp.key("competency"), q.Competency) {
			if _, ok := competencies[q.Competency]; !ok {
				l.add(qp.key("competency"), "no competency has the key %q", q.Competency)
			}
		}
		if q.Kind == "" {
			l.add(qp.key("kind"), "is required; use %s", joinQuoted(Kinds))
		} else {
			oneOf(v, qp.key("kind"), q.Kind, Kinds)
		}
		v.weight(qp.key("weight"), q.Weight)
		v.question(qp, q)
	}
}

func (v validator) question(qp ptr, q *Question) {
	l := v.l
	if q.Kind == KindTask && q.Section == SectionInterview {
		l.add(qp.key("section"), "task questions belong in the practical section")
	}
	for _, f := range q.foreignFields() {
		l.add(qp.key(f), "field %q does not apply to %s questions", f, q.Kind)
	}
	switch q.Kind {
	case KindFreeText:
		v.text(qp.key("prompt"), q.Prompt, markdown, maxPrompt)
		v.text(qp.key("guidance"), q.Guidance, markdown, maxGuidance)
		v.intRange(qp.key("max_chars"), q.MaxChars, 1, MaxFreeTextMaxChars)
		if r := q.Rubric; r != nil {
			v.items(qp.key("rubric").key("expected_points"), r.ExpectedPoints)
			v.anchors(qp.key("rubric").key("anchors"), r.Anchors)
		}
	case KindMultipleChoice:
		v.text(qp.key("prompt"), q.Prompt, markdown, maxPrompt)
		oneOf(v, qp.key("partial_credit"), q.PartialCredit, []PartialCredit{PartialCreditNone, PartialCreditProportional})
		op := qp.key("options")
		v.count(op, len(q.Options), maxOptions)
		keys := map[string]int{}
		for i, o := range q.Options {
			p := op.index(i)
			if v.key(p.key("key"), o.Key) {
				if j, dup := keys[o.Key]; dup {
					l.add(p.key("key"), "duplicate option key %q (also used by %s)", o.Key, op.index(j))
				} else {
					keys[o.Key] = i
				}
			}
			v.text(p.key("text"), o.Text, plainLine, maxOptionText)
		}
	case KindNumeric:
		v.text(qp.key("prompt"), q.Prompt, markdown, maxPrompt)
		if q.Answer != nil {
			v.finite(qp.key("answer"), *q.Answer)
		}
		if v.finite(qp.key("tolerance"), q.Tolerance) && q.Tolerance < 0 {
			l.add(qp.key("tolerance"), "must not be negative")
		}
		v.text(qp.key("unit"), q.Unit, plainLine, maxUnit)
	case KindTask:
		v.text(qp.key("brief"), q.Brief, markdown, maxBrief)
		if d := q.Deliverable; d != nil {
			dp := qp.key("deliverable")
			if d.Format == "" {
				l.add(dp.key("format"), "is required; use %s", joinQuoted([]DeliverableFormat{DeliverableText, DeliverableCode}))
			} else {
				oneOf(v, dp.key("format"), d.Format, []DeliverableFormat{DeliverableText, DeliverableCode})
			}
			if d.Language != "" && !languagePattern.MatchString(d.Language) {
				l.add(dp.key("language"), "must be a lower-case language name such as \"go\", \"python\" or \"sql\"")
			}
			v.intRange(dp.key("max_chars"), d.MaxChars, 1, MaxDeliverableMaxChars)
			if u := d.Upload; u != nil {
				up := dp.key("upload")
				v.intRange(up.key("max_bytes"), u.MaxBytes, 1, MaxUploadBytes)
				v.count(up.key("types"), len(u.Types), maxUploadTypes)
				seen := map[string]bool{}
				for i, t := range u.Types {
					tp := up.key("types").index(i)
					switch {
					case !mimePattern.MatchString(t) && !extPattern.MatchString(t):
						l.add(tp, "must be a lower-case MIME type such as \"application/pdf\" or a file extension such as \".pdf\"")
					case seen[t]:
						l.add(tp, "%q is listed twice", t)
					}
					seen[t] = true
				}
			}
		}
		v.items(qp.key("checklist"), q.Checklist)
		v.anchors(qp.key("anchors"), q.Anchors)
	}
}

// foreignFields lists the set fields that belong to other kinds than q's.
// They would be lost by Encode, so Validate rejects them.
func (q *Question) foreignFields() []string {
	set := map[string]bool{
		"prompt":         q.Prompt != "",
		"guidance":       q.Guidance != "",
		"max_chars":      q.MaxChars != 0,
		"rubric":         q.Rubric != nil,
		"options":        len(q.Options) > 0,
		"multiple":       q.Multiple,
		"partial_credit": q.PartialCredit != "",
		"answer":         q.Answer != nil,
		"tolerance":      q.Tolerance != 0,
		"unit":           q.Unit != "",
		"brief":          q.Brief != "",
		"deliverable":    q.Deliverable != nil,
		"checklist":      len(q.Checklist) > 0,
		"anchors":        len(q.Anchors) > 0,
	}
	own, known := kindFields[q.Kind]
	if !known {
		return nil
	}
	var out []string
	for _, fields := range [][]string{kindFields[KindFreeText], kindFields[KindMultipleChoice], kindFields[KindNumeric], kindFields[KindTask]} {
		for _, f := range fields {
			if set[f] && !contains(own, f) && !contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

type validator struct {
	l *errorList
}

func (v validator) key(p ptr, k string) bool {
	switch {
	case k == "":
		v.l.add(p, "is required")
	case !keyPattern.MatchString(k):
		v.l.add(p, "must be 1 to 64 lower-case letters, digits, \"_\" or \"-\", starting with a letter or digit")
	default:
		return true
	}
	return false
}

// oneOf reports val unless it is one of valid.
func oneOf[T ~string](v validator, p ptr, val T, valid []T) {
	if !slices.Contains(valid, val) {
		v.l.add(p, "must be %s, not %q", joinQuoted(valid), string(val))
	}
}

// intRange reports n outside lo..hi. A lo of 0 allows "unset" for optional
// values whose real minimum is 1, which is what the message names.
func (v validator) intRange(p ptr, n, lo, hi int) {
	if n < lo || n > hi {
		v.l.add(p, "must be between %d and %d", max(lo, 1), hi)
	}
}

func (v validator) count(p ptr, n, limit int) {
	if n > limit {
		v.l.add(p, "has %d entries; at most %d are allowed", n, limit)
	}
}

func (v validator) finite(p ptr, f float64) bool {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		v.l.add(p, "must be a finite number")
		return false
	}
	return true
}

func (v validator) weight(p ptr, w float64) {
	if v.finite(p, w) && (w <= 0 || w > MaxWeight) {
		v.l.add(p, "must be greater than 0 and at most %g", MaxWeight)
	}
}

func (v validator) items(p ptr, items []RubricItem) {
	v.count(p, len(items), maxItems)
	for i, it := range items {
		ip := p.index(i)
		v.text(ip.key("text"), it.Text, plainLine, maxItemText)
		v.weight(ip.key("weight"), it.Weight)
		v.count(ip.key("phrases"), len(it.Phrases), maxPhrases)
		for j, ph := range it.Phrases {
			pp := ip.key("phrases").index(j)
			v.text(pp, ph, plainLine, maxPhrase)
			if isBlank(ph) {
				v.l.add(pp, "must not be empty")
			}
		}
	}
}

func (v validator) anchors(p ptr, a Anchors) {
	for _, level := range sortedKeys(a) {
		ap := p.key(level)
		if !contains(AnchorLevels, level) {
			v.l.add(ap, "anchor levels are \"1\" to \"5\"")
			continue
		}
		v.text(ap, a[level], plainMulti, maxAnchor)
		if isBlank(a[level]) {
			v.l.add(ap, "must not be empty")
		}
	}
}

// textKind says what a text field may contain.
type textKind int

const (
	// plainLine is one line of plain text.
	plainLine textKind = iota
	// plainMulti is plain text that may span lines.
	plainMulti
	// markdown is Markdown; HTML is allowed only inside code.
	markdown
)

func (v validator) text(p ptr, s string, kind textKind, limit int) {
	if s == "" {
		return
	}
	if !utf8.ValidString(s) {
		v.l.add(p, "must be valid UTF-8")
		return
	}
	if n := utf8.RuneCountInString(s); n > limit {
		v.l.add(p, "is %d characters long; at most %d are allowed", n, limit)
	}
	for _, r := range s {
		if unicode.IsControl(r) && (kind == plainLine || (r != '\n' && r != '\t' && r != '\r')) {
			if kind == plainLine && (r == '\n' || r == '\r') {
				v.l.add(p, "must be a single line")
			} else {
				v.l.add(p, "must not contain control character %U", r)
			}
			break
		}
	}
	switch kind {
	case markdown:
		if tag, ok := markdownHTML(s); ok {
			v.l.add(p, "must not contain HTML (found %q); put literal markup in `code`", tag)
		}
	default:
		if i := htmlTagIndex(s); i >= 0 {
			v.l.add(p, "must be plain text without HTML tags (found %q)", snippet(s[i:]))
		}
	}
}

// htmlTagIndex returns the index of the first "<" that starts an HTML tag,
// comment, declaration or processing instruction: "<" followed by a letter,
// "/", "!" or "?". It returns -1 if there is none.
func htmlTagIndex(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '<' && isTagStart(s[i+1]) {
			return i
		}
	}
	return -1
}

func isTagStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!' || c == '?'
}

// snippet shortens s to a few characters for an error message.
func snippet(s string) string {
	const n = 20
	for i := range s {
		if i >= n {
			return s[:i] + "…"
		}
	}
	return s
}

func isBlank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

func sortedKeys(a Anchors) []string {
	return slices.Sorted(maps.Keys(a))
}
