package jobs

import (
	"regexp"
	"strings"

	"github.com/talentsystems/talentsystems/internal/model"
)

// linkPattern finds the links in a mail body.
var linkPattern = regexp.MustCompile(`https?://[^\s"'<>]+`)

// tokenPattern is a path segment or query value that looks like a secret:
// long and made of token characters.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_\-]{16,}$`)

// RedactLinks hides the secrets in a body's links (invitation, password
// reset and assessment tokens), keeping where they lead, so that staff can
// read what was sent without being able to use it.
func RedactLinks(body string) string {
	return linkPattern.ReplaceAllStringFunc(body, func(link string) string {
		base, query, hasQuery := strings.Cut(link, "?")
		parts := strings.Split(base, "/")
		for i := 3; i < len(parts); i++ { // after scheme://host
			if tokenPattern.MatchString(parts[i]) {
				parts[i] = "[hidden]"
			}
		}
		out := strings.Join(parts, "/")
		if hasQuery && query != "" {
			out += "?[hidden]"
		}
		return out
	})
}

// Redacted returns e opened, with the secrets in its links hidden: the view
// of a mail that staff get. A purged mail has no body left.
func (q *Queue) Redacted(e *model.Email) (*model.Email, error) {
	open, err := q.OpenEmail(e)
	if err != nil {
		return nil, err
	}
	out := *open
	out.Text, out.HTML = RedactLinks(open.Text), RedactLinks(open.HTML)
	return &out, nil
}
