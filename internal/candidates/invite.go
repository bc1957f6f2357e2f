package candidates

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"strings"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/store"
)

var invitationHTML = template.Must(template.New("invite").Parse(`<!doctype html>
<html lang="en"><body style="font-family:system-ui,sans-serif;color:#1f2933;max-width:560px;margin:auto;padding:24px;line-height:1.5">
<h1 style="font-size:20px">{{if .Reminder}}A reminder: {{end}}{{.Org}} invites you to an assessment</h1>
<p>Hello {{.First}},</p>
<p>{{.Org}} would like you to take the assessment for <strong>{{.Title}}</strong>.</p>
<ul>
<li>What it is: {{.What}}</li>
<li>Time: {{.Time}}</li>
<li>Take it before: {{.Deadline}}</li>
</ul>
<p><a href="{{.Link}}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">Start the assessment</a></p>
<p style="color:#52606d;font-size:14px">Your answers are saved as you go, so you can close the page and come back with the same link. The link is personal: please do not share it.</p>
</body></html>`))

func describeAssessment(doc *posting.Posting) (what, timing string) {
	switch doc.AssessmentType {
	case posting.AssessmentInterview:
		what = "a structured interview in writing"
	case posting.AssessmentPractical:
		what = "a practical work sample"
	default:
		what = "a structured interview in writing, then a practical work sample"
	}
	timing = "no time limit"
	if tl := doc.TimeLimit; tl != nil {
		if tl.TotalMinutes > 0 {
			timing = fmt.Sprintf("%d minutes once you start", tl.TotalMinutes)
		} else {
			var parts []string
			if tl.InterviewMinutes > 0 {
				parts = append(parts, fmt.Sprintf("%d minutes for the interview", tl.InterviewMinutes))
			}
			if tl.PracticalMinutes > 0 {
				parts = append(parts, fmt.Sprintf("%d minutes for the practical", tl.PracticalMinutes))
			}
			timing = strings.Join(parts, ", ")
		}
	}
	return what, timing
}

// invite queues the invitation mail with the link token, in tx.
func (s *Service) invite(ctx context.Context, tx *sql.Tx, c *model.Candidate, doc *posting.Posting, token string) error {
	return s.mailLink(ctx, tx, c, doc, token, false)
}

// mailLink queues the invitation mail, or a reminder of it, in tx.
func (s *Service) mailLink(ctx context.Context, tx *sql.Tx, c *model.Candidate, doc *posting.Posting, token string, reminder bool) error {
	org, err := store.OrgByID(ctx, tx, c.OrgID)
	if err != nil {
		return err
	}
	what, timing := describeAssessment(doc)
	link := s.BaseURL + "/a/" + token
	data := map[string]string{"Org": org.Name, "First": c.FirstName, "Title": doc.Title, "What": what, "Time": timing,
		"Deadline": c.ExpiresAt.Format("Monday 2 January 2006, 15:04 MST"), "Link": link, "Reminder": ""}
	subject, opening := "Your assessment for "+doc.Title+" at "+org.Name, ""
	if reminder {
		data["Reminder"] = "yes"
		subject, opening = "Reminder: "+subject, "This is a reminder: your link works until "+data["Deadline"]+".\n\n"
	}
	var html strings.Builder
	if err := invitationHTML.Execute(&html, data); err != nil {
		return fmt.Errorf("candidates: invitation mail: %w", err)
	}
	text := fmt.Sprintf("Hello %s,\n\n"+opening+"%s would like you to take the assessment for %s.\n\nWhat it is: %s\nTime: %s\nTake it before: %s\n\nStart here:\n%s\n\nYour answers are saved as you go, so you can close the page and come back with the same link. The link is personal: please do not share it.\n",
		c.FirstName, org.Name, doc.Title, what, timing, data["Deadline"], link)
	return s.Queue.SendEmail(ctx, tx, &model.Email{OrgID: c.OrgID, To: c.Email, Subject: subject,
		Text: text, HTML: html.String(), CreatedAt: s.Now()})
}
