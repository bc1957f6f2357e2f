package store

import (
	"context"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
)

// countBucket is the width of the expiry buckets of candidate_counts (a day
// in microseconds); migration 00015's triggers use the same number.
const countBucket = int64(24 * time.Hour / time.Microsecond)

// The counts below read candidate_counts, which triggers keep in the
// transaction of every change to a candidate (migration 00015), so they cost
// the same whatever the number of candidates. A sent candidate's row is its
// link's expiry day: the days before now's are expired, the days after are
// not, and now's own day is split by an index range count of the links that
// lapse from its start to now, which is linkLapsed's rule (expires_at <= now).

// statusCountsQuery sums candidate_counts by posting and effective status,
// with now's day split out as 'sent_today'; cond filters candidate_counts
// (alias k) and uses $1, $2 is now's day.
func statusCountsQuery(cond string) string {
	return fmt.Sprintf(`SELECT k.posting_id, CASE WHEN k.status <> '%[1]s' THEN k.status WHEN k.bucket < $2 THEN '%[2]s'
	WHEN k.bucket = $2 THEN 'sent_today' ELSE k.status END, SUM(k.n)
FROM candidate_counts k WHERE %[3]s GROUP BY 1, 2`, model.CandidateSent, model.CandidateExpired, cond)
}

// countsByPosting runs the counters' query and the range count of now's day
// and returns the counts by posting.
func countsByPosting(ctx context.Context, q Querier, cond, lapsedCond string, id int64, now time.Time) (map[int64]model.StatusCounts, error) {
	nowMicros := micros(now)
	day := nowMicros / countBucket
	out := map[int64]model.StatusCounts{}
	get := func(p int64) model.StatusCounts {
		if out[p] == nil {
			out[p] = model.StatusCounts{}
			for _, s := range model.CandidateStatuses {
				out[p][s] = 0
			}
		}
		return out[p]
	}
	rows, err := q.QueryContext(ctx, statusCountsQuery(cond), id, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p int64
		var s string
		var n int
		if err := rows.Scan(&p, &s, &n); err != nil {
			return nil, err
		}
		if s == "sent_today" {
			s = string(model.CandidateSent)
		}
		get(p)[model.CandidateStatus(s)] += n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// Today's lapsed links move from sent to expired. (With now before the
	// epoch, truncation makes day 0 hold the days on both sides of it; the
	// range is then taken from the smallest time.)
	lo := day * countBucket
	if nowMicros < 0 || day == 0 {
		lo = -1 << 63
	}
	lapsed, err := q.QueryContext(ctx, `SELECT c.posting_id, COUNT(*) FROM candidates c WHERE `+lapsedCond+`
	AND `+linkLapsed("c.", "$3")+` AND c.expires_at >= $2 GROUP BY 1`, id, lo, nowMicros)
	if err != nil {
		return nil, err
	}
	defer lapsed.Close()
	for lapsed.Next() {
		var p int64
		var n int
		if err := lapsed.Scan(&p, &n); err != nil {
			return nil, err
		}
		c := get(p)
		c[model.CandidateSent] -= n
		c[model.CandidateExpired] += n
	}
	return out, lapsed.Err()
}

// CandidateCounts returns a posting's candidates by effective status, or
// the organization's when postingID is 0.
func CandidateCounts(ctx context.Context, q Querier, orgID, postingID int64, now time.Time) (model.StatusCounts, error) {
	var by map[int64]model.StatusCounts
	var err error
	if postingID != 0 {
		// The posting must be orgID's: a posting of another organization
		// counts nothing. Today's lapsed links check it on the posting, once,
		// so that their count reads the (posting_id, status, expires_at)
		// index alone (with c.org_id, every lapsed link was a row lookup).
		by, err = countsByPosting(ctx, q, "k.posting_id = $1 AND k.org_id = "+fmt.Sprint(orgID),
			"c.posting_id = $1 AND EXISTS (SELECT 1 FROM postings p WHERE p.id = $1 AND p.org_id = "+fmt.Sprint(orgID)+")", postingID, now)
	} else {
		by, err = countsByPosting(ctx, q, "k.org_id = $1", "c.org_id = $1", orgID, now)
	}
	if err != nil {
		return nil, fmt.Errorf("store: candidate counts: %w", err)
	}
	counts := model.StatusCounts{}
	for _, s := range model.CandidateStatuses {
		counts[s] = 0
	}
	for _, c := range by {
		for s, n := range c {
			counts[s] += n
		}
	}
	return counts, nil
}

// CandidateCountsByPosting returns an organization's candidate counts by
// posting and effective status (postings without candidates are left out).
func CandidateCountsByPosting(ctx context.Context, q Querier, orgID int64, now time.Time) (map[int64]model.StatusCounts, error) {
	by, err := countsByPosting(ctx, q, "k.org_id = $1", "c.org_id = $1", orgID, now)
	if err != nil {
		return nil, fmt.Errorf("store: candidate counts by posting: %w", err)
	}
	for p, c := range by {
		total := 0
		for _, n := range c {
			total += n
		}
		if total == 0 {
			delete(by, p)
		}
	}
	return by, nil
}
