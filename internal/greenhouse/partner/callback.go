package partner

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
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/outbound"
	"github.com/talentsystems/talentsystems/internal/store"
)

// CallbackConfig configures the completion callback.
type CallbackConfig struct {
	// Keys unseal organizations' API keys, the callback's default credential.
	Keys *apikey.Service
	// Policy decides which URLs may be called.
	Policy outbound.Policy
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

func (d *CallbackConfig) defaults() {
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

// CallbackArgs asks for one completion callback to be delivered.
type CallbackArgs struct {
	CallbackID int64 `json:"callback_id"`
}

// Kind names the job kind in the queue; jobs already queued carry it, so it
// never changes.
func (CallbackArgs) Kind() string { return "greenhouse_callback" }

// Notifier records and enqueues completion callbacks. It is the candidates
// service's OnResult hook, built before that service so that neither waits
// for the other to be constructed.
type Notifier struct {
	Queue *jobs.Queue
	Now   func() time.Time
}

// OnResult is the candidates service's hook, called in the transaction of
// every change to a candidate. For a Greenhouse candidate it records a
// callback and enqueues its delivery in that transaction, so the result is
// committed before Greenhouse hears of it and the notice cannot be lost. It
// notifies Greenhouse when an attempt is scored, whenever a reported result
// changes again (an override), when a reported result is withdrawn by a
// reset (Greenhouse then reads "sent" and, later, the new result), and when
// a link lapses unstarted (once per lapse). Starting, extending and other
// changes that Greenhouse would not show are not sent: test_status answers
// them. Earlier undelivered callbacks of the candidate are superseded.
func (n *Notifier) OnResult(ctx context.Context, tx *sql.Tx, c *model.Candidate) error {
	if c.Source != model.SourceGreenhouse || c.GHCallbackURL == "" {
		return nil
	}
	var last *model.GreenhouseCallback
	if !c.New { // a candidate created in this transaction has no callbacks yet
		var err error
		if last, err = store.LastGreenhouseCallback(ctx, tx, c.ID); err != nil {
			return err
		}
	}
	t := n.Now()
	if c.Status == model.CandidateCompleted {
		// A result whose open answers await review is not final: Greenhouse
		// is told once the reviews are in, unless the organization sends
		// provisional results (then it is told now and again when final).
		row, err := store.GreenhouseStatus(ctx, tx, c.OrgID, c.ID)
		if err != nil {
			return err
		}
		if r := greenhouse.DecodeBrief(row.Result); r != nil && r.NeedsReview && !row.Provisional {
			return nil
		}
	}
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
	case c.EffectiveStatus(t) == model.CandidateExpired &&
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
	return n.Queue.Insert(ctx, tx, CallbackArgs{CallbackID: cb.ID})
}

// CallbackWorker delivers completion callbacks. It registers itself on the
// queue (jobs.Registrar).
type CallbackWorker struct {
	river.WorkerDefaults[CallbackArgs]
	store  *store.Store
	d      CallbackConfig
	client *http.Client
	now    func() time.Time
	log    *slog.Logger
}

// NewCallbackWorker builds the worker from its configuration.
func NewCallbackWorker(st *store.Store, cfg CallbackConfig, now func() time.Time, log *slog.Logger) *CallbackWorker {
	cfg.defaults()
	return &CallbackWorker{store: st, d: cfg, client: cfg.Policy.Client(cfg.Timeout), now: now, log: log}
}

// RegisterJobs adds the worker to the queue (jobs.Registrar), and to the
// minute sweep the pruning of Greenhouse events past their retention (kept
// out of the requests that add events).
func (w *CallbackWorker) RegisterJobs(r *jobs.Registry) {
	river.AddWorker(r.Workers(), w)
	r.Sweep("greenhouse events", func(ctx context.Context) error {
		// In a transaction: on SQLite it queues with the other writers
		// instead of contending for the lock.
		return w.store.Tx(ctx, func(tx *sql.Tx) error {
			_, err := store.PruneGreenhouseEvents(ctx, tx, w.now())
			return err
		})
	})
}

// Timeout leaves room for the request and the bookkeeping around it.
func (w *CallbackWorker) Timeout(*river.Job[CallbackArgs]) time.Duration {
	return w.d.Timeout + 30*time.Second
}

// Work makes one delivery attempt. Retries are scheduled by snoozing the
// job: in River v0.51 a snooze does not count as an attempt (it decrements
// the attempt number), so the callback's own tries counter is what bounds
// them, and Retry-After can be honoured exactly.
func (w *CallbackWorker) Work(ctx context.Context, job *river.Job[CallbackArgs]) error {
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
	target, err := w.d.Policy.Check(cb.URL)
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
func (w *CallbackWorker) backoff(tries int) time.Duration {
	d := w.d.RetryBase << min(tries-1, 30)
	if d <= 0 || d > w.d.RetryMax {
		d = w.d.RetryMax
	}
	return d + time.Duration(rand.Int64N(int64(d)/5*2+1)) - d/5
}

func (w *CallbackWorker) authorization(ctx context.Context, orgID int64) (string, error) {
	switch w.d.Auth {
	case "none":
		return "", nil
	case "basic":
		user, pass, _ := strings.Cut(w.d.Credential, ":")
		return greenhouse.BasicAuth(user, pass), nil
	}
	key, err := w.d.Keys.Credential(ctx, w.store.DB, orgID)
	if err != nil {
		return "", err
	}
	return greenhouse.BasicAuth(key, ""), nil
}

// giveUp records a final failure and cancels the job.
func (w *CallbackWorker) giveUp(ctx context.Context, cb *model.GreenhouseCallback, code int, why string) error {
	cb.Status, cb.LastCode, cb.LastError, cb.NextTryAt = model.CallbackFailed, code, why, time.Time{}
	if err := w.finish(ctx, cb, false, fmt.Sprintf("Callback for %s failed: %s", w.candidate(cb), why)); err != nil {
		return err
	}
	return river.JobCancel(errors.New(why))
}

func (w *CallbackWorker) finish(ctx context.Context, cb *model.GreenhouseCallback, ok bool, detail string) error {
	saved, err := store.SaveGreenhouseCallback(ctx, w.store.DB, cb, w.now(), model.CallbackPending, model.CallbackRetrying)
	if err != nil || !saved {
		return err
	}
	w.event(ctx, cb.OrgID, ok, detail)
	return nil
}

func (w *CallbackWorker) event(ctx context.Context, orgID int64, ok bool, detail string) {
	recordEvent(ctx, w.store.DB, w.log, &model.GreenhouseEvent{OrgID: orgID, Kind: "callback", OK: ok, Detail: detail, CreatedAt: w.now()})
}

func (w *CallbackWorker) candidate(cb *model.GreenhouseCallback) string {
	return fmt.Sprintf("candidate %d", cb.CandidateID)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
