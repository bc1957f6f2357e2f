package jobs_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestListenerWorksJobsAtOnce: on PostgreSQL a job inserted after start is
// worked without waiting for a poll. The poll interval is an hour, so only
// the LISTEN/NOTIFY listener can have woken the queue.
func TestListenerWorksJobsAtOnce(t *testing.T) {
	cfg := apptest.Config(t, apptest.PostgresURL(t))
	cfg.JobPollInterval = time.Hour
	inst := apptest.Start(t, cfg)
	ctx := context.Background()
	e := &model.Email{To: "ann@example.test", Subject: "Hello", Text: "Hi", CreatedAt: time.Now()}
	err := inst.Store.Tx(ctx, func(tx *sql.Tx) error { return inst.Queue.SendEmail(ctx, tx, e) })
	if err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 30*time.Second, "the mail to be worked", func() bool {
		got, err := store.EmailByID(ctx, inst.Store.DB, e.ID)
		return err == nil && (got.Status == model.EmailLogged || got.Status == model.EmailSent)
	})
}

// TestMailSealedAndAtMostOnce: a mail's body is sealed at rest (a link in
// it is not readable in the database), and a mail found claimed by a try
// that never finished is marked uncertain instead of being sent again.
func TestMailSealedAndAtMostOnce(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		inst := apptest.Start(t, apptest.Config(t, dbURL))
		ctx := context.Background()
		link := "https://ts.example/password/reset/q3J9xkP0aZr8bW2mYtL5vN7cH1sD4fG6"
		sealed := &model.Email{To: "ann@example.test", Subject: "Reset", Text: "Follow " + link, HTML: "<a href=\"" + link + "\">reset</a>", CreatedAt: time.Now()}
		crashed := &model.Email{To: "bob@example.test", Subject: "Hello", Text: "Hi", CreatedAt: time.Now()}
		err := inst.Store.Tx(ctx, func(tx *sql.Tx) error {
			if err := inst.Queue.SendEmail(ctx, tx, sealed); err != nil {
				return err
			}
			if err := inst.Queue.SendEmail(ctx, tx, crashed); err != nil {
				return err
			}
			// A try of the second mail began and its instance died before
			// it recorded the outcome.
			_, err := store.ClaimEmail(ctx, tx, crashed.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		raw, err := store.EmailByID(ctx, inst.Store.DB, sealed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !raw.Sealed || strings.Contains(raw.Text+raw.HTML, "q3J9xkP0") {
			t.Errorf("the body is readable at rest: %+v", raw)
		}
		open, err := inst.Queue.OpenEmail(raw)
		if err != nil || !strings.Contains(open.Text, link) {
			t.Errorf("opened %q %v", open.Text, err)
		}
		staff, err := inst.Queue.Redacted(raw)
		if err != nil || strings.Contains(staff.Text+staff.HTML, "q3J9xkP0") || !strings.Contains(staff.Text, "/password/reset/[hidden]") {
			t.Errorf("staff view %q %v", staff.Text, err)
		}
		apptest.Eventually(t, 10*time.Second, "the crashed mail to be judged", func() bool {
			e, err := store.EmailByID(ctx, inst.Store.DB, crashed.ID)
			return err == nil && e.Status == model.EmailUncertain
		})
		if e, _ := store.EmailByID(ctx, inst.Store.DB, crashed.ID); e.Attempts != 1 {
			t.Errorf("the uncertain mail was tried %d times, want 1 (never again without staff)", e.Attempts)
		}
		apptest.Eventually(t, 10*time.Second, "the sealed mail to be delivered", func() bool {
			e, err := store.EmailByID(ctx, inst.Store.DB, sealed.ID)
			return err == nil && (e.Status == model.EmailLogged || e.Status == model.EmailSent)
		})
		if err := inst.Queue.ResendEmail(ctx, model.CommandLine(0), crashed.ID); err != nil {
			t.Fatal(err)
		}
		apptest.Eventually(t, 10*time.Second, "the retried mail to be delivered", func() bool {
			e, err := store.EmailByID(ctx, inst.Store.DB, crashed.ID)
			return err == nil && (e.Status == model.EmailLogged || e.Status == model.EmailSent) && e.Attempts == 2
		})
	})
}
