package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
)

// The figures below read analytics_counts (migration 00021): counts per
// posting, kind and key kept by triggers on candidates and harvest_outcomes
// in the transaction of every change, so the analytics without a date range
// cost the same whatever the number of candidates. On PostgreSQL a change
// is counted in its transaction's shard (txid % 16), so concurrent creates
// in one posting do not all wait on one row: readers sum over the shards.

// analyticsRows is every (posting, kind, key) analytics_counts holds,
// recounted from the candidates and the stored outcomes (the migration's
// backfill; CheckDerived compares the two).
const analyticsRows = `SELECT c.posting_id, c.org_id, 'f' AS kind, (CASE WHEN c.started_at IS NOT NULL THEN 1 ELSE 0 END)
	+ (CASE WHEN c.status = 'completed' THEN 2 ELSE 0 END) + (CASE WHEN c.source = 'greenhouse' THEN 4 ELSE 0 END) AS k FROM candidates c
UNION ALL SELECT c.posting_id, c.org_id, 'wi', c.created_at / 604800000000 FROM candidates c
UNION ALL SELECT c.posting_id, c.org_id, 'x', c.expires_at / 60000000 FROM candidates c WHERE c.status = 'sent'
UNION ALL SELECT c.posting_id, c.org_id, 'wc', c.completed_at / 604800000000 FROM candidates c WHERE c.completed_at IS NOT NULL
UNION ALL SELECT c.posting_id, c.org_id, 's' || l.level, ((c.started_at - c.created_at) / 1000000) / l.width
	FROM candidates c, (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l WHERE c.started_at IS NOT NULL
UNION ALL SELECT c.posting_id, c.org_id, 'c' || l.level, ((c.completed_at - c.started_at) / 1000000) / l.width
	FROM candidates c, (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l
	WHERE c.status = 'completed' AND c.started_at IS NOT NULL AND c.completed_at IS NOT NULL
UNION ALL SELECT c.posting_id, c.org_id, 'o:' || o.status, CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END
	FROM candidates c JOIN harvest_outcomes o ON o.org_id = c.org_id AND CAST(o.gh_application_id AS TEXT) = c.gh_application_id
	WHERE c.status = 'completed' AND c.score IS NOT NULL`

// Funnel flags: the key of an analytics_counts 'f' row.
const (
	funnelStarted    = 1
	funnelCompleted  = 2
	funnelGreenhouse = 4
)

// minuteMicros is the width of the kept expiry minutes ('x' rows).
const minuteMicros = int64(time.Minute / time.Microsecond)

// keptFunnels returns the funnel counts of each of orgID's postings with
// candidates (only postingID's when it is not 0) from the kept 'f' rows.
// The expired links (linkLapsed at now) are candidate_counts' sent rows of
// the days before now's, the kept 'x' rows of today's minutes before now's,
// and an index range count of the links that lapsed earlier in now's
// minute, so none of the three grows with the candidates.
func keptFunnels(ctx context.Context, q Querier, orgID, postingID int64, now time.Time) (map[int64]*model.FunnelCounts, error) {
	cond, args := "org_id = $1", []any{orgID}
	if postingID != 0 {
		cond, args = "posting_id = $2 AND org_id = $1", []any{orgID, postingID}
	}
	out := map[int64]*model.FunnelCounts{}
	get := func(p int64) *model.FunnelCounts {
		if out[p] == nil {
			out[p] = &model.FunnelCounts{}
		}
		return out[p]
	}
	scan := func(query string, add func(f *model.FunnelCounts, k int64, n int), args ...any) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p, k int64
			var n int
			if err := rows.Scan(&p, &k, &n); err != nil {
				return err
			}
			add(get(p), k, n)
		}
		return rows.Err()
	}
	err := scan(`SELECT posting_id, k, n FROM analytics_counts WHERE `+cond+` AND kind = 'f'`, func(f *model.FunnelCounts, k int64, n int) {
		f.Invited += n
		if k&funnelStarted != 0 {
			f.Started += n
		}
		if k&funnelCompleted != 0 {
			f.Completed += n
		}
		if k&funnelGreenhouse != 0 {
			f.GreenhouseInvited += n
			if k&funnelCompleted != 0 {
				f.GreenhouseCompleted += n
			}
		}
	}, args...)
	if err != nil {
		return nil, err
	}
	nowMicros := micros(now)
	if nowMicros < countBucket {
		// Before the epoch's second day truncation mixes the days on both
		// sides of 0: count as the status counts do.
		countCond, lapsedCond, id := "k.org_id = $1", "c.org_id = $1", orgID
		if postingID != 0 {
			org := fmt.Sprint(orgID)
			countCond, lapsedCond, id = "k.posting_id = $1 AND k.org_id = "+org, "c.posting_id = $1 AND c.org_id = "+org, postingID
		}
		by, err := countsByPosting(ctx, q, countCond, lapsedCond, id, now)
		if err != nil {
			return nil, err
		}
		for p, f := range out {
			f.Expired = by[p][model.CandidateExpired]
		}
	} else {
		day, minute := nowMicros/countBucket, nowMicros/minuteMicros
		a, b := fmt.Sprintf("$%d", len(args)+1), fmt.Sprintf("$%d", len(args)+2)
		expired := func(f *model.FunnelCounts, _ int64, n int) { f.Expired += n }
		err = scan(`SELECT posting_id, 0, SUM(n) FROM candidate_counts WHERE `+cond+` AND status = 'sent' AND bucket < `+a+` GROUP BY posting_id`,
			expired, append(args, day)...)
		if err == nil {
			err = scan(`SELECT posting_id, 0, SUM(n) FROM analytics_counts WHERE `+cond+` AND kind = 'x' AND k >= `+a+` AND k < `+b+` GROUP BY posting_id`,
				expired, append(args, day*(countBucket/minuteMicros), minute)...)
		}
		if err == nil {
			ccond := strings.NewReplacer("posting_id", "c.posting_id", "org_id", "c.org_id").Replace(cond)
			err = scan(`SELECT c.posting_id, 0, COUNT(*) FROM candidates c WHERE `+ccond+` AND `+linkLapsed("c.", b)+` AND c.expires_at >= `+a+` GROUP BY c.posting_id`,
				expired, append(args, minute*minuteMicros, nowMicros)...)
		}
		if err != nil {
			return nil, err
		}
	}
	for p, f := range out {
		if f.Invited == 0 {
			delete(out, p)
		}
	}
	return out, nil
}

// KeptFunnel counts the candidates of one of orgID's postings at each step,
// or of all its postings when postingID is 0, from the kept counts: the
// same figures as Funnel over a scope without a date range.
func KeptFunnel(ctx context.Context, q Querier, orgID, postingID int64, now time.Time) (model.FunnelCounts, error) {
	var total model.FunnelCounts
	by, err := keptFunnels(ctx, q, orgID, postingID, now)
	if err != nil {
		return total, fmt.Errorf("store: kept funnel: %w", err)
	}
	for _, f := range by {
		total.Invited += f.Invited
		total.Started += f.Started
		total.Completed += f.Completed
		total.Expired += f.Expired
		total.GreenhouseInvited += f.GreenhouseInvited
		total.GreenhouseCompleted += f.GreenhouseCompleted
	}
	return total, nil
}

// stepLevels is how many levels of whole-second counts a step keeps, each
// stepFan times coarser than the one below (migration 00021).
const (
	stepLevels = 3
	stepFan    = 256
)

// KeptStepQuantiles returns how many of a posting's candidates passed a step
// and the nearest-rank quantiles ps of its duration in whole seconds
// (truncated), from the kept counts: at each level it reads the counts under
// the bucket that holds the rank, so a quantile reads at most a few hundred
// rows of each level. The posting must be one the caller checked is the
// organization's.
func KeptStepQuantiles(ctx context.Context, q Querier, postingID int64, step string, ps []float64) (int, []time.Duration, error) {
	prefix := map[string]string{StepStart: "s", StepComplete: "c"}[step]
	type bucket struct{ k, n int64 }
	read := func(level int, lo, hi int64) ([]bucket, error) {
		rows, err := q.QueryContext(ctx, `SELECT k, CAST(SUM(n) AS BIGINT) FROM analytics_counts WHERE posting_id = $1 AND kind = $2 AND k >= $3 AND k <= $4
GROUP BY k HAVING SUM(n) <> 0 ORDER BY k`,
			postingID, fmt.Sprint(prefix, level), lo, hi)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []bucket
		for rows.Next() {
			var b bucket
			if err := rows.Scan(&b.k, &b.n); err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		return out, rows.Err()
	}
	top, err := read(stepLevels-1, math.MinInt64, math.MaxInt64)
	if err != nil {
		return 0, nil, fmt.Errorf("store: kept step %s: %w", step, err)
	}
	var n int64
	for _, b := range top {
		n += b.n
	}
	out := make([]time.Duration, len(ps))
	if n == 0 {
		return 0, out, nil
	}
	for i, p := range ps {
		r := int64(math.Ceil(p*float64(n))) - 1
		r = min(max(r, 0), n-1)
		level, bs := stepLevels-1, top
		for {
			j := 0
			for ; j < len(bs)-1 && r >= bs[j].n; j++ {
				r -= bs[j].n
			}
			if j == len(bs) || r >= bs[j].n {
				return 0, nil, fmt.Errorf("store: kept step %s: counts of level %d do not add up", step, level)
			}
			b := bs[j].k
			if level == 0 {
				out[i] = time.Duration(b) * time.Second
				break
			}
			// The children of b: the keys k of the level below with k /
			// stepFan = b (division truncates towards zero).
			lo, hi := b*stepFan, b*stepFan+stepFan-1
			switch {
			case b < 0:
				lo, hi = b*stepFan-stepFan+1, b*stepFan
			case b == 0:
				lo = -stepFan + 1
			}
			level--
			if bs, err = read(level, lo, hi); err != nil {
				return 0, nil, fmt.Errorf("store: kept step %s: %w", step, err)
			}
		}
	}
	return int(n), out, nil
}

// KeptOutcomesByBand is OutcomesByBand over all of a posting's candidates,
// from the kept counts; the posting must be one the caller checked is the
// organization's.
func KeptOutcomesByBand(ctx context.Context, q Querier, postingID int64) (map[int]map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, k, CAST(SUM(n) AS BIGINT) FROM analytics_counts WHERE posting_id = $1 AND kind >= 'o:' AND kind < 'o;'
GROUP BY kind, k HAVING SUM(n) <> 0`, postingID)
	if err != nil {
		return nil, fmt.Errorf("store: kept outcomes: %w", err)
	}
	defer rows.Close()
	out := map[int]map[string]int{}
	for rows.Next() {
		var kind string
		var b, n int
		if err := rows.Scan(&kind, &b, &n); err != nil {
			return nil, fmt.Errorf("store: kept outcomes: %w", err)
		}
		if out[b] == nil {
			out[b] = map[string]int{}
		}
		out[b][strings.TrimPrefix(kind, "o:")] = n
	}
	return out, rows.Err()
}

// KeptPostingFigures is PostingFigures without a date range, from the kept
// counts; the mean score is over the completed, scored candidates
// (score_counts).
func KeptPostingFigures(ctx context.Context, q Querier, orgID int64, now time.Time) ([]*model.PostingFigures, error) {
	funnels, err := keptFunnels(ctx, q, orgID, 0, now)
	if err != nil {
		return nil, fmt.Errorf("store: kept posting figures: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.title, SUM(s.score * s.n), SUM(s.n) FROM postings p LEFT JOIN score_counts s ON s.posting_id = p.id AND s.n <> 0
WHERE p.org_id = $1 GROUP BY p.id, p.title ORDER BY p.title, p.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: kept posting figures: %w", err)
	}
	defer rows.Close()
	var out []*model.PostingFigures
	for rows.Next() {
		f := &model.PostingFigures{}
		var sum sql.NullFloat64
		var n sql.NullInt64
		if err := rows.Scan(&f.PostingID, &f.Title, &sum, &n); err != nil {
			return nil, fmt.Errorf("store: kept posting figures: %w", err)
		}
		c := funnels[f.PostingID]
		if c == nil {
			continue
		}
		f.FunnelCounts = *c
		if n.Int64 > 0 {
			v := sum.Float64 / float64(n.Int64)
			f.MeanScore = &v
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// KeptActivity is Activity without a date range, from the kept weekly counts.
func KeptActivity(ctx context.Context, q Querier, orgID int64) ([]model.ActivityWeek, error) {
	rows, err := q.QueryContext(ctx, `SELECT k, SUM(CASE WHEN kind = 'wi' THEN n ELSE 0 END), SUM(CASE WHEN kind = 'wc' THEN n ELSE 0 END)
FROM analytics_counts WHERE org_id = $1 AND kind IN ('wi', 'wc') GROUP BY k HAVING SUM(n) <> 0 ORDER BY k`, orgID)
	return activityWeeks(rows, err, "kept activity")
}
