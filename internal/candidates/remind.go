package candidates

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Remind mails the candidate their current link again, as a reminder of the
// invitation, while the link is still valid and the assessment not
// completed. Greenhouse candidates get no mail from us unless the
// organization opted in (Greenhouse talks to them).
func (s *Service) Remind(ctx context.Context, actor model.Actor, id int64) error {
	return s.change(ctx, actor, id, "candidate.remind", func(tx *sql.Tx, c *model.Candidate) (string, error) {
		switch {
		case c.Status == model.CandidateCompleted:
			return "", apperror.New(apperror.Conflict, "%s has completed the assessment: there is nothing to remind them of.", c.Name())
		case !c.ExpiresAt.After(s.Now()):
			return "", apperror.New(apperror.Conflict, "%s's link has expired: extend it first, then remind them.", c.Name())
		}
		if c.Source == model.SourceGreenhouse {
			settings, err := store.OrgGreenhouseSettings(ctx, tx, c.OrgID)
			if err != nil {
				return "", err
			}
			if !settings.EmailCandidates {
				return "", apperror.New(apperror.Conflict, "%s came from Greenhouse, which handles their mail: remind them from Greenhouse (or let Talent Systems mail Greenhouse candidates in Settings → Integrations).", c.Name())
			}
		}
		token, err := s.Box.Open(c.TokenSealed, tokenContext)
		if err != nil {
			return "", fmt.Errorf("candidates: open link of %d: %w", c.ID, err)
		}
		doc, err := s.postingDoc(ctx, tx, c)
		if err != nil {
			return "", err
		}
		return "reminder to " + c.Email, s.mailLink(ctx, tx, c, doc, token, true)
	})
}
