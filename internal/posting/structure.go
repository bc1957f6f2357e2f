package posting

import (
	"bytes"
	"cmp"
	"slices"
)

// StructureChanged reports whether editing old into updated would change the
// assessment under candidates who already started it, in which case the app
// must publish the edit as a new posting version instead of changing the
// active one.
//
// Structural: the assessment type, the time limit, the set of competencies
// (keys) and their weights, and everything about questions: their number,
// order, keys, sections, competencies, kinds, weights, and every kind-specific
// field, including the wording of prompts, guidance, briefs and options
// (a candidate's answer must stay attached to the text they answered) and the
// rubrics, checklists and anchors used to score them.
//
// Cosmetic: the title, description, department and location, the link
// validity (it applies to links issued later), the thresholds (they map the
// final score to a recommendation and can be recomputed for everyone), the
// names and descriptions of competencies, and the order of competencies.
func StructureChanged(old, updated *Posting) bool {
	a, errA := structure(old)
	b, errB := structure(updated)
	if errA != nil || errB != nil {
		return true // cannot tell, so be safe
	}
	return !bytes.Equal(a, b)
}

// structure encodes the structural part of p, so two postings with the same
// structure encode identically.
func structure(p *Posting) ([]byte, error) {
	if p == nil {
		return nil, nil
	}
	s := Posting{
		AssessmentType: p.AssessmentType,
		TimeLimit:      p.TimeLimit,
		Questions:      p.Questions,
	}
	for _, c := range p.Competencies {
		s.Competencies = append(s.Competencies, Competency{Key: c.Key, Weight: c.Weight})
	}
	slices.SortStableFunc(s.Competencies, func(a, b Competency) int { return cmp.Compare(a.Key, b.Key) })
	return Encode(&s)
}
