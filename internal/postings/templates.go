package postings

import (
	"bytes"
	"context"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/talentsystems/talentsystems/examples"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
)

// Template is an example posting shipped inside the product, offered as a
// starting point ("Start from a template").
type Template struct {
	// Key names the template in addresses: the file name without .json.
	Key        string
	Title      string
	Department string
	// AssessmentType and Questions summarize what the template asks.
	AssessmentType posting.AssessmentType
	Questions      int
	Competencies   int
	// JSON is the template's posting file.
	JSON []byte
}

// Templates lists the templates by title. They are read from the binary
// once, so a broken one is a programming error caught by the tests. The
// result is shared: read it, never modify it.
func Templates() []Template { return templates() }

var templates = sync.OnceValue(loadTemplates)

func loadTemplates() []Template {
	names, _ := fs.Glob(examples.Postings, "postings/*.json")
	var out []Template
	for _, name := range names {
		raw, err := examples.Postings.ReadFile(name)
		if err != nil {
			continue
		}
		doc, err := posting.Decode(bytes.NewReader(raw))
		if err != nil {
			continue
		}
		out = append(out, Template{Key: strings.TrimSuffix(path.Base(name), ".json"), Title: doc.Title, Department: doc.Department,
			AssessmentType: doc.AssessmentType, Questions: len(doc.Questions), Competencies: len(doc.Competencies), JSON: raw})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out
}

// TemplateByKey returns one template; an unknown key is NotFound.
func TemplateByKey(key string) (Template, error) {
	for _, t := range Templates() {
		if t.Key == key {
			return t, nil
		}
	}
	return Template{}, apperror.New(apperror.NotFound, "There is no template %q.", key)
}

// FromTemplate creates a draft posting from a template, for the actor's
// organization to edit and publish.
func (s *Service) FromTemplate(ctx context.Context, actor model.Actor, key string) (*Posting, error) {
	t, err := TemplateByKey(key)
	if err != nil {
		return nil, err
	}
	return s.Import(ctx, actor, bytes.NewReader(t.JSON), false)
}
