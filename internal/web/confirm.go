package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
)

// ConfirmPage asks before an action that cannot be undone, saying what will
// happen. Its form posts the original form again with confirm=yes, so it
// works without JavaScript.
type ConfirmPage struct {
	Base
	Heading string
	// Effects say what will happen, one sentence each.
	Effects []string
	Action  string
	Button  string
	Cancel  string
	// Fields are the original form's fields, carried as hidden inputs.
	Fields []Field
}

// Field is one hidden form field.
type Field struct{ Name, Value string }

// confirmation describes an action awaiting confirmation.
type confirmation struct {
	Heading, Button, Cancel string
	Effects                 []string
}

// confirmed reports whether the request confirms its action (confirm=yes).
// When it does not, it answers with the confirmation page and the handler
// does nothing.
func (s *Server) confirmed(w http.ResponseWriter, r *http.Request, c confirmation) bool {
	if r.PostForm.Get("confirm") == "yes" {
		return true
	}
	v := &ConfirmPage{Base: Base{Title: c.Heading, Nav: navOf(r)}, Heading: c.Heading, Effects: c.Effects,
		Action: r.URL.Path, Button: c.Button, Cancel: c.Cancel, Fields: hiddenFields(r.PostForm)}
	s.render(w, r, http.StatusOK, "confirm", v)
	return false
}

// hiddenFields returns a form's fields but the CSRF token and confirm, in a
// stable order.
func hiddenFields(f url.Values) []Field {
	var out []Field
	for name, vs := range f {
		if name == "csrf_token" || name == "confirm" {
			continue
		}
		for _, v := range vs {
			out = append(out, Field{name, v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// navOf names the navigation section of a recruiter path.
func navOf(r *http.Request) string {
	if len(r.URL.Path) >= 9 && r.URL.Path[:9] == "/postings" {
		return "postings"
	}
	return ""
}

// versionEffect says what an edit of a published posting does to versions.
func versionEffect(version int) string {
	if version == 0 {
		return "The posting was never published: no candidate has seen it."
	}
	return fmt.Sprintf("This makes a new version: new candidates will get version %d; candidates who already started keep version %d.", version+1, version)
}
