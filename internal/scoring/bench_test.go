package scoring

import (
	"fmt"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// largeTask is a task at the format's limits: 50 checklist items of 50
// phrases each, and a deliverable of 200 000 characters and more that
// repeats the same three words.
func largeTask(phrase func(i, j int) string) (posting.Question, Answer) {
	q := posting.Question{Key: "t", Kind: posting.KindTask, Section: posting.SectionPractical,
		Deliverable: &posting.Deliverable{Format: posting.DeliverableCode, MaxChars: posting.MaxDeliverableMaxChars}}
	for i := range 50 {
		it := posting.RubricItem{Text: fmt.Sprint("item ", i), Weight: 1}
		for j := range 50 {
			it.Phrases = append(it.Phrases, phrase(i, j))
		}
		q.Checklist = append(q.Checklist, it)
	}
	text := strings.Repeat("alpha beta gamma ", posting.MaxDeliverableMaxChars/len("alpha beta gamma ")+10) + "the end"
	return q, Answer{Text: text}
}

// distinctPhrases are phrases whose last word is not in the answer.
func distinctPhrases(i, j int) string { return fmt.Sprintf("alpha beta gamma w%d-%d", i, j) }

// hardPhrases are phrases of frequent words that do not occur in that
// order: the matcher's worst case.
func hardPhrases(i, j int) string { return "alpha beta gamma alpha beta gamma gamma" }

func TestLargeAnswer(t *testing.T) {
	q, a := largeTask(distinctPhrases)
	q.Checklist[49].Phrases[49] = "the end"
	s := Rules{}.ScoreQuestion(nil, &q, a)
	if !s.Answered || s.Level != 1 || len(s.Evidence) != 50 || s.Evidence[49].Found {
		t.Errorf("score = level %d, %d evidence, last %+v", s.Level, len(s.Evidence), s.Evidence[49])
	}
	if !strings.Contains(s.Note, "first 200000 characters") {
		t.Errorf("note = %q, want the answer cut at the limit", s.Note)
	}
}

func BenchmarkLargeTask(b *testing.B) {
	for _, bc := range []struct {
		name   string
		phrase func(i, j int) string
	}{{"distinct", distinctPhrases}, {"worst", hardPhrases}} {
		b.Run(bc.name, func(b *testing.B) {
			q, a := largeTask(bc.phrase)
			for b.Loop() {
				Rules{}.ScoreQuestion(nil, &q, a)
			}
		})
	}
}

func BenchmarkExample(b *testing.B) {
	p := loadPosting(b, "../../examples/postings/backend-engineer.json")
	answers := strongAnswers["backend-engineer.json"]
	for b.Loop() {
		Rollup(p, ScoreAll(Rules{}, p, answers), nil)
	}
}
