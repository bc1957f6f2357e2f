package jobs

import (
	"context"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Outbox returns the latest limit emails of the outbox, newest first.
func (q *Queue) Outbox(ctx context.Context, limit int) ([]*model.Email, error) {
	return store.RecentEmails(ctx, q.store.DB, limit)
}

// Email returns one email of the outbox as staff see it: opened, with the
// secrets in its links hidden (Redacted).
func (q *Queue) Email(ctx context.Context, id int64) (*model.Email, error) {
	e, err := store.EmailByID(ctx, q.store.DB, id)
	if err != nil {
		return nil, err
	}
	return q.Redacted(e)
}

// Counts counts the queue's jobs by state, for the outbox page and /metrics.
func (q *Queue) Counts(ctx context.Context) (map[string]int, error) {
	return store.JobCounts(ctx, q.store.DB)
}
