package harvest

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Named is a department, office or stage.
type Named struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Job is a Harvest job. Only the fields the product uses are read;
// Greenhouse may add others.
type Job struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Status      string    `json:"status"`
	Departments []Named   `json:"departments"`
	Offices     []Named   `json:"offices"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// JobPost is a job's public post; Content is HTML.
type JobPost struct {
	ID       int64  `json:"id"`
	JobID    int64  `json:"job_id"`
	Title    string `json:"title"`
	Live     bool   `json:"live"`
	Internal bool   `json:"internal"`
	Content  string `json:"content"`
}

// Application is a candidate's application to a job.
type Application struct {
	ID             int64      `json:"id"`
	CandidateID    int64      `json:"candidate_id"`
	JobID          int64      `json:"job_id"`
	Status         string     `json:"status"`
	CurrentStage   *Named     `json:"current_stage"`
	RejectedAt     *time.Time `json:"rejected_at"`
	HiredAt        *time.Time `json:"hired_at"`
	LastActivityAt *time.Time `json:"last_activity_at"`
}

// Note is a note for a candidate's activity feed.
type Note struct {
	CandidateID int64  `json:"candidate_id"`
	Body        string `json:"body"`
	// Visibility is admin_only, private or public.
	Visibility string `json:"visibility"`
}

// PostedNote is a note as Harvest lists it.
type PostedNote struct {
	ID          int64  `json:"id"`
	CandidateID int64  `json:"candidate_id"`
	Body        string `json:"body"`
}

// OpenJobs returns every open job, all pages.
func (c *Client) OpenJobs(ctx context.Context, ts TokenSource) ([]Job, error) {
	return list[Job](ctx, c, ts, "/v3/jobs", url.Values{"status": {"open"}, "per_page": {strconv.Itoa(c.cfg.PerPage)}})
}

// JobPosts returns a job's posts.
func (c *Client) JobPosts(ctx context.Context, ts TokenSource, jobID int64) ([]JobPost, error) {
	return list[JobPost](ctx, c, ts, "/v3/job_posts", url.Values{"job_id": {strconv.FormatInt(jobID, 10)}, "per_page": {strconv.Itoa(c.cfg.PerPage)}})
}

// Applications returns a candidate's applications.
func (c *Client) Applications(ctx context.Context, ts TokenSource, candidateID int64) ([]Application, error) {
	return list[Application](ctx, c, ts, "/v3/applications", url.Values{"candidate_id": {strconv.FormatInt(candidateID, 10)}, "per_page": {strconv.Itoa(c.cfg.PerPage)}})
}

// CreateNote posts a note and returns its id.
func (c *Client) CreateNote(ctx context.Context, ts TokenSource, n Note) (int64, error) {
	var out struct {
		ID int64 `json:"id"`
	}
	_, err := c.do(ctx, ts, request{method: http.MethodPost, path: "/v3/notes", body: n}, &out)
	return out.ID, err
}

// CandidateNotes returns the notes on a candidate, all pages
// (GET /v3/notes?candidate_ids=…, scope harvest:notes:list). It lets a
// caller find out whether a note it may have posted is there: Harvest has
// no idempotency key for POST /v3/notes.
func (c *Client) CandidateNotes(ctx context.Context, ts TokenSource, candidateID int64) ([]PostedNote, error) {
	return list[PostedNote](ctx, c, ts, "/v3/notes", url.Values{"candidate_ids": {strconv.FormatInt(candidateID, 10)}, "per_page": {strconv.Itoa(c.cfg.PerPage)}})
}
