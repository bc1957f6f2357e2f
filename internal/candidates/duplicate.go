package candidates

import (
	"context"
	"fmt"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Duplicate is the Conflict of adding a person who already is a candidate
// for the posting: one person is one candidate per posting.
type Duplicate struct {
	Existing *model.Candidate
	// For is who tried to add the person: the message shows the day in
	// their time zone.
	For model.Actor
}

func (d *Duplicate) message() string {
	return fmt.Sprintf("%s is already a candidate for this posting (added %s, %s). Open their page to remind them, extend or reset their link instead of adding them again.",
		d.Existing.Email, d.For.Date(d.Existing.CreatedAt), d.Existing.Status)
}

func (d *Duplicate) Error() string { return d.message() }

// Unwrap classifies the duplicate as a Conflict on the email field.
func (d *Duplicate) Unwrap() error {
	m := d.message()
	return &apperror.Error{Kind: apperror.Conflict, Message: m, Fields: map[string]string{"email": m}}
}

// MarkExisting sets Existing on every row whose person already is a live
// candidate of the posting, so a preview can say what will happen to it.
func (s *Service) MarkExisting(ctx context.Context, actor model.Actor, postingID int64, rows []CSVRow) error {
	byEmail, err := store.PostingCandidatesByEmail(ctx, s.Store.DB, actor.OrgID, postingID)
	if err != nil {
		return err
	}
	for i := range rows {
		if rows[i].Error == "" {
			rows[i].Existing = byEmail[rows[i].Person.Email]
		}
	}
	return nil
}
