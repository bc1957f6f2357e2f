// Package postings keeps postings in the store: drafts, publishing with the
// rule check, closing and reopening, versions for candidates mid-assessment,
// import and export in the posting format. The model and the format itself are
// in package posting.
package postings

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Service applies the posting rules to the store.
type Service struct {
	Store *store.Store
	Now   func() time.Time
}

// Posting is a stored posting with its decoded document.
type Posting struct {
	*model.Posting
	Doc *posting.Posting
}

// NewPublicID returns a posting's public id: "pst_" and 16 random base32
// characters. It is Greenhouse's partner_test_id and never changes.
func NewPublicID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return "pst_" + string(b)
}

// ProblemsError lists what is wrong with a posting, each problem located by
// a JSON pointer into its document.
type ProblemsError struct {
	Summary  string
	Problems []posting.FieldError
}

func (e *ProblemsError) Error() string { return e.Summary }

// invalid wraps problems as an Invalid apperror that also carries the list.
func invalid(summary string, problems []posting.FieldError) error {
	fields := make(map[string]string, len(problems))
	for _, p := range problems {
		fields[p.Pointer] = p.Message
	}
	return errors.Join(&apperror.Error{Kind: apperror.Invalid, Message: summary, Fields: fields}, &ProblemsError{Summary: summary, Problems: problems})
}

// ProblemsOf returns the located problems carried by err, if any.
func ProblemsOf(err error) []posting.FieldError {
	var pe *ProblemsError
	if errors.As(err, &pe) {
		return pe.Problems
	}
	if de := posting.AsDecodeError(err); de != nil {
		return de.Errors
	}
	return nil
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// encode validates doc structurally and returns its canonical JSON.
func encode(doc *posting.Posting) ([]byte, error) {
	doc.ApplyDefaults()
	if errs := doc.Validate(); len(errs) > 0 {
		return nil, invalid("The posting has "+plural(len(errs), "error")+"; nothing was saved.", errs)
	}
	return posting.Encode(doc)
}

func decodeStored(p *model.Posting) (*Posting, error) {
	doc, err := posting.Decode(bytes.NewReader(p.Document))
	if err != nil {
		return nil, fmt.Errorf("postings: stored document of posting %d: %w", p.ID, err)
	}
	return &Posting{Posting: p, Doc: doc}, nil
}

func columns(p *model.Posting, doc *posting.Posting, raw []byte) {
	p.Title, p.AssessmentType, p.Department, p.Location, p.Document = doc.Title, string(doc.AssessmentType), doc.Department, doc.Location, raw
}

// Get returns a posting of the actor's organization with its document.
func (s *Service) Get(ctx context.Context, actor model.Actor, id int64) (*Posting, error) {
	p, err := store.OrgPosting(ctx, s.Store.DB, actor.OrgID, id)
	if err != nil {
		return nil, err
	}
	return decodeStored(p)
}

// Create stores doc as a new draft of the actor's organization.
func (s *Service) Create(ctx context.Context, actor model.Actor, doc *posting.Posting) (*Posting, error) {
	return s.CreateWith(ctx, actor, doc, nil)
}

// CreateWith is Create with also run in the same transaction after the
// posting is stored (an import records its source there): when also fails,
// nothing is stored.
func (s *Service) CreateWith(ctx context.Context, actor model.Actor, doc *posting.Posting, also func(tx *sql.Tx, p *model.Posting) error) (*Posting, error) {
	raw, err := encode(doc)
	if err != nil {
		return nil, err
	}
	p := &model.Posting{OrgID: actor.OrgID, PublicID: NewPublicID(), Status: model.PostingDraft, CreatedBy: actor.UserID, CreatedAt: s.Now()}
	columns(p, doc, raw)
	err = s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.CreatePosting(ctx, tx, p); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx, p); err != nil {
				return err
			}
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "posting.create", p.PublicID+" "+p.Title, s.Now())
	})
	if err != nil {
		return nil, err
	}
	return &Posting{Posting: p, Doc: doc}, nil
}

// Import reads a posting document and stores it as a draft, published at
// once when publish is set (and then only if it passes every rule: otherwise
// nothing is stored).
func (s *Service) Import(ctx context.Context, actor model.Actor, r io.Reader, publish bool) (*Posting, error) {
	doc, err := posting.Decode(r)
	if errors.Is(err, posting.ErrTooLarge) {
		return nil, apperror.New(apperror.TooLarge, "The posting file is larger than %d KiB.", posting.MaxDocumentBytes>>10)
	}
	if de := posting.AsDecodeError(err); de != nil {
		return nil, invalid("The posting file has "+plural(len(de.Errors), "error")+"; nothing was imported.", de.Errors)
	}
	if err != nil {
		return nil, err
	}
	if publish {
		if problems := doc.Problems(); len(problems) > 0 {
			return nil, invalid("The posting cannot be published: "+plural(len(problems), "problem")+"; nothing was imported.", problems)
		}
	}
	p, err := s.Create(ctx, actor, doc)
	if err != nil || !publish {
		return p, err
	}
	if err := s.Publish(ctx, actor, p.ID); err != nil {
		return nil, err
	}
	return s.Get(ctx, actor, p.ID)
}

// Update replaces a posting's document by the result of edit applied to a
// copy of it, if the posting is still at revision (0 skips the check).
// A draft takes any structurally valid document. An active or closed posting
// must stay fully configured; a change that would affect candidates
// mid-assessment creates a new version, which new candidates get, while
// candidates who started keep theirs.
func (s *Service) Update(ctx context.Context, actor model.Actor, id int64, revision int, edit func(doc *posting.Posting) error) (*Posting, error) {
	var out *Posting
	err := s.Store.Tx(ctx, func(tx *sql.Tx) error {
		sp, err := store.OrgPosting(ctx, tx, actor.OrgID, id)
		if err != nil {
			return err
		}
		if revision != 0 && sp.Revision != revision {
			return apperror.New(apperror.Conflict, "Someone else changed this posting in the meantime. Reload it and make your change again.")
		}
		p, err := decodeStored(sp)
		if err != nil {
			return err
		}
		before := posting.Posting{Competencies: slices.Clone(p.Doc.Competencies), Questions: slices.Clone(p.Doc.Questions)}
		if err := edit(p.Doc); err != nil {
			return err
		}
		if sp.Status != model.PostingDraft {
			if err := competencyKeysKept(&before, p.Doc); err != nil {
				return err
			}
		}
		raw, err := encode(p.Doc)
		if err != nil {
			return err
		}
		if sp.Status != model.PostingDraft {
			if problems := p.Doc.Problems(); len(problems) > 0 {
				return invalid("This posting is "+string(sp.Status)+", so it must stay fully configured: "+plural(len(problems), "problem")+"; nothing was saved. To make larger changes, duplicate the posting.", problems)
			}
		}
		columns(sp, p.Doc, raw)
		if sp.Version > 0 {
			if err := s.snapshot(ctx, tx, actor, sp, p.Doc); err != nil {
				return err
			}
		}
		if err := store.UpdatePosting(ctx, tx, sp, s.Now()); err != nil {
			return err
		}
		out = p
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "posting.update", fmt.Sprintf("%s revision %d", sp.PublicID, sp.Revision), s.Now())
	})
	return out, err
}

// snapshot records the document as the newest version: a new version when the
// change affects candidates, else a rewrite of the newest one.
func (s *Service) snapshot(ctx context.Context, tx *sql.Tx, actor model.Actor, sp *model.Posting, doc *posting.Posting) error {
	if sp.Version > 0 {
		latest, err := store.GetPostingVersion(ctx, tx, sp.ID, sp.Version)
		if err != nil {
			return err
		}
		old, err := posting.Decode(bytes.NewReader(latest.Document))
		if err != nil {
			return fmt.Errorf("postings: stored version %d of posting %d: %w", sp.Version, sp.ID, err)
		}
		if !posting.StructureChanged(old, doc) {
			return store.UpdatePostingVersionDocument(ctx, tx, sp.ID, sp.Version, sp.Document)
		}
	}
	sp.Version++
	return store.CreatePostingVersion(ctx, tx, &model.PostingVersion{PostingID: sp.ID, Version: sp.Version, Document: sp.Document, CreatedBy: actor.UserID, CreatedAt: s.Now()})
}

// setStatus moves a posting between statuses, checking the publish rules
// when it becomes active.
func (s *Service) setStatus(ctx context.Context, actor model.Actor, id int64, from []model.PostingStatus, to model.PostingStatus) error {
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		sp, err := store.OrgPosting(ctx, tx, actor.OrgID, id)
		if err != nil {
			return err
		}
		allowed := false
		for _, f := range from {
			allowed = allowed || sp.Status == f
		}
		if !allowed {
			return apperror.New(apperror.Conflict, "The posting is %s; it cannot become %s from there.", sp.Status, to)
		}
		if to == model.PostingActive {
			p, err := decodeStored(sp)
			if err != nil {
				return err
			}
			if problems := p.Doc.Problems(); len(problems) > 0 {
				return invalid("The posting cannot be published yet: "+plural(len(problems), "problem")+" to fix first.", problems)
			}
			if err := s.snapshot(ctx, tx, actor, sp, p.Doc); err != nil {
				return err
			}
			if sp.PublishedAt.IsZero() {
				sp.PublishedAt = s.Now()
			}
		}
		sp.Status = to
		if err := store.UpdatePosting(ctx, tx, sp, s.Now()); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "posting."+string(to), sp.PublicID, s.Now())
	})
}

// Publish makes a draft active once it passes every publish rule.
func (s *Service) Publish(ctx context.Context, actor model.Actor, id int64) error {
	return s.setStatus(ctx, actor, id, []model.PostingStatus{model.PostingDraft}, model.PostingActive)
}

// Close stops an active posting from taking new candidates.
func (s *Service) Close(ctx context.Context, actor model.Actor, id int64) error {
	return s.setStatus(ctx, actor, id, []model.PostingStatus{model.PostingActive}, model.PostingClosed)
}

// Reopen makes a closed posting active again.
func (s *Service) Reopen(ctx context.Context, actor model.Actor, id int64) error {
	return s.setStatus(ctx, actor, id, []model.PostingStatus{model.PostingClosed}, model.PostingActive)
}

// Duplicate stores a copy of a posting as a new draft titled "Copy of …".
func (s *Service) Duplicate(ctx context.Context, actor model.Actor, id int64) (*Posting, error) {
	p, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	title := "Copy of " + p.Doc.Title
	if len(title) > 200 {
		title = strings.TrimSpace(title[:200])
	}
	p.Doc.Title = title
	return s.Create(ctx, actor, p.Doc)
}

// Delete removes a draft that was never published; published postings are
// closed instead, so candidates and results keep their posting.
func (s *Service) Delete(ctx context.Context, actor model.Actor, id int64) error {
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		sp, err := store.OrgPosting(ctx, tx, actor.OrgID, id)
		if err != nil {
			return err
		}
		if sp.Status != model.PostingDraft || sp.Version > 0 {
			return apperror.New(apperror.Conflict, "Only a draft that was never published can be deleted; close this posting instead.")
		}
		if err := store.DeletePosting(ctx, tx, actor.OrgID, id); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "posting.delete", sp.PublicID+" "+sp.Title, s.Now())
	})
}

// Export returns a posting's document in the posting format.
func (s *Service) Export(ctx context.Context, actor model.Actor, id int64) ([]byte, error) {
	p, err := store.OrgPosting(ctx, s.Store.DB, actor.OrgID, id)
	if err != nil {
		return nil, err
	}
	return p.Document, nil
}

// competencyKeysKept refuses to rename a competency of a posting that was
// published: scorecards, exports and Greenhouse results name it by its key.
// A rename is a question that measured a competency the edit removed and
// now measures one the edit added; deleting an unmeasured competency and
// adding another stay allowed.
func competencyKeysKept(before, doc *posting.Posting) error {
	keys := func(d *posting.Posting) map[string]bool {
		m := map[string]bool{}
		for _, c := range d.Competencies {
			m[c.Key] = true
		}
		return m
	}
	was, now := keys(before), keys(doc)
	measured := map[string]string{}
	for _, q := range before.Questions {
		measured[q.Key] = q.Competency
	}
	for _, q := range doc.Questions {
		if old, ok := measured[q.Key]; ok && was[old] && !now[old] && !was[q.Competency] {
			return apperror.Field("key", "The key stays %q once the posting has been published: scorecards, exports and Greenhouse results name the competency by it. Change its name instead.", old)
		}
	}
	return nil
}
