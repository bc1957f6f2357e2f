package connection

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/greenhouse/harvest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Job is an open Greenhouse job as the import page lists it.
type Job struct {
	ID                   int64
	Name                 string
	Departments, Offices string
	Department, Office   string // the first of each, for the posting
	ImportedPostingID    int64  // 0 when not imported
}

// Imported reports whether the job was imported already.
func (j *Job) Imported() bool { return j.ImportedPostingID != 0 }

// Jobs lists the organization's open Greenhouse jobs (every page) whose
// name contains search (case-insensitive), with the postings already
// imported from them.
func (s *Service) Jobs(ctx context.Context, orgID int64, search string) ([]*Job, error) {
	if !s.Enabled() {
		return nil, errDisabled()
	}
	raw, err := s.client.OpenJobs(ctx, s.TokenSource(orgID))
	if err != nil {
		return nil, explain(err)
	}
	imported, err := store.HarvestImports(ctx, s.store.DB, orgID)
	if err != nil {
		return nil, err
	}
	search = strings.ToLower(strings.TrimSpace(search))
	var out []*Job
	for _, j := range raw {
		if search != "" && !strings.Contains(strings.ToLower(j.Name), search) {
			continue
		}
		out = append(out, jobView(j, imported[j.ID]))
	}
	return out, nil
}

func jobView(j harvest.Job, postingID int64) *Job {
	v := &Job{ID: j.ID, Name: j.Name, Departments: names(j.Departments), Offices: names(j.Offices), ImportedPostingID: postingID}
	if len(j.Departments) > 0 {
		v.Department = j.Departments[0].Name
	}
	if len(j.Offices) > 0 {
		v.Office = j.Offices[0].Name
	}
	return v
}

func names(ns []harvest.Named) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Name)
	}
	return strings.Join(out, ", ")
}

// ImportResult is what an import did, job by job.
type ImportResult struct {
	// Created are the new drafts; Existing the jobs imported before (by
	// another click, tab or instance).
	Created, Existing []*Imported
}

// Imported is one job and its posting.
type Imported struct {
	JobID     int64
	Title     string
	PostingID int64
}

// Import creates a draft posting for each job not imported yet, with the
// job's title, its job post's description as Markdown, its first department
// and office. The harvest_imports UNIQUE constraint makes a concurrent
// second import of a job roll back, whatever instance it runs on.
func (s *Service) Import(ctx context.Context, actor model.Actor, jobIDs []int64) (*ImportResult, error) {
	if !s.Enabled() {
		return nil, errDisabled()
	}
	if len(jobIDs) == 0 {
		return nil, apperror.New(apperror.Invalid, "Choose at least one job to import.")
	}
	if len(jobIDs) > 100 {
		return nil, apperror.New(apperror.Invalid, "Import at most 100 jobs at once.")
	}
	ts := s.TokenSource(actor.OrgID)
	open, err := s.client.OpenJobs(ctx, ts)
	if err != nil {
		return nil, explain(err)
	}
	res := &ImportResult{}
	for _, id := range dedupe(jobIDs) {
		i := slices.IndexFunc(open, func(j harvest.Job) bool { return j.ID == id })
		if i < 0 {
			return res, apperror.New(apperror.NotFound, "Greenhouse job %d is not among your open jobs (closed or deleted?).", id)
		}
		im, created, err := s.importJob(ctx, actor, ts, open[i])
		if err != nil {
			return res, err
		}
		if created {
			res.Created = append(res.Created, im)
		} else {
			res.Existing = append(res.Existing, im)
		}
	}
	return res, nil
}

func dedupe(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// errImported rolls back an import that lost the race to another.
var errImported = errors.New("connection: job imported already")

func (s *Service) importJob(ctx context.Context, actor model.Actor, ts harvest.TokenSource, j harvest.Job) (*Imported, bool, error) {
	existing, err := store.HarvestImports(ctx, s.store.DB, actor.OrgID)
	if err != nil {
		return nil, false, err
	}
	if pid := existing[j.ID]; pid != 0 { // a shortcut only: the constraint decides
		return &Imported{JobID: j.ID, Title: j.Name, PostingID: pid}, false, nil
	}
	posts, err := s.client.JobPosts(ctx, ts, j.ID)
	if err != nil {
		return nil, false, explain(err)
	}
	v := jobView(j, 0)
	doc := &posting.Posting{Title: clip(j.Name, 200), Department: clip(v.Department, 100), Location: clip(v.Office, 100), Description: describe(posts)}
	p, err := s.postings.CreateWith(ctx, actor, doc, func(tx *sql.Tx, p *model.Posting) error {
		ok, err := store.CreateHarvestImport(ctx, tx, &model.HarvestImport{OrgID: actor.OrgID, GHJobID: j.ID, PostingID: p.ID, CreatedBy: actor.UserID, CreatedAt: s.now()})
		if err != nil {
			return err
		}
		if !ok {
			return errImported
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "harvest.import", fmt.Sprintf("Greenhouse job %d as %s", j.ID, p.PublicID), s.now())
	})
	if errors.Is(err, errImported) || (err == nil && p == nil) {
		existing, err := store.HarvestImports(ctx, s.store.DB, actor.OrgID)
		if err != nil {
			return nil, false, err
		}
		return &Imported{JobID: j.ID, Title: j.Name, PostingID: existing[j.ID]}, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return &Imported{JobID: j.ID, Title: j.Name, PostingID: p.ID}, true, nil
}

// describe picks the job's post (a live, external one first) and turns its
// HTML into the posting's Markdown.
func describe(posts []harvest.JobPost) string {
	slices.SortStableFunc(posts, func(a, b harvest.JobPost) int {
		score := func(p harvest.JobPost) int {
			n := 0
			if p.Live {
				n -= 2
			}
			if !p.Internal {
				n--
			}
			return n
		}
		return score(a) - score(b)
	})
	for _, p := range posts {
		if md := harvest.Markdown(p.Content); md != "" {
			return clip(md, 19000)
		}
	}
	return ""
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
