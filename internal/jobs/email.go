package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/talentsystems/talentsystems/internal/mail"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/secretbox"
	"github.com/talentsystems/talentsystems/internal/store"
)

// EmailArgs asks for one outbox message to be delivered.
type EmailArgs struct {
	EmailID int64 `json:"email_id"`
}

// Kind names the job kind in the queue.
func (EmailArgs) Kind() string { return "email" }

type emailWorker struct {
	river.WorkerDefaults[EmailArgs]
	store  *store.Store
	sender mail.Sender
	box    *secretbox.Box
	now    func() time.Time
}

// Work delivers one mail at most once. The try is claimed first; a mail
// found claimed was being sent when its instance stopped (River rescued the
// job), so whether it left is unknown: it is marked uncertain for staff to
// decide, never sent again blindly, since a mail server cannot dedupe.
func (w *emailWorker) Work(ctx context.Context, job *river.Job[EmailArgs]) error {
	e, err := store.EmailByID(ctx, w.store.DB, job.Args.EmailID)
	if err != nil {
		return fmt.Errorf("email job: %w", err)
	}
	switch e.Status {
	case model.EmailSending:
		return store.MarkEmail(ctx, w.store.DB, e.ID, model.EmailUncertain,
			"a delivery try was cut short (the server stopped): it may or may not have been sent; send it again from the outbox if it was not", w.now())
	case model.EmailQueued:
	default:
		return nil // delivered, given up or uncertain: nothing to do
	}
	claimed, err := store.ClaimEmail(ctx, w.store.DB, e.ID)
	if err != nil || !claimed {
		return err // another try claimed it meanwhile
	}
	open, err := openEmail(w.box, e)
	if err != nil {
		return store.MarkEmail(ctx, w.store.DB, e.ID, model.EmailFailed, err.Error(), w.now())
	}
	logged, sendErr := w.sender.Send(ctx, mail.Message{To: open.To, Subject: open.Subject, Text: open.Text, HTML: open.HTML})
	status, msg := model.EmailSent, ""
	switch {
	case sendErr != nil && job.Attempt >= job.MaxAttempts:
		status, msg = model.EmailFailed, sendErr.Error()
	case sendErr != nil:
		status, msg = model.EmailQueued, sendErr.Error()
	case logged:
		status = model.EmailLogged
	}
	// The outcome is recorded even when the job's context ended meanwhile.
	if err := store.MarkEmail(context.WithoutCancel(ctx), w.store.DB, e.ID, status, msg, w.now()); err != nil {
		return err
	}
	return sendErr
}
