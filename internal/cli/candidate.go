package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
)

// candidateJSON is one line of `candidate list --json`.
type candidateJSON struct {
	ID             int64    `json:"id"`
	PostingID      int64    `json:"posting_id"`
	Posting        string   `json:"posting"`
	FirstName      string   `json:"first_name"`
	LastName       string   `json:"last_name"`
	Email          string   `json:"email"`
	Source         string   `json:"source"`
	Status         string   `json:"status"`
	Link           string   `json:"link,omitempty"`
	ExpiresAt      string   `json:"expires_at"`
	Score          *float64 `json:"score"`
	Recommendation string   `json:"recommendation,omitempty"`
	CompletedAt    string   `json:"completed_at,omitempty"`
}

func candidateList(ctx context.Context, env Env, args []string) error {
	var postingID int64
	var asJSON bool
	var status string
	a, actor, err := openOrg(ctx, env, "candidate list", args, func(fs *flag.FlagSet) {
		fs.Int64Var(&postingID, "posting", 0, "only this posting's candidates (its id)")
		fs.StringVar(&status, "status", "", "only candidates with this status: sent, started, completed, expired")
		fs.BoolVar(&asJSON, "json", false, "print one JSON array")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	now := time.Now()
	var out []candidateJSON
	for offset := 0; ; offset += 500 {
		page, total, err := a.Candidates.List(ctx, actor, model.CandidateFilter{PostingID: postingID, Status: model.CandidateStatus(status),
			Sort: "created", Limit: 500, Offset: offset, Now: now})
		if err != nil {
			return err
		}
		for _, c := range page {
			j := candidateJSON{ID: c.ID, PostingID: c.PostingID, Posting: c.PostingTitle, FirstName: c.FirstName, LastName: c.LastName, Email: c.Email,
				Source: string(c.Source), Status: string(c.EffectiveStatus(now)), ExpiresAt: c.ExpiresAt.Format(time.RFC3339), Score: c.Score, Recommendation: c.Recommendation}
			if c.Status != model.CandidateCompleted {
				j.Link = a.Candidates.Link(c)
			}
			if !c.CompletedAt.IsZero() {
				j.CompletedAt = c.CompletedAt.Format(time.RFC3339)
			}
			out = append(out, j)
		}
		if offset+500 >= total {
			break
		}
	}
	if asJSON {
		if out == nil {
			out = []candidateJSON{}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, c := range out {
		score := "-"
		if c.Score != nil {
			score = fmt.Sprintf("%.1f %s", *c.Score, c.Recommendation)
		}
		fmt.Fprintf(env.Stdout, "%d\t%s %s <%s>\t%s\t%s\t%s\n", c.ID, c.FirstName, c.LastName, c.Email, c.Status, score, c.Link)
	}
	return nil
}

// candidateAdd adds one candidate to an active posting, like the posting's
// Candidates page, and prints the candidate's id and link.
func candidateAdd(ctx context.Context, env Env, args []string) error {
	var postingID int64
	var p candidates.Person
	var noEmail bool
	a, actor, err := openOrg(ctx, env, "candidate add", args, func(fs *flag.FlagSet) {
		fs.Int64Var(&postingID, "posting", 0, "the posting's id (required; see posting list)")
		fs.StringVar(&p.FirstName, "first-name", "", "first name (required)")
		fs.StringVar(&p.LastName, "last-name", "", "last name (required)")
		fs.StringVar(&p.Email, "email", "", "email address (required)")
		fs.StringVar(&p.Phone, "phone", "", "phone number")
		fs.BoolVar(&noEmail, "no-email", false, "do not mail the invitation (hand the printed link over yourself)")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if postingID == 0 {
		return apperror.New(apperror.Invalid, "--posting is required (see talentsystems posting list)")
	}
	c, err := a.Candidates.Add(ctx, actor, postingID, p, candidates.AddOptions{Source: model.SourceManual, SendEmail: !noEmail})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d\t%s\n", c.ID, a.Candidates.Link(c))
	if noEmail {
		fmt.Fprintln(env.Stderr, "No invitation was mailed: send the link to the candidate yourself.")
	} else {
		fmt.Fprintf(env.Stderr, "The invitation is on its way to %s.\n", c.Email)
	}
	return nil
}
