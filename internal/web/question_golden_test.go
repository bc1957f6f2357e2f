package web

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite the golden pages under testdata")

// TestQuestionPageGolden renders the question page (and the layout around
// it) for views of every kind and compares the bytes with pages kept under
// testdata, rendered before the templates were tuned for speed: the tuning
// must not change a byte of the HTML.
func TestQuestionPageGolden(t *testing.T) {
	t.Parallel()
	a, _, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	ts, err := parseTemplates(a)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range goldenQuestionViews() {
		var buf bytes.Buffer
		if err := ts["a_question"].ExecuteTemplate(&buf, "layout.html", v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		file := filepath.Join("testdata", "question_"+name+".html")
		if *updateGolden {
			if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s: the page differs from %s:\n%s", name, file, buf.Bytes())
		}
	}
}

// BenchmarkQuestionPage renders the multiple-choice question page.
func BenchmarkQuestionPage(b *testing.B) {
	a, _, err := loadAssets()
	if err != nil {
		b.Fatal(err)
	}
	ts, err := parseTemplates(a)
	if err != nil {
		b.Fatal(err)
	}
	v := goldenQuestionViews()["choice"]
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := ts["a_question"].ExecuteTemplate(&buf, "layout.html", v); err != nil {
			b.Fatal(err)
		}
	}
}

func goldenQuestionViews() map[string]*AssessQuestionPage {
	deadline := time.Date(2026, 12, 1, 10, 30, 0, 0, time.UTC)
	head := AssessHead{OrgName: "Acme & Co", PostingTitle: "Backend <Go>", Contact: "help@acme.test", LogoURL: "/a/tok/logo?v=1"}
	base := Base{Title: "Question 2 of 5", CSRF: "csrf-token", Flash: "Saved <ok>", FlashKind: FlashWarning, Loc: time.UTC}
	timer := AssessTimer{Deadline: deadline, Now: deadline.Add(-20 * time.Minute), Label: "Time left", Left: "20 minutes", Ends: "10:30 UTC", Return: "/a/tok"}
	return map[string]*AssessQuestionPage{
		"choice": {Base: base, AssessHead: head, Token: "tok", N: 2, Total: 5, SectionName: "Knowledge", Editable: true, Timer: timer, PrevN: 1,
			Q:      posting.Question{Kind: posting.KindMultipleChoice, Prompt: "Which **two**?", Multiple: true, Options: []posting.Option{{Key: "a", Text: "A & a"}, {Key: "b", Text: "B"}, {Key: "c", Text: "C"}}},
			Chosen: map[string]bool{"b": true}, NextSection: "practical", SectionUnanswered: []int{1, 3}, SavedAt: deadline.Add(-time.Minute)},
		"numeric": {Base: Base{Title: "Question 1 of 5", CSRF: "c"}, AssessHead: AssessHead{OrgName: "Acme"}, Token: "tok", N: 1, Total: 5, SectionName: "Knowledge", Editable: true, First: true,
			Q: posting.Question{Kind: posting.KindNumeric, Prompt: "How many?", Unit: "ms"}, Number: "12.5", Error: "Digits only.", ErrorField: "answer"},
		"task": {Base: base, AssessHead: head, Token: "tok", N: 5, Total: 5, SectionName: "Practical", Editable: true, Last: true, PrevN: 4, Timer: timer,
			Q: posting.Question{Kind: posting.KindTask, Brief: "Write `code`.\n\n* one\n* two"}, Text: "func main() {}\n<script>", MaxChars: 4000, Code: true, Language: "Go",
			Upload: &posting.Upload{}, UploadTypes: "PDF", UploadAccept: ".pdf", UploadMax: "5 MB", FileName: "a.pdf"},
		"text_end_of_section": {Base: base, AssessHead: head, Token: "tok", N: 3, Total: 5, SectionName: "Knowledge", Editable: true, PrevN: 2, EndOfSection: true, PerSection: true, NextSection: "practical",
			Q: posting.Question{Kind: posting.KindFreeText, Prompt: "Explain.", Guidance: "Be *brief*."}, Text: "Because.", MaxChars: 1000, SectionUnanswered: []int{1}},
		"readonly": {Base: Base{Title: "Question 2 of 5"}, AssessHead: head, Token: "tok", N: 2, Total: 5, SectionName: "Knowledge", PrevN: 1,
			Q: posting.Question{Kind: posting.KindMultipleChoice, Prompt: "Pick", Options: []posting.Option{{Key: "a", Text: "A"}, {Key: "b", Text: "B"}}}, Chosen: map[string]bool{"a": true}},
		"preview": {Base: Base{Title: "Preview", User: &model.User{Name: "Ann", Role: model.RoleAdmin}, Org: &model.Org{Name: "Acme"}, CSRF: "c", Nav: "postings"}, AssessHead: head, Token: "tok", N: 2, Total: 5,
			SectionName: "Knowledge", Editable: true, PrevN: 1, Preview: "/postings/1/preview", Q: posting.Question{Kind: posting.KindFreeText, Prompt: "Say"}, MaxChars: 100},
	}
}
