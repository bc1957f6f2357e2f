package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/talentsystems/talentsystems/internal/mail"
	"github.com/talentsystems/talentsystems/internal/model"
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
	now    func() time.Time
}

func (w *emailWorker) Work(ctx context.Context, job *river.Job[EmailArgs]) error {
	e, err := store.EmailByID(ctx, w.store.DB, job.Args.EmailID)
	if err != nil {
		return fmt.Errorf("email job: %w", err)
	}
	if e.Status == model.EmailSent || e.Status == model.EmailLogged {
		return nil // delivered by an earlier attempt whose completion was lost
	}
	logged, sendErr := w.sender.Send(ctx, mail.Message{To: e.To, Subject: e.Subject, Text: e.Text, HTML: e.HTML})
	status, msg := model.EmailSent, ""
	switch {
	case sendErr != nil && job.Attempt >= job.MaxAttempts:
		status, msg = model.EmailFailed, sendErr.Error()
	case sendErr != nil:
		status, msg = model.EmailQueued, sendErr.Error()
	case logged:
		status = model.EmailLogged
	}
	if err := store.MarkEmail(ctx, w.store.DB, e.ID, status, msg, w.now()); err != nil {
		return err
	}
	return sendErr
}
