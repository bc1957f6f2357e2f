package jobs

import (
	"strings"
	"testing"
)

func TestRedactLinks(t *testing.T) {
	tok := "q3J9xkP0aZr8bW2mYtL5vN7cH1sD4fG6"
	for in, want := range map[string]string{
		"Start here: https://ts.example/a/" + tok + "\nThanks":          "Start here: https://ts.example/a/[hidden]\nThanks",
		"https://ts.example/password/reset/" + tok:                      "https://ts.example/password/reset/[hidden]",
		`<a href="https://ts.example/invite/` + tok + `">join</a>`:      `<a href="https://ts.example/invite/[hidden]">join</a>`,
		"https://ts.example/x?token=" + tok:                             "https://ts.example/x?[hidden]",
		"See https://ts.example/postings/12/candidates/34 for details.": "See https://ts.example/postings/12/candidates/34 for details.",
	} {
		got := RedactLinks(in)
		if got != want {
			t.Errorf("RedactLinks(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(got, tok) {
			t.Errorf("the token survived: %q", got)
		}
	}
}
