package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/talentsystems/talentsystems/docs"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/postings"
)

// fromTemplate creates a draft posting from a template shipped in the product.
func (s *Server) fromTemplate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postings.FromTemplate(r.Context(), actor(r), r.PathValue("key"))
	if err != nil {
		return err
	}
	s.flash(w, fmt.Sprintf("Created a draft from the template “%s”. Edit it, then publish it when it is ready.", p.Title))
	http.Redirect(w, r, postingURL(p, ""), http.StatusSeeOther)
	return nil
}

// templateFile downloads a template's posting file.
func (s *Server) templateFile(w http.ResponseWriter, r *http.Request) error {
	key, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	if !ok {
		return apperror.New(apperror.NotFound, "There is no such template.")
	}
	t, err := postings.TemplateByKey(key)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.json"`, t.Key))
	w.Write(t.JSON)
	return nil
}

// HelpPage is the view of a documentation page shipped in the product.
type HelpPage struct {
	Base
	Markdown string
}

// postingFormatHelp shows the posting JSON format. The page's links to the
// schema and the example files point where the product serves them.
func (s *Server) postingFormatHelp(w http.ResponseWriter, r *http.Request) error {
	base := strings.TrimSuffix(s.cfg.BaseURL, "/")
	md := strings.ReplaceAll(docs.PostingFormat, "](posting.schema.json)", "]("+base+"/help/posting.schema.json)")
	md = strings.ReplaceAll(md, "](../examples/postings/", "]("+base+"/posting-templates/")
	s.render(w, r, http.StatusOK, "help", &HelpPage{Base: Base{Title: "The posting JSON format", Nav: "postings"}, Markdown: md})
	return nil
}

// postingSchema downloads the posting format's JSON Schema.
func (s *Server) postingSchema(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/schema+json")
	w.Write(docs.PostingSchema)
	return nil
}
