package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/posting"
)

// The posting editor's forms are plain HTML forms (they work without
// JavaScript). These functions turn their values into the posting model and
// back; the model's own validation then speaks for the content.

// text returns a multi-line form value with browser line endings (CRLF) made LF.
func text(f url.Values, name string) string {
	return strings.ReplaceAll(f.Get(name), "\r\n", "\n")
}

// line returns a single-line form value, trimmed.
func line(f url.Values, name string) string { return strings.TrimSpace(f.Get(name)) }

// number parses an optional number field; empty gives def.
func number(f url.Values, name, label string, def float64) (float64, error) {
	v := line(f, name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, apperror.Field(name, "%s must be a number, not %q", label, v)
	}
	return n, nil
}

// integer parses an optional whole-number field; empty gives def.
func integer(f url.Values, name, label string, def int) (int, error) {
	v := line(f, name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, apperror.Field(name, "%s must be a whole number, not %q", label, v)
	}
	return n, nil
}

// uploadLimit reads the largest upload in MB (upload_max_mb, as people say
// it), or in bytes (upload_max_bytes, as earlier forms sent it).
func uploadLimit(f url.Values) (int, error) {
	v := line(f, "upload_max_mb")
	if v == "" {
		return integer(f, "upload_max_bytes", "The largest file size", posting.MaxUploadBytes)
	}
	mb, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
	if err != nil || mb <= 0 || mb > float64(posting.MaxUploadBytes)/(1<<20) {
		return 0, apperror.Field("upload_max_mb", "The largest file must be a number of MB above 0 and at most %s, not %q", mib(posting.MaxUploadBytes), v)
	}
	return int(mb * (1 << 20)), nil
}

// mib shows a byte count in MB (MiB) for a form field: 10485760 → "10".
func mib(b int) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', -1, 64) }

// fmtNum shows a number in a form field without a needless fraction.
func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// splitLines returns the non-empty trimmed lines of s.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// applyBasics sets the posting-level fields from the basics form.
func applyBasics(doc *posting.Posting, f url.Values) error {
	doc.Title = line(f, "title")
	doc.Description = text(f, "description")
	doc.Department = line(f, "department")
	doc.Location = line(f, "location")
	doc.AssessmentType = posting.AssessmentType(line(f, "assessment_type"))
	var err error
	var tl posting.TimeLimit
	switch line(f, "time_mode") {
	case "total":
		if tl.TotalMinutes, err = integer(f, "total_minutes", "The time limit", 0); err != nil {
			return err
		}
	case "sections":
		if tl.InterviewMinutes, err = integer(f, "interview_minutes", "The interview time limit", 0); err != nil {
			return err
		}
		if tl.PracticalMinutes, err = integer(f, "practical_minutes", "The practical time limit", 0); err != nil {
			return err
		}
	}
	doc.TimeLimit = nil
	if tl != (posting.TimeLimit{}) {
		doc.TimeLimit = &tl
	}
	if doc.LinkValidityDays, err = integer(f, "link_validity_days", "Link validity", posting.DefaultLinkValidityDays); err == nil && doc.LinkValidityDays < 1 {
		// 0 would silently become the default; say so instead.
		err = apperror.Field("link_validity_days", "Links must stay valid at least 1 day, not %d; leave the field empty for the default of %d days", doc.LinkValidityDays, posting.DefaultLinkValidityDays)
	}
	if err != nil {
		return err
	}
	d := posting.DefaultThresholds()
	for _, t := range []struct {
		name, label string
		dst         *int
		def         int
	}{{"strong_yes", "The strong yes threshold", &doc.Thresholds.StrongYes, d.StrongYes}, {"yes", "The yes threshold", &doc.Thresholds.Yes, d.Yes}, {"no", "The no threshold", &doc.Thresholds.No, d.No}} {
		if *t.dst, err = integer(f, t.name, t.label, t.def); err != nil {
			return err
		}
	}
	return nil
}

// competencyFromForm reads the competency form.
func competencyFromForm(f url.Values) (posting.Competency, error) {
	c := posting.Competency{Key: line(f, "key"), Name: line(f, "name"), Description: text(f, "description")}
	var err error
	c.Weight, err = number(f, "weight", "The weight", posting.DefaultWeight)
	return c, err
}

// itemRows reads rubric item rows prefix_text_i, prefix_weight_i, prefix_phrases_i; blank rows are skipped.
func itemRows(f url.Values, prefix string, rows int) ([]posting.RubricItem, error) {
	var items []posting.RubricItem
	for i := range rows {
		n := strconv.Itoa(i)
		it := posting.RubricItem{Text: line(f, prefix+"_text_"+n), Phrases: splitLines(text(f, prefix+"_phrases_"+n))}
		w := line(f, prefix+"_weight_"+n)
		if it.Text == "" && len(it.Phrases) == 0 && (w == "" || w == "1") {
			continue
		}
		var err error
		if it.Weight, err = number(f, prefix+"_weight_"+n, fmt.Sprintf("The weight of row %d", i+1), posting.DefaultWeight); err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

func anchors(f url.Values) posting.Anchors {
	a := posting.Anchors{}
	for _, l := range posting.AnchorLevels {
		if v := line(f, "anchor_"+l); v != "" {
			a[l] = v
		}
	}
	if len(a) == 0 {
		return nil
	}
	return a
}

// rowCount is the number of item rows a form posted (bounded).
func rowCount(f url.Values) int {
	n, _ := strconv.Atoi(f.Get("rows"))
	return max(0, min(n, 200))
}

// questionFromForm reads the question form into q; kind and key come from the form.
func questionFromForm(f url.Values) (posting.Question, error) {
	q := posting.Question{
		Key: line(f, "key"), Section: posting.Section(line(f, "section")), Competency: line(f, "competency"),
		Kind: posting.Kind(line(f, "kind")),
	}
	var err error
	if q.Weight, err = number(f, "weight", "The weight", posting.DefaultWeight); err != nil {
		return q, err
	}
	rows := rowCount(f)
	switch q.Kind {
	case posting.KindFreeText:
		q.Prompt, q.Guidance = text(f, "prompt"), text(f, "guidance")
		if q.MaxChars, err = integer(f, "max_chars", "The answer length limit", posting.DefaultFreeTextMaxChars); err != nil {
			return q, err
		}
		points, err := itemRows(f, "point", rows)
		if err != nil {
			return q, err
		}
		if a := anchors(f); len(points) > 0 || a != nil {
			q.Rubric = &posting.Rubric{ExpectedPoints: points, Anchors: a}
		}
	case posting.KindMultipleChoice:
		q.Prompt = text(f, "prompt")
		q.Multiple = f.Get("multiple") == "on"
		q.PartialCredit = posting.PartialCredit(line(f, "partial_credit"))
		for i := range rows {
			n := strconv.Itoa(i)
			o := posting.Option{Key: line(f, "option_key_"+n), Text: line(f, "option_text_"+n), Correct: f.Get("option_correct_"+n) == "on"}
			if o.Text == "" && o.Key == "" {
				continue
			}
			if o.Key == "" {
				o.Key = nextOptionKey(q.Options)
			}
			q.Options = append(q.Options, o)
		}
	case posting.KindNumeric:
		q.Prompt, q.Unit = text(f, "prompt"), line(f, "unit")
		if v := line(f, "answer"); v != "" {
			a, err := number(f, "answer", "The answer", 0)
			if err != nil {
				return q, err
			}
			q.Answer = &a
		}
		if q.Tolerance, err = number(f, "tolerance", "The tolerance", 0); err != nil {
			return q, err
		}
	case posting.KindTask:
		q.Brief = text(f, "brief")
		d := &posting.Deliverable{Format: posting.DeliverableFormat(line(f, "deliverable_format")), Language: line(f, "language")}
		if d.MaxChars, err = integer(f, "deliverable_max_chars", "The answer length limit", posting.DefaultDeliverableMaxChars); err != nil {
			return q, err
		}
		if f.Get("upload") == "on" {
			u := &posting.Upload{}
			if u.MaxBytes, err = uploadLimit(f); err != nil {
				return q, err
			}
			for _, t := range strings.Split(line(f, "upload_types"), ",") {
				if t = strings.TrimSpace(t); t != "" {
					u.Types = append(u.Types, t)
				}
			}
			d.Upload = u
		}
		q.Deliverable = d
		if q.Checklist, err = itemRows(f, "check", rows); err != nil {
			return q, err
		}
		q.Anchors = anchors(f)
	default:
		return q, apperror.Field("kind", "choose a question kind")
	}
	return q, nil
}

// keyFromName makes a key from a name: "Problem solving & SQL" →
// "problem_solving_sql", made unique with _2, _3 … against taken.
func keyFromName(name string, taken func(string) bool) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		default:
			if a, ok := asciiFold[r]; ok {
				if gap && b.Len() > 0 {
					b.WriteByte('_')
				}
				b.WriteString(a)
				gap = false
			} else {
				gap = true
			}
		}
	}
	base := b.String()
	if len(base) > 56 {
		base = strings.TrimRight(base[:56], "_")
	}
	if base == "" {
		base = "competency"
	}
	key := base
	for i := 2; taken(key); i++ {
		key = base + "_" + strconv.Itoa(i)
	}
	return key
}

// asciiFold spells common accented letters in ASCII for keys.
var asciiFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "ae", 'å': "a", 'æ': "ae", 'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "oe", 'ø': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "ue", 'ý': "y", 'ÿ': "y", 'ß': "ss", 'œ': "oe",
}

// nextOptionKey returns the first of a, b, c … not used by opts.
func nextOptionKey(opts []posting.Option) string {
	for i := 0; ; i++ {
		k := string(rune('a' + i%26))
		if i >= 26 {
			k += strconv.Itoa(i / 26)
		}
		if !slices.ContainsFunc(opts, func(o posting.Option) bool { return o.Key == k }) {
			return k
		}
	}
}

// nextQuestionKey returns q1, q2 … not used in doc.
func nextQuestionKey(doc *posting.Posting) string {
	for i := len(doc.Questions) + 1; ; i++ {
		k := "q" + strconv.Itoa(i)
		if questionIndex(doc, k) < 0 {
			return k
		}
	}
}

func questionIndex(doc *posting.Posting, key string) int {
	return slices.IndexFunc(doc.Questions, func(q posting.Question) bool { return q.Key == key })
}

func competencyIndex(doc *posting.Posting, key string) int {
	return slices.IndexFunc(doc.Competencies, func(c posting.Competency) bool { return c.Key == key })
}

// sortBySection keeps questions grouped by section in the order candidates
// take them, preserving the order within each section.
func sortBySection(doc *posting.Posting) {
	slices.SortStableFunc(doc.Questions, func(a, b posting.Question) int {
		return slices.Index(posting.Sections, a.Section) - slices.Index(posting.Sections, b.Section)
	})
}

// describePointer turns a JSON pointer into words a recruiter understands,
// e.g. `Question "outage-reply" › rubric › expected_points 2 › weight`.
func describePointer(doc *posting.Posting, ptr string) string {
	if ptr == "" {
		return "The posting"
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	var words []string
	for i := 0; i < len(parts); i++ {
		p := strings.ReplaceAll(strings.ReplaceAll(parts[i], "~1", "/"), "~0", "~")
		n, isIndex := strconv.Atoi(p)
		switch {
		case i == 0 && p == "questions" && i+1 < len(parts):
			idx, _ := strconv.Atoi(parts[i+1])
			if doc != nil && idx >= 0 && idx < len(doc.Questions) && doc.Questions[idx].Key != "" {
				words = append(words, fmt.Sprintf("Question %q", doc.Questions[idx].Key))
			} else {
				words = append(words, fmt.Sprintf("Question %d", idx+1))
			}
			i++
		case i == 0 && p == "competencies" && i+1 < len(parts):
			idx, _ := strconv.Atoi(parts[i+1])
			if doc != nil && idx >= 0 && idx < len(doc.Competencies) && doc.Competencies[idx].Key != "" {
				words = append(words, fmt.Sprintf("Competency %q", doc.Competencies[idx].Key))
			} else {
				words = append(words, fmt.Sprintf("Competency %d", idx+1))
			}
			i++
		case isIndex == nil:
			words[len(words)-1] += " " + strconv.Itoa(n+1)
		default:
			words = append(words, strings.ReplaceAll(p, "_", " "))
		}
	}
	if len(words) > 0 {
		words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	}
	return strings.Join(words, " › ")
}
