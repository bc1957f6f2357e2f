package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// limiter counts Harvest requests per access token in fixed windows.
type limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	used   map[string]*window
}

type window struct {
	start time.Time
	count int
}

// take counts a request and returns the requests left and, when over the
// limit, how long until the window resets.
func (l *limiter) take(tok string, now time.Time) (int, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.used[tok]
	if w == nil || !now.Before(w.start.Add(l.window)) {
		w = &window{start: now}
		l.used[tok] = w
	}
	if w.count >= l.limit {
		return 0, w.start.Add(l.window).Sub(now)
	}
	w.count++
	return l.limit - w.count, 0
}

// harvestError answers a Harvest error.
func harvestError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": http.StatusText(code), "message": msg})
}

// harvestGate runs what every Harvest call goes through, in order: the
// endpoint's fault, the Bearer token, the scope, the authorizer's
// permission, then the rate limit (whose headers it sets).
func (s *Sandbox) harvestGate(w http.ResponseWriter, r *http.Request, endpoint, scope string) bool {
	if _, answered := s.faults.apply(endpoint, w, r); answered {
		return false
	}
	t, tok, ok := s.bearer(w, r)
	if !ok {
		return false
	}
	if !slices.Contains(t.scopes, scope) {
		harvestError(w, http.StatusForbidden, "The access token lacks the scope "+scope+".")
		return false
	}
	if t.as == AsBasicUser {
		harvestError(w, http.StatusForbidden, "The user who authorized this connection is not a Site Admin.")
		return false
	}
	left, wait := s.limiter.take(tok, s.now())
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(s.limiter.limit))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(left))
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		harvestError(w, http.StatusTooManyRequests, "Rate limit exceeded.")
		return false
	}
	return true
}

// listGate is harvestGate then pageQuery, for the list endpoints.
func (s *Sandbox) listGate(w http.ResponseWriter, r *http.Request, endpoint, scope string) (url.Values, int, int, bool) {
	if !s.harvestGate(w, r, endpoint, scope) {
		return nil, 0, 0, false
	}
	return pageQuery(w, r)
}

// pageQuery returns a list request's query. Following a cursor, the cursor
// must be the only parameter (422 otherwise); it carries the filters.
func pageQuery(w http.ResponseWriter, r *http.Request) (url.Values, int, int, bool) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		harvestError(w, http.StatusUnprocessableEntity, "The query string is not valid.")
		return nil, 0, 0, false
	}
	if c := q.Get("cursor"); c != "" || q.Has("cursor") {
		if len(q) > 1 || len(q["cursor"]) > 1 {
			harvestError(w, http.StatusUnprocessableEntity, "When a cursor is given it must be the only query parameter.")
			return nil, 0, 0, false
		}
		raw, err := base64.RawURLEncoding.DecodeString(c)
		if err == nil {
			q, err = url.ParseQuery(string(raw))
		}
		if err != nil || !q.Has("offset") {
			harvestError(w, http.StatusUnprocessableEntity, "The cursor is not valid.")
			return nil, 0, 0, false
		}
	}
	perPage, offset := 100, 0
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			harvestError(w, http.StatusUnprocessableEntity, "per_page must be a number from 1 to 500.")
			return nil, 0, 0, false
		}
		perPage = n
	}
	if v := q.Get("offset"); v != "" {
		offset, _ = strconv.Atoi(v)
	}
	return q, perPage, max(offset, 0), true
}

// writePage answers one page of items with a Link header to the next.
func writePage[T any](w http.ResponseWriter, r *http.Request, base string, q url.Values, items []T, perPage, offset int) {
	end := min(offset+perPage, len(items))
	page := []T{}
	if offset < len(items) {
		page = items[offset:end]
	}
	if end < len(items) {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("offset", strconv.Itoa(end))
		next.Set("per_page", strconv.Itoa(perPage))
		cursor := base64.RawURLEncoding.EncodeToString([]byte(next.Encode()))
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?cursor=%s>; rel="next"`, base, r.URL.Path, cursor))
	}
	writeJSON(w, http.StatusOK, page)
}

func filter[T any](items []T, keep func(T) bool) []T {
	out := []T{}
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	return out
}

func idParam(w http.ResponseWriter, q url.Values, name string) (int64, bool) {
	v := q.Get(name)
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		harvestError(w, http.StatusUnprocessableEntity, name+" must be a number.")
		return 0, false
	}
	return n, true
}

func (s *Sandbox) listJobs(w http.ResponseWriter, r *http.Request) {
	q, perPage, offset, ok := s.listGate(w, r, "jobs", "harvest:jobs:list")
	if !ok {
		return
	}
	status := q.Get("status")
	if status != "" && status != "open" && status != "closed" && status != "draft" {
		harvestError(w, http.StatusUnprocessableEntity, "status must be open, closed or draft.")
		return
	}
	jobs := filter(s.harvest.jobs, func(j job) bool { return status == "" || j.Status == status })
	writePage(w, r, s.URL(), q, jobs, perPage, offset)
}

func (s *Sandbox) listJobPosts(w http.ResponseWriter, r *http.Request) {
	q, perPage, offset, ok := s.listGate(w, r, "job_posts", "harvest:job_posts:list")
	if !ok {
		return
	}
	jobID, ok := idParam(w, q, "job_id")
	if !ok {
		return
	}
	posts := filter(s.harvest.posts, func(p jobPost) bool { return jobID == 0 || p.JobID == jobID })
	writePage(w, r, s.URL(), q, posts, perPage, offset)
}

func (s *Sandbox) listCandidates(w http.ResponseWriter, r *http.Request) {
	q, perPage, offset, ok := s.listGate(w, r, "candidates", "harvest:candidates:list")
	if !ok {
		return
	}
	writePage(w, r, s.URL(), q, s.harvest.candidates, perPage, offset)
}

func (s *Sandbox) listApplications(w http.ResponseWriter, r *http.Request) {
	q, perPage, offset, ok := s.listGate(w, r, "applications", "harvest:applications:list")
	if !ok {
		return
	}
	jobID, ok := idParam(w, q, "job_id")
	if !ok {
		return
	}
	candID, ok := idParam(w, q, "candidate_id")
	if !ok {
		return
	}
	status := q.Get("status")
	apps := filter(s.harvest.applications, func(a application) bool {
		return (jobID == 0 || a.JobID == jobID) && (candID == 0 || a.CandidateID == candID) && (status == "" || a.Status == status)
	})
	writePage(w, r, s.URL(), q, apps, perPage, offset)
}

// noteJSON is a note as Harvest lists and creates it.
type noteJSON struct {
	ID          int64  `json:"id"`
	CandidateID int64  `json:"candidate_id"`
	Body        string `json:"body"`
	Visibility  string `json:"visibility"`
	CreatedAt   string `json:"created_at"`
}

func toNoteJSON(n Note) noteJSON {
	return noteJSON{ID: n.ID, CandidateID: n.CandidateID, Body: n.Body, Visibility: n.Visibility, CreatedAt: n.CreatedAt.UTC().Format(time.RFC3339)}
}

// listNotes lists notes, oldest first, filtered by candidate_ids (a
// comma-separated list). It shares the "notes" fault with createNote: both
// are the path /v3/notes.
func (s *Sandbox) listNotes(w http.ResponseWriter, r *http.Request) {
	q, perPage, offset, ok := s.listGate(w, r, "notes", "harvest:notes:list")
	if !ok {
		return
	}
	var ids []int64
	for _, v := range strings.Split(q.Get("candidate_ids"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			harvestError(w, http.StatusUnprocessableEntity, "candidate_ids must be a comma-separated list of numbers.")
			return
		}
		ids = append(ids, n)
	}
	var notes []noteJSON
	for _, n := range s.Snapshot().Notes {
		if len(ids) == 0 || slices.Contains(ids, n.CandidateID) {
			notes = append(notes, toNoteJSON(n))
		}
	}
	writePage(w, r, s.URL(), q, notes, perPage, offset)
}

// createNote records a note on a candidate's activity feed.
func (s *Sandbox) createNote(w http.ResponseWriter, r *http.Request) {
	if !s.harvestGate(w, r, "notes", "harvest:notes:create") {
		return
	}
	var in struct {
		CandidateID json.Number `json:"candidate_id"`
		Body        string      `json:"body"`
		Visibility  string      `json:"visibility"`
	}
	d := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	d.UseNumber()
	if err := d.Decode(&in); err != nil {
		harvestError(w, http.StatusBadRequest, "The body is not a JSON object: "+err.Error())
		return
	}
	cid, err := in.CandidateID.Int64()
	var errs []string
	if err != nil {
		errs = append(errs, "candidate_id must be a number")
	}
	if in.Body == "" {
		errs = append(errs, "body is required")
	}
	if in.Visibility != "admin_only" && in.Visibility != "private" && in.Visibility != "public" {
		errs = append(errs, "visibility must be admin_only, private or public")
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "Unprocessable Entity", "errors": errs})
		return
	}
	if !slices.ContainsFunc(s.harvest.candidates, func(c candidate) bool { return c.ID == cid }) {
		harvestError(w, http.StatusNotFound, fmt.Sprintf("No candidate has the id %d.", cid))
		return
	}
	n := Note{ID: s.id(), CandidateID: cid, Body: in.Body, Visibility: in.Visibility, CreatedAt: s.now()}
	s.update(func(st *State) { st.Notes = append(st.Notes, n) })
	writeJSON(w, http.StatusCreated, toNoteJSON(n))
}
