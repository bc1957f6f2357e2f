package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/talentsystems/talentsystems/internal/apikey"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/greenhouse"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/secretbox"
	"github.com/talentsystems/talentsystems/internal/store"
)

// GreenhouseDeps configure the Greenhouse completion callback.
type GreenhouseDeps struct {
	// Box unseals organizations' API keys, the callback's default credential.
	Box *secretbox.Box
	// Guard decides which URLs may be called.
	Guard greenhouse.Guard
	// Auth is "key" (default: the organization's API key as the Basic user
	// name, empty password), "basic" (Credential) or "none".
	Auth string
	// Credential is "user:password" for Auth "basic".
	Credential string
	// Timeout bounds one request (default 15 s).
	Timeout time.Duration
	// RetryBase is the first wait after a failure; it doubles per try up to
	// RetryMax, with ±20 % jitter (defaults 30 s and 2 h).
	RetryBase, RetryMax time.Duration
	// MaxTries is how many requests are made before giving up (default 24,
	// about a day and a half with the default waits).
	MaxTries int
	// UserAgent identifies us to Greenhouse.
	UserAgent string
}

func (d *GreenhouseDeps) defaults() {
	if d.Auth == "" {
		d.Auth = "key"
	}
	if d.Timeout <= 0 {
		d.Timeout = 15 * time.Second
	}
	if d.RetryBase <= 0 {
		d.RetryBase = 30 * time.Second
	}
	if d.RetryMax <= 0 {
		d.RetryMax = 2 * time.Hour
	}
	if d.MaxTries <= 0 {
		d.MaxTries = 24
	}
	if d.UserAgent == "" {
		d.UserAgent = "TalentSystems-Greenhouse-Callback/1"
	}
}

// maxRetryAfter caps how long a Retry-After can park a callback.
const maxRetryAfter = 24 * time.Hour

// GreenhouseCallbackArgs asks for one completion callback to be delivered.
type GreenhouseCallbackArgs struct {
	CallbackID int64 `json:"callback_id"`
}

// Kind names the job kind in the queue.
func (GreenhouseCallbackArgs) Kind() string { return "greenhouse_callback" }

// GreenhouseHook returns the candidates service's OnResult hook. For a
// Greenhouse candidate it records a callback and enqueues its delivery in the
// transaction of the change, so the result is committed before Greenhouse
// hears of it and the notice cannot be lost. It notifies Greenhouse when an
// attempt is scored, whenever a reported result changes again (an override),
// and when a reported result is withdrawn by a reset (Greenhouse then reads
// "sent" and, later, the new result). Starting, extending and other changes
// that Greenhouse would not show are not sent: test_status answers them.
// Earlier undelivered callbacks of the candidate are superseded.
func GreenhouseHook(q *Queue, now func() time.Time) func(ctx context.Context, tx *sql.Tx, c *model.Candidate) error {
	return func(ctx context.Context, tx *sql.Tx, c *model.Candidate) error {
		if c.Source != model.SourceGreenhouse || c.GHCallbackURL == "" {
			return nil
		}
		last, err := store.LastGreenhouseCallback(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		t := now()
		// reported: Greenhouse was told of a result that still stands.
		reported := last != nil && (last.Reason == model.CallbackCompleted || last.Reason == model.CallbackRescored)
		var reason model.CallbackReason
		switch {
		case c.Status == model.CandidateCompleted && !reported:
			reason = model.CallbackCompleted
		case c.Status == model.CandidateCompleted:
			reason = model.CallbackRescored
		case reported:
			reason = model.CallbackReset
		case c.Status == model.CandidateSent && !t.Before(c.ExpiresAt) &&
			!(last != nil && last.Reason == model.CallbackExpired && !last.CreatedAt.Before(c.ExpiresAt)):
			reason = model.CallbackExpired // the link lapsed unstarted: Greenhouse reads "expired"
		default:
			return nil
		}
		if err := store.SupersedeGreenhouseCallbacks(ctx, tx, c.ID, t); err != nil {
			return err
		}
		cb := &model.GreenhouseCallback{OrgID: c.OrgID, CandidateID: c.ID, URL: c.GHCallbackURL, Reason: reason,
			Status: model.CallbackPending, CreatedAt: t}
		if err := store.CreateGreenhouseCallback(ctx, tx, cb); err != nil {
			return err
		}
		return q.Insert(ctx, tx, GreenhouseCallbackArgs{CallbackID: cb.ID})
	}
}

// RetryGreenhouseCallback gives a failed callback a fresh set of tries, in tx.
func (q *Queue) RetryGreenhouseCallback(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	if err := store.RetryGreenhouseCallback(ctx, tx, id, now); err != nil {
		return err
	}
	return q.Insert(ctx, tx, GreenhouseCallbackArgs{CallbackID: id})
}

type greenhouseWorker struct {
	river.WorkerDefaults[GreenhouseCallbackArgs]
	store  *store.Store
	d      GreenhouseDeps
	client *http.Client
	now    func() time.Time
	log    *slog.Logger
}

func newGreenhouseWorker(d Deps) *greenhouseWorker {
	gd := d.Greenhouse
	gd.defaults()
	return &greenhouseWorker{store: d.Store, d: gd, client: gd.Guard.Client(gd.Timeout), now: d.Now, log: d.Log}
}

// Timeout leaves room for the request and the bookkeeping around it.
func (w *greenhouseWorker) Timeout(*river.Job[GreenhouseCallbackArgs]) time.Duration {
	return w.d.Timeout + 30*time.Second
}

// Work makes one delivery attempt. Retries are scheduled by snoozing the
// job: in River v0.51 a snooze does not count as an attempt (it decrements
// the attempt number), so the callback's own tries counter is what bounds
// them, and Retry-After can be honoured exactly.
func (w *greenhouseWorker) Work(ctx context.Context, job *river.Job[GreenhouseCallbackArgs]) error {
	cb, err := store.GreenhouseCallbackByID(ctx, w.store.DB, job.Args.CallbackID)
	if apperror.KindOf(err) == apperror.NotFound {
		return nil // the candidate was deleted with its callbacks
	}
	if err != nil {
		return err
	}
	if cb.Status != model.CallbackPending && cb.Status != model.CallbackRetrying {
		return nil // delivered by an earlier run, superseded, or given up
	}
	target, err := w.d.Guard.Check(cb.URL)
	if err != nil {
		return w.giveUp(ctx, cb, 0, "not sent: "+err.Error()+". Add the host to TS_GREENHOUSE_SANDBOX_HOSTS if it is a trusted sandbox.")
	}
	authorization, err := w.authorization(ctx, cb.OrgID)
	if err != nil {
		if apperror.KindOf(err) == apperror.NotFound {
			return w.giveUp(ctx, cb, 0, "not sent: the organization has no active API key (revoked?). Generate a key, then retry this callback.")
		}
		return err
	}
	out := greenhouse.Patch(ctx, w.client, target.String(), authorization, w.d.UserAgent, w.now())
	if ctx.Err() != nil && !out.Delivered {
		return ctx.Err() // shutting down or out of time: River runs it again, and this try does not count
	}
	cb.Tries++
	cb.LastCode, cb.LastError = out.Code, ""
	now := w.now()
	switch {
	case out.Delivered:
		cb.Status, cb.DeliveredAt, cb.NextTryAt = model.CallbackDelivered, now, time.Time{}
		return w.finish(ctx, cb, true, fmt.Sprintf("Greenhouse notified of %s (%s) after %d %s", w.candidate(cb), cb.Reason, cb.Tries, plural(cb.Tries, "try", "tries")))
	case !out.Retry:
		return w.giveUp(ctx, cb, out.Code, out.Message+" — a final answer, not retried")
	case cb.Tries >= w.d.MaxTries:
		return w.giveUp(ctx, cb, out.Code, fmt.Sprintf("gave up after %d tries; last: %s", cb.Tries, out.Message))
	}
	delay := w.backoff(cb.Tries)
	if ra := min(out.RetryAfter, maxRetryAfter); ra > delay {
		delay = ra
	}
	cb.Status, cb.LastError, cb.NextTryAt = model.CallbackRetrying, out.Message, now.Add(delay)
	ok, err := store.SaveGreenhouseCallback(ctx, w.store.DB, cb, now, model.CallbackPending, model.CallbackRetrying)
	if err != nil || !ok {
		return err
	}
	w.event(ctx, cb.OrgID, false, fmt.Sprintf("Callback for %s failed (try %d of %d): %s; next try in %s", w.candidate(cb), cb.Tries, w.d.MaxTries, out.Message, greenhouse.DescribeDelay(delay)))
	return river.JobSnooze(delay)
}

// backoff is the wait after the given number of failed tries.
func (w *greenhouseWorker) backoff(tries int) time.Duration {
	d := w.d.RetryBase << min(tries-1, 30)
	if d <= 0 || d > w.d.RetryMax {
		d = w.d.RetryMax
	}
	return d + time.Duration(rand.Int64N(int64(d)/5*2+1)) - d/5
}

func (w *greenhouseWorker) authorization(ctx context.Context, orgID int64) (string, error) {
	switch w.d.Auth {
	case "none":
		return "", nil
	case "basic":
		user, pass, _ := strings.Cut(w.d.Credential, ":")
		return greenhouse.BasicAuth(user, pass), nil
	}
	k, err := store.ActiveAPIKey(ctx, w.store.DB, orgID)
	if err != nil {
		return "", err
	}
	key, err := apikey.Open(w.d.Box, k)
	if err != nil {
		return "", err
	}
	return greenhouse.BasicAuth(key, ""), nil
}

// giveUp records a final failure and cancels the job.
func (w *greenhouseWorker) giveUp(ctx context.Context, cb *model.GreenhouseCallback, code int, why string) error {
	cb.Status, cb.LastCode, cb.LastError, cb.NextTryAt = model.CallbackFailed, code, why, time.Time{}
	if err := w.finish(ctx, cb, false, fmt.Sprintf("Callback for %s failed: %s", w.candidate(cb), why)); err != nil {
		return err
	}
	return river.JobCancel(errors.New(why))
}

func (w *greenhouseWorker) finish(ctx context.Context, cb *model.GreenhouseCallback, ok bool, detail string) error {
	saved, err := store.SaveGreenhouseCallback(ctx, w.store.DB, cb, w.now(), model.CallbackPending, model.CallbackRetrying)
	if err != nil || !saved {
		return err
	}
	w.event(ctx, cb.OrgID, ok, detail)
	return nil
}

func (w *greenhouseWorker) event(ctx context.Context, orgID int64, ok bool, detail string) {
	err := store.AddGreenhouseEvent(ctx, w.store.DB, &model.GreenhouseEvent{OrgID: orgID, Kind: "callback", OK: ok, Detail: detail, CreatedAt: w.now()})
	if err != nil {
		w.log.Warn("greenhouse event not recorded", "err", err)
	}
}

func (w *greenhouseWorker) candidate(cb *model.GreenhouseCallback) string {
	return fmt.Sprintf("candidate %d", cb.CandidateID)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
