package posting

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Field names of the format, in canonical order. Encode writes fields in this
// order, and a test keeps docs/posting.schema.json in step with these lists.
var (
	postingFields = []string{"format", "title", "description", "department", "location", "assessment_type", "time_limit", "link_validity_days", "thresholds", "competencies", "questions"}
	commonFields  = []string{"key", "section", "competency", "kind", "weight"}
	kindFields    = map[Kind][]string{
		KindFreeText:       {"prompt", "guidance", "max_chars", "rubric"},
		KindMultipleChoice: {"prompt", "multiple", "partial_credit", "options"},
		KindNumeric:        {"prompt", "answer", "tolerance", "unit"},
		KindTask:           {"brief", "deliverable", "checklist", "anchors"},
	}
)

// mapper maps a JSON tree onto the Go types, recording type errors and
// unknown fields with their pointers and applying defaults to omitted fields.
// Value rules (ranges, enums, keys, references) are left to Validate, so they
// hold for postings built in Go too.
type mapper struct {
	errs *errorList
}

// handlers maps a field name to the function that decodes its value.
type handlers map[string]func(v *node, p ptr)

// object decodes the members of n through h and returns the names present.
// allowed, when not nil, rejects known fields that do not apply here with the
// returned reason.
func (ps *mapper) object(n *node, p ptr, h handlers, allowed func(name string) (bool, string)) map[string]bool {
	if !ps.expect(n, p, nodeObject, "an object") {
		return nil
	}
	present := map[string]bool{}
	for _, m := range n.members {
		mp := p.key(m.name)
		fn, ok := h[m.name]
		if !ok {
			ps.errs.add(mp, "unknown field %q", m.name)
			continue
		}
		if allowed != nil {
			if ok, why := allowed(m.name); !ok {
				ps.errs.add(mp, "%s", why)
				continue
			}
		}
		present[m.name] = true
		fn(m.value, mp)
	}
	return present
}

func (ps *mapper) expect(n *node, p ptr, k nodeKind, want string) bool {
	if n.kind != k {
		ps.errs.add(p, "must be %s, not %s", want, n.describe())
		return false
	}
	return true
}

func (ps *mapper) str(dst *string) func(*node, ptr) {
	return func(n *node, p ptr) {
		if ps.expect(n, p, nodeString, "a string") {
			*dst = n.text
		}
	}
}

// enum decodes a string into a named string type; Validate checks the value.
func enum[T ~string](ps *mapper, dst *T) func(*node, ptr) {
	return func(n *node, p ptr) {
		if ps.expect(n, p, nodeString, "a string") {
			*dst = T(n.text)
		}
	}
}

func (ps *mapper) boolean(dst *bool) func(*node, ptr) {
	return func(n *node, p ptr) {
		if ps.expect(n, p, nodeBool, "true or false") {
			*dst = n.boolean
		}
	}
}

func (ps *mapper) number(dst *float64) func(*node, ptr) {
	return func(n *node, p ptr) {
		if f, ok := ps.float(n, p); ok {
			*dst = f
		}
	}
}

func (ps *mapper) float(n *node, p ptr) (float64, bool) {
	if !ps.expect(n, p, nodeNumber, "a number") {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.text, 64)
	if err != nil && (math.IsInf(f, 0) || math.IsNaN(f)) {
		ps.errs.add(p, "number %s is too large", n.text)
		return 0, false
	}
	return f, true
}

// integer decodes a whole number. Numbers beyond any limit of the format are
// clamped, so Validate reports them with the field's real range.
func (ps *mapper) integer(dst *int) func(*node, ptr) {
	return func(n *node, p ptr) {
		if !ps.expect(n, p, nodeNumber, "a whole number") {
			return
		}
		f, err := strconv.ParseFloat(n.text, 64)
		if err == nil && f != math.Trunc(f) {
			ps.errs.add(p, "must be a whole number, not %s", n.text)
			return
		}
		const limit = 1 << 40
		*dst = int(math.Max(-limit, math.Min(limit, f)))
	}
}

func (ps *mapper) strings(dst *[]string) func(*node, ptr) {
	return func(n *node, p ptr) {
		ps.array(n, p, func(item *node, ip ptr) {
			var s string
			ps.str(&s)(item, ip)
			*dst = append(*dst, s)
		})
	}
}

// array calls fn for each element; an empty array leaves the destination nil
// so that decoding is the same whether an empty list is written or omitted.
func (ps *mapper) array(n *node, p ptr, fn func(item *node, ip ptr)) {
	if !ps.expect(n, p, nodeArray, "an array") {
		return
	}
	for i, item := range n.items {
		fn(item, p.index(i))
	}
}

func (ps *mapper) posting(n *node) *Posting {
	pt := &Posting{}
	var tl TimeLimit
	h := handlers{
		"format":          ps.str(&pt.Format),
		"title":           ps.str(&pt.Title),
		"description":     ps.str(&pt.Description),
		"department":      ps.str(&pt.Department),
		"location":        ps.str(&pt.Location),
		"assessment_type": enum(ps, &pt.AssessmentType),
		"time_limit": func(v *node, p ptr) {
			// Zero means "unset" in Go, so an explicit zero is reported here,
			// where its pointer is known.
			minutes := func(dst *int) func(*node, ptr) {
				return func(v *node, p ptr) {
					ps.integer(dst)(v, p)
					if f, err := strconv.ParseFloat(v.text, 64); v.kind == nodeNumber && err == nil && f == 0 {
						ps.errs.add(p, "must be between 1 and %d minutes", MaxMinutes)
					}
				}
			}
			if ps.object(v, p, handlers{
				"total_minutes":     minutes(&tl.TotalMinutes),
				"interview_minutes": minutes(&tl.InterviewMinutes),
				"practical_minutes": minutes(&tl.PracticalMinutes),
			}, nil) != nil {
				pt.TimeLimit = &tl
			}
		},
		"link_validity_days": ps.integer(&pt.LinkValidityDays),
		"thresholds": func(v *node, p ptr) {
			// Thresholds default one by one, so a posting may set only one.
			present := ps.object(v, p, handlers{
				"strong_yes": ps.integer(&pt.Thresholds.StrongYes),
				"yes":        ps.integer(&pt.Thresholds.Yes),
				"no":         ps.integer(&pt.Thresholds.No),
			}, nil)
			d := DefaultThresholds()
			if !present["strong_yes"] {
				pt.Thresholds.StrongYes = d.StrongYes
			}
			if !present["yes"] {
				pt.Thresholds.Yes = d.Yes
			}
			if !present["no"] {
				pt.Thresholds.No = d.No
			}
		},
		"competencies": func(v *node, p ptr) {
			ps.array(v, p, func(item *node, ip ptr) {
				pt.Competencies = append(pt.Competencies, ps.competency(item, ip))
			})
		},
		"questions": func(v *node, p ptr) {
			ps.array(v, p, func(item *node, ip ptr) {
				pt.Questions = append(pt.Questions, ps.question(item, ip))
			})
		},
	}
	present := ps.object(n, "", h, nil)
	if present == nil {
		return nil
	}
	if !present["link_validity_days"] {
		pt.LinkValidityDays = DefaultLinkValidityDays
	}
	if !present["thresholds"] {
		pt.Thresholds = DefaultThresholds()
	}
	return pt
}

func (ps *mapper) competency(n *node, p ptr) Competency {
	var c Competency
	present := ps.object(n, p, handlers{
		"key":         ps.str(&c.Key),
		"name":        ps.str(&c.Name),
		"description": ps.str(&c.Description),
		"weight":      ps.number(&c.Weight),
	}, nil)
	if present != nil && !present["weight"] {
		c.Weight = DefaultWeight
	}
	return c
}

func (ps *mapper) question(n *node, p ptr) Question {
	var q Question
	if !ps.expect(n, p, nodeObject, "an object") {
		return q
	}
	// The kind decides which fields are allowed, so read it first.
	for _, m := range n.members {
		if m.name == "kind" && m.value.kind == nodeString {
			q.Kind = Kind(m.value.text)
		}
	}
	var answer float64
	h := handlers{
		"key":        ps.str(&q.Key),
		"section":    enum(ps, &q.Section),
		"competency": ps.str(&q.Competency),
		"kind":       enum(ps, &q.Kind),
		"weight":     ps.number(&q.Weight),

		"prompt":    ps.str(&q.Prompt),
		"guidance":  ps.str(&q.Guidance),
		"max_chars": ps.integer(&q.MaxChars),
		"rubric": func(v *node, p ptr) {
			var r Rubric
			if ps.object(v, p, handlers{
				"expected_points": ps.items(&r.ExpectedPoints),
				"anchors":         ps.anchors(&r.Anchors),
			}, nil) != nil {
				q.Rubric = &r
			}
		},

		"options": func(v *node, p ptr) {
			ps.array(v, p, func(item *node, ip ptr) {
				var o Option
				ps.object(item, ip, handlers{
					"key":     ps.str(&o.Key),
					"text":    ps.str(&o.Text),
					"correct": ps.boolean(&o.Correct),
				}, nil)
				q.Options = append(q.Options, o)
			})
		},
		"multiple":       ps.boolean(&q.Multiple),
		"partial_credit": enum(ps, &q.PartialCredit),

		"answer": func(v *node, p ptr) {
			if f, ok := ps.float(v, p); ok {
				answer = f
				q.Answer = &answer
			}
		},
		"tolerance": ps.number(&q.Tolerance),
		"unit":      ps.str(&q.Unit),

		"brief":       ps.str(&q.Brief),
		"deliverable": ps.deliverable(&q.Deliverable),
		"checklist":   ps.items(&q.Checklist),
		"anchors":     ps.anchors(&q.Anchors),
	}
	allowed := func(name string) (bool, string) {
		fields, known := kindFields[q.Kind]
		if !known || contains(commonFields, name) || contains(fields, name) {
			return true, ""
		}
		return false, fmt.Sprintf("field %q does not apply to %s questions", name, q.Kind)
	}
	present := ps.object(n, p, h, allowed)
	if !present["weight"] {
		q.Weight = DefaultWeight
	}
	switch q.Kind {
	case KindFreeText:
		if !present["max_chars"] {
			q.MaxChars = DefaultFreeTextMaxChars
		}
	case KindMultipleChoice:
		if !present["partial_credit"] {
			q.PartialCredit = PartialCreditNone
		}
	}
	return q
}

func (ps *mapper) items(dst *[]RubricItem) func(*node, ptr) {
	return func(n *node, p ptr) {
		ps.array(n, p, func(item *node, ip ptr) {
			var it RubricItem
			present := ps.object(item, ip, handlers{
				"text":    ps.str(&it.Text),
				"weight":  ps.number(&it.Weight),
				"phrases": ps.strings(&it.Phrases),
			}, nil)
			if present != nil && !present["weight"] {
				it.Weight = DefaultWeight
			}
			*dst = append(*dst, it)
		})
	}
}

func (ps *mapper) anchors(dst *Anchors) func(*node, ptr) {
	return func(n *node, p ptr) {
		if !ps.expect(n, p, nodeObject, "an object") {
			return
		}
		for _, m := range n.members {
			var s string
			ps.str(&s)(m.value, p.key(m.name))
			if *dst == nil {
				*dst = Anchors{}
			}
			(*dst)[m.name] = s
		}
	}
}

func (ps *mapper) deliverable(dst **Deliverable) func(*node, ptr) {
	return func(n *node, p ptr) {
		var d Deliverable
		present := ps.object(n, p, handlers{
			"format":    enum(ps, &d.Format),
			"language":  ps.str(&d.Language),
			"max_chars": ps.integer(&d.MaxChars),
			"upload": func(v *node, p ptr) {
				var u Upload
				present := ps.object(v, p, handlers{
					"max_bytes": ps.integer(&u.MaxBytes),
					"types":     ps.strings(&u.Types),
				}, nil)
				if present != nil {
					if !present["max_bytes"] {
						u.MaxBytes = MaxUploadBytes
					}
					d.Upload = &u
				}
			},
		}, nil)
		if present == nil {
			return
		}
		if !present["max_chars"] {
			d.MaxChars = DefaultDeliverableMaxChars
		}
		*dst = &d
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// joinQuoted formats a list of values for messages: "a", "b" or "c".
func joinQuoted[T ~string](vals []T) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = strconv.Quote(string(v))
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
