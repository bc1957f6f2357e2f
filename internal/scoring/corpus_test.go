package scoring

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// corpusFile is the gamed and honest corpora written out for the tests that
// take them through the real service (internal/app's TestCorporaThroughService),
// which cannot import this package's test code. The corpora are defined
// here (gaming_test.go, examples_test.go, honest_test.go);
// TS_UPDATE_CORPUS=1 go test -run TestCorpusFile ./internal/scoring
// rewrites the file after a change, and this test fails while it is stale.
const corpusFile = "testdata/corpus.json"

// Corpus is the layout of corpusFile, keyed by example posting file name.
type Corpus map[string]CorpusPosting

// CorpusPosting is one example posting's corpora.
type CorpusPosting struct {
	// Closed are correct answers to its multiple-choice and numeric
	// questions, by question key.
	Closed map[string]Answer `json:"closed"`
	// Gamed are gamed answers to its open questions: question key → style → text.
	Gamed map[string]map[string]string `json:"gamed"`
	// Honest are strong, honest answers to its open questions: question key → texts.
	Honest map[string][]string `json:"honest"`
}

func buildCorpus(t *testing.T) Corpus {
	files, err := filepath.Glob("../../examples/postings/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example postings: %v", err)
	}
	sort.Strings(files)
	out := Corpus{}
	for _, file := range files {
		name := filepath.Base(file)
		p := loadPosting(t, file)
		cp := CorpusPosting{Closed: map[string]Answer{}, Gamed: map[string]map[string]string{}, Honest: map[string][]string{}}
		for _, q := range p.Questions {
			if q.Kind == posting.KindMultipleChoice || q.Kind == posting.KindNumeric {
				cp.Closed[q.Key] = strongAnswers[name][q.Key]
			}
		}
		for _, q := range openQuestions(p) {
			g := gamedAnswers(&q)
			for i, text := range handGamed[name][q.Key] {
				g["hand-written "+string(rune('1'+i))] = text
			}
			cp.Gamed[q.Key] = g
			cp.Honest[q.Key] = []string{strongAnswers[name][q.Key].Text, honestAnswers[name][q.Key]}
		}
		out[name] = cp
	}
	return out
}

func TestCorpusFile(t *testing.T) {
	want, err := json.MarshalIndent(buildCorpus(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if os.Getenv("TS_UPDATE_CORPUS") != "" {
		if err := os.WriteFile(corpusFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(corpusFile)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is stale (%v): run TS_UPDATE_CORPUS=1 go test -run TestCorpusFile ./internal/scoring", corpusFile, err)
	}
}
