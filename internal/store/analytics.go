package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
)

// scopeWhere is the condition on candidates alias c of an analytics scope;
// it uses $1…$3 (plus $4 for a posting). PostgreSQL wants every argument
// referenced, so the clock is added only by the queries that need it (withNow).
func scopeWhere(s model.AnalyticsScope) (string, []any) {
	from, to := int64(0), int64(math.MaxInt64)
	if !s.From.IsZero() {
		from = micros(s.From)
	}
	if !s.To.IsZero() {
		to = micros(s.To)
	}
	cond := "c.org_id = $1 AND c.created_at >= $2 AND c.created_at < $3"
	args := []any{s.OrgID, from, to}
	if s.PostingID != 0 {
		cond = "c.posting_id = $4 AND " + cond
		args = append(args, s.PostingID)
	}
	return cond, args
}

// withNow adds the scope's clock to args and returns its placeholder.
func withNow(s model.AnalyticsScope, args []any) (string, []any) {
	args = append(args, micros(s.Now))
	return fmt.Sprintf("$%d", len(args)), args
}

// funnelColumns are the funnel's counts; now is the clock's placeholder.
func funnelColumns(now string) string {
	return `COUNT(*),
	COALESCE(SUM(CASE WHEN c.started_at IS NOT NULL THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN c.status = 'completed' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN c.status = 'sent' AND c.expires_at <= ` + now + ` THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN c.source = 'greenhouse' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN c.source = 'greenhouse' AND c.status = 'completed' THEN 1 ELSE 0 END), 0)`
}

func funnelDest(f *model.FunnelCounts) []any {
	return []any{&f.Invited, &f.Started, &f.Completed, &f.Expired, &f.GreenhouseInvited, &f.GreenhouseCompleted}
}

// Funnel counts a scope's candidates at each step.
func Funnel(ctx context.Context, q Querier, s model.AnalyticsScope) (model.FunnelCounts, error) {
	cond, args := scopeWhere(s)
	now, args := withNow(s, args)
	var f model.FunnelCounts
	if err := q.QueryRowContext(ctx, `SELECT `+funnelColumns(now)+` FROM candidates c WHERE `+cond, args...).Scan(funnelDest(&f)...); err != nil {
		return f, fmt.Errorf("store: funnel: %w", err)
	}
	return f, nil
}

// Step durations measured by StepQuantiles.
const (
	// StepStart is from the invitation to the start.
	StepStart = "start"
	// StepComplete is from the start to the submission: the time to complete.
	StepComplete = "complete"
)

var stepExpr = map[string][2]string{
	StepStart:    {"c.started_at - c.created_at", "c.started_at IS NOT NULL"},
	StepComplete: {"c.completed_at - c.started_at", "c.status = 'completed' AND c.started_at IS NOT NULL AND c.completed_at IS NOT NULL"},
}

// StepQuantiles returns how many candidates of the scope passed a step and
// the nearest-rank quantiles ps of its duration, each read by the database
// as one row at its rank (ORDER BY … LIMIT 1 OFFSET k). Without a date range
// the analytics read KeptStepQuantiles instead.
func StepQuantiles(ctx context.Context, q Querier, s model.AnalyticsScope, step string, ps []float64) (int, []time.Duration, error) {
	e := stepExpr[step]
	cond, args := scopeWhere(s)
	cond += " AND " + e[1]
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM candidates c WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, nil, fmt.Errorf("store: step %s count: %w", step, err)
	}
	out := make([]time.Duration, len(ps))
	if n == 0 {
		return 0, out, nil
	}
	for i, p := range ps {
		k := int(math.Ceil(p*float64(n))) - 1
		k = min(max(k, 0), n-1)
		var v int64
		err := q.QueryRowContext(ctx, `SELECT `+e[0]+` FROM candidates c WHERE `+cond+
			fmt.Sprintf(` ORDER BY 1 LIMIT 1 OFFSET %d`, k), args...).Scan(&v)
		if err != nil {
			return 0, nil, fmt.Errorf("store: step %s quantile: %w", step, err)
		}
		out[i] = time.Duration(v) * time.Microsecond
	}
	return n, out, nil
}

// HistogramBins is the number of score bins: 0–10, 10–20, …, 90–100 (the
// last bin includes 100).
const HistogramBins = 10

// ScoreHistogram counts the scope's scored candidates per bin of 10 points.
func ScoreHistogram(ctx context.Context, q Querier, s model.AnalyticsScope) ([HistogramBins]int, error) {
	var cols []string
	for b := range HistogramBins {
		lo, hi := b*10, (b+1)*10
		c := fmt.Sprintf("c.score >= %d AND c.score < %d", lo, hi)
		if b == HistogramBins-1 {
			c = fmt.Sprintf("c.score >= %d", lo)
		}
		cols = append(cols, "COALESCE(SUM(CASE WHEN "+c+" THEN 1 ELSE 0 END), 0)")
	}
	cond, args := scopeWhere(s)
	var h [HistogramBins]int
	dest := make([]any, HistogramBins)
	for i := range dest {
		dest[i] = &h[i]
	}
	err := q.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM candidates c WHERE `+cond+
		` AND c.status = 'completed' AND c.score IS NOT NULL`, args...).Scan(dest...)
	if err != nil {
		return h, fmt.Errorf("store: score histogram: %w", err)
	}
	return h, nil
}

// countBy runs a "SELECT key, COUNT(*) … GROUP BY" query into a map.
func countBy(ctx context.Context, q Querier, query string, args ...any) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// RecommendationSplit counts the scope's scored candidates by recommendation.
func RecommendationSplit(ctx context.Context, q Querier, s model.AnalyticsScope) (map[string]int, error) {
	cond, args := scopeWhere(s)
	out, err := countBy(ctx, q, `SELECT c.recommendation, COUNT(*) FROM candidates c WHERE `+cond+
		` AND c.status = 'completed' AND c.score IS NOT NULL GROUP BY c.recommendation`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: recommendation split: %w", err)
	}
	return out, nil
}

// ScoreBands are the score bands of the outcome split, as lower bounds.
var ScoreBands = []int{0, 40, 60, 80}

// OutcomesByBand counts the scope's scored Greenhouse candidates whose
// application outcome the Harvest connection stored, by score band (the
// index in ScoreBands) and outcome status (active, rejected, hired).
func OutcomesByBand(ctx context.Context, q Querier, s model.AnalyticsScope) (map[int]map[string]int, error) {
	band := "CASE"
	for i := len(ScoreBands) - 1; i > 0; i-- {
		band += fmt.Sprintf(" WHEN c.score >= %d THEN %d", ScoreBands[i], i)
	}
	band += " ELSE 0 END"
	cond, args := scopeWhere(s)
	// "+c.col" keeps both planners from reaching candidates through the
	// posting or date indexes, which would scan the posting once per outcome.
	cond = strings.NewReplacer("c.posting_id", "+c.posting_id", "c.created_at", "+c.created_at").Replace(cond)
	// Outcomes drive the join: each looks its candidate up by the index on
	// (org_id, gh_application_id), so the cost follows the outcomes stored.
	rows, err := q.QueryContext(ctx, `SELECT `+band+`, o.status, COUNT(*) FROM harvest_outcomes o
CROSS JOIN candidates c
WHERE o.org_id = $1 AND c.org_id = o.org_id AND c.gh_application_id = CAST(o.gh_application_id AS TEXT) AND `+cond+`
	AND +c.score IS NOT NULL AND c.status || '' = 'completed' GROUP BY 1, 2`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: outcomes by band: %w", err)
	}
	defer rows.Close()
	out := map[int]map[string]int{}
	for rows.Next() {
		var b, n int
		var st string
		if err := rows.Scan(&b, &st, &n); err != nil {
			return nil, fmt.Errorf("store: outcomes by band: %w", err)
		}
		if out[b] == nil {
			out[b] = map[string]int{}
		}
		out[b][st] = n
	}
	return out, rows.Err()
}

// CompetencyMoment is a competency's count, sum and sum of squares over
// the scores of a scope's scored candidates.
type CompetencyMoment struct {
	Key, Name  string
	N          int
	Sum, SumSq float64
}

// CompetencyMoments returns, per competency key (in key order), the count,
// sum and sum of squares of the scope's scored candidates' competency
// scores, aggregated by the database over result_competencies.
func CompetencyMoments(ctx context.Context, q Querier, s model.AnalyticsScope) ([]CompetencyMoment, error) {
	cond, args := scopeWhere(s)
	rows, err := q.QueryContext(ctx, `SELECT rc.competency_key, MIN(rc.name), COUNT(*), SUM(rc.score), SUM(rc.score * rc.score)
FROM candidates c JOIN result_competencies rc ON rc.attempt_id = c.attempt_id
WHERE `+cond+` AND c.status = 'completed' AND c.score IS NOT NULL GROUP BY rc.competency_key ORDER BY rc.competency_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: competency moments: %w", err)
	}
	defer rows.Close()
	var out []CompetencyMoment
	for rows.Next() {
		var m CompetencyMoment
		if err := rows.Scan(&m.Key, &m.Name, &m.N, &m.Sum, &m.SumSq); err != nil {
			return nil, fmt.Errorf("store: competency moments: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// maxItemColumns bounds the questions ItemSums aggregates in one statement
// (k sums and k·(k+1)/2 cross-products must fit the databases' column limits).
const maxItemColumns = 40

// ItemSums returns, over the scope's scored candidates of one posting
// version, how many there are, the sum of each question's level and the sum
// of each pair's product (cross[i][j], i ≤ j), for the questions keys; a
// question without a level counts as minLevel. The database pivots
// result_questions and sums, so no result is decoded. ok is false when there
// are too many questions for one statement.
func ItemSums(ctx context.Context, q Querier, s model.AnalyticsScope, version int, keys []string, minLevel int) (n int, sum []float64, cross [][]float64, ok bool, err error) {
	k := len(keys)
	if k == 0 || k > maxItemColumns {
		return 0, nil, nil, false, nil
	}
	cond, args := scopeWhere(s)
	args = append(args, version)
	cond += fmt.Sprintf(" AND a.posting_version = $%d", len(args))
	var piv, agg []string
	for i, key := range keys {
		args = append(args, key)
		piv = append(piv, fmt.Sprintf("COALESCE(MAX(CASE WHEN rq.question_key = $%d THEN rq.level END), %d) AS v%d", len(args), minLevel, i))
		agg = append(agg, fmt.Sprintf("SUM(v%d)", i))
	}
	for i := range k {
		for j := i; j < k; j++ {
			agg = append(agg, fmt.Sprintf("SUM(v%d * v%d)", i, j))
		}
	}
	sum = make([]float64, k)
	cross = make([][]float64, k)
	dest := []any{&n}
	for i := range sum {
		dest = append(dest, &sum[i])
	}
	for i := range k {
		cross[i] = make([]float64, k)
		for j := i; j < k; j++ {
			dest = append(dest, &cross[i][j])
		}
	}
	nulls := make([]sql.NullFloat64, len(dest)-1)
	scan := []any{&n}
	for i := range nulls {
		scan = append(scan, &nulls[i])
	}
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), `+strings.Join(agg, ", ")+` FROM (
	SELECT `+strings.Join(piv, ", ")+`
	FROM candidates c JOIN attempts a ON a.id = c.attempt_id LEFT JOIN result_questions rq ON rq.attempt_id = a.id
	WHERE `+cond+` AND c.status = 'completed' AND c.score IS NOT NULL AND a.result <> '' GROUP BY a.id) x`, args...).Scan(scan...)
	if err != nil {
		return 0, nil, nil, false, fmt.Errorf("store: item sums: %w", err)
	}
	for i, v := range nulls {
		*(dest[i+1].(*float64)) = v.Float64
	}
	return n, sum, cross, true, nil
}

// ScoredResults calls fn with the posting version and result JSON of each of
// the scope's scored candidates (of one posting version, or all when
// version is 0), as the rows arrive. ItemSums is the fast path; this is for
// postings with more questions than it aggregates in one statement.
func ScoredResults(ctx context.Context, q Querier, s model.AnalyticsScope, version int, fn func(version int, result []byte) error) error {
	cond, args := scopeWhere(s)
	if version != 0 {
		args = append(args, version)
		cond += fmt.Sprintf(" AND a.posting_version = $%d", len(args))
	}
	rows, err := q.QueryContext(ctx, `SELECT a.posting_version, a.result FROM candidates c JOIN attempts a ON a.id = c.attempt_id
WHERE `+cond+` AND c.status = 'completed' AND c.score IS NOT NULL AND a.result <> ''`, args...)
	if err != nil {
		return fmt.Errorf("store: scored results: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		var res []byte
		if err := rows.Scan(&v, &res); err != nil {
			return fmt.Errorf("store: scored results: %w", err)
		}
		if err := fn(v, res); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ScoredVersions counts the scope's scored candidates by the posting
// version they took.
func ScoredVersions(ctx context.Context, q Querier, s model.AnalyticsScope) (map[int]int, error) {
	cond, args := scopeWhere(s)
	rows, err := q.QueryContext(ctx, `SELECT a.posting_version, COUNT(*) FROM candidates c JOIN attempts a ON a.id = c.attempt_id
WHERE `+cond+` AND c.status = 'completed' AND c.score IS NOT NULL GROUP BY a.posting_version`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: scored versions: %w", err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var v, n int
		if err := rows.Scan(&v, &n); err != nil {
			return nil, fmt.Errorf("store: scored versions: %w", err)
		}
		out[v] = n
	}
	return out, rows.Err()
}

// QuestionTime is the time spent on one question across candidates.
type QuestionTime struct {
	MeanMS  float64
	Answers int
}

// QuestionTimes returns the mean time spent per question by the scope's
// scored candidates on one posting version, computed by the database.
func QuestionTimes(ctx context.Context, q Querier, s model.AnalyticsScope, version int) (map[string]QuestionTime, error) {
	cond, args := scopeWhere(s)
	args = append(args, version)
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT an.question_key, AVG(an.time_spent_ms), COUNT(*)
FROM candidates c JOIN attempts a ON a.id = c.attempt_id JOIN answers an ON an.attempt_id = a.id
WHERE %s AND c.status = 'completed' AND c.score IS NOT NULL AND a.posting_version = $%d GROUP BY an.question_key`, cond, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: question times: %w", err)
	}
	defer rows.Close()
	out := map[string]QuestionTime{}
	for rows.Next() {
		var k string
		var t QuestionTime
		if err := rows.Scan(&k, &t.MeanMS, &t.Answers); err != nil {
			return nil, fmt.Errorf("store: question times: %w", err)
		}
		out[k] = t
	}
	return out, rows.Err()
}

// ScoreRank returns the rank of score among a posting's scored candidates
// (1 + how many scored higher) and how many are scored. Both are sums over
// score_counts (completed, scored candidates per posting and score, kept by
// triggers; at most one row per distinct score), so they do not count the
// posting's candidates; the posting must be orgID's.
func ScoreRank(ctx context.Context, q Querier, orgID, postingID int64, score float64) (rank, n int, err error) {
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(k.n), 0), COALESCE(SUM(CASE WHEN k.score > $3 THEN k.n ELSE 0 END), 0)
FROM postings p JOIN score_counts k ON k.posting_id = p.id WHERE p.id = $2 AND p.org_id = $1`, orgID, postingID, score).Scan(&n, &rank)
	if errors.Is(err, sql.ErrNoRows) {
		return 1, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("store: score rank: %w", err)
	}
	return rank + 1, n, nil
}

// ScoreDistribution returns a posting's completed, scored candidates per
// score, highest score first.
func ScoreDistribution(ctx context.Context, q Querier, postingID int64) ([]ScoreCount, error) {
	rows, err := q.QueryContext(ctx, `SELECT score, n FROM score_counts WHERE posting_id = $1 AND n > 0 ORDER BY score DESC`, postingID)
	if err != nil {
		return nil, fmt.Errorf("store: score distribution: %w", err)
	}
	defer rows.Close()
	var out []ScoreCount
	for rows.Next() {
		var c ScoreCount
		if err := rows.Scan(&c.Score, &c.N); err != nil {
			return nil, fmt.Errorf("store: score distribution: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ScoreCount is how many candidates have one score.
type ScoreCount struct {
	Score float64
	N     int
}

// PostingFigures returns the headline figures of each of the scope's
// organization's postings that has candidates in the scope; the mean score
// is over the completed, scored candidates.
func PostingFigures(ctx context.Context, q Querier, s model.AnalyticsScope) ([]*model.PostingFigures, error) {
	s.PostingID = 0
	cond, args := scopeWhere(s)
	now, args := withNow(s, args)
	rows, err := q.QueryContext(ctx, `SELECT c.posting_id, p.title, AVG(CASE WHEN c.status = 'completed' THEN c.score END), `+funnelColumns(now)+`
FROM candidates c JOIN postings p ON p.id = c.posting_id WHERE `+cond+` GROUP BY c.posting_id, p.title ORDER BY p.title, c.posting_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: posting figures: %w", err)
	}
	defer rows.Close()
	var out []*model.PostingFigures
	for rows.Next() {
		f := &model.PostingFigures{}
		var mean sql.NullFloat64
		if err := rows.Scan(append([]any{&f.PostingID, &f.Title, &mean}, funnelDest(&f.FunnelCounts)...)...); err != nil {
			return nil, fmt.Errorf("store: posting figures: %w", err)
		}
		if mean.Valid {
			v := mean.Float64
			f.MeanScore = &v
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

const weekMicros = int64(7 * 24 * time.Hour / time.Microsecond)

// Activity counts the scope's candidates invited and completed per week,
// oldest first; weeks without either are left out.
func Activity(ctx context.Context, q Querier, s model.AnalyticsScope) ([]model.ActivityWeek, error) {
	cond, args := scopeWhere(s)
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT w, SUM(i), SUM(d) FROM (
	SELECT c.created_at / %[1]d AS w, 1 AS i, 0 AS d FROM candidates c WHERE %[2]s
	UNION ALL
	SELECT c.completed_at / %[1]d, 0, 1 FROM candidates c WHERE %[2]s AND c.completed_at IS NOT NULL
) t GROUP BY w ORDER BY w`, weekMicros, cond), args...)
	return activityWeeks(rows, err, "activity")
}

// activityWeeks reads rows of (week, invited, completed), as Activity and
// KeptActivity select them.
func activityWeeks(rows *sql.Rows, err error, what string) ([]model.ActivityWeek, error) {
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []model.ActivityWeek
	for rows.Next() {
		var w int64
		var a model.ActivityWeek
		if err := rows.Scan(&w, &a.Invited, &a.Completed); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		a.Start = fromMicros(w * weekMicros)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ExportCandidates calls fn with each candidate that matches f (its
// PostingID must be set), oldest first, with its time spent (attempt_times),
// rank among the posting's scored candidates (from score_counts) and its
// current result's competency scores and question levels for the keys comps
// and questions (from result_lines), as the rows arrive from the database:
// memory does not grow with the number of rows. Each candidate is one row
// with two primary-key lookups; fn may keep nothing of the row it is given.
func ExportCandidates(ctx context.Context, q Querier, f model.CandidateFilter, comps, questions []string, fn func(*model.ExportRow) error) error {
	dist, err := ScoreDistribution(ctx, q, f.PostingID)
	if err != nil {
		return err
	}
	rank := make(map[float64]int, len(dist))
	ranked := 0
	for _, d := range dist {
		rank[d.Score] = ranked + 1
		ranked += d.N
	}
	cond, args := candidateWhere(f)
	rows, err := q.QueryContext(ctx, `SELECT `+exportColumns+`, COALESCE(ts.total_ms, 0), COALESCE(rl.levels, ''), COALESCE(rl.scores, '')
FROM candidates c LEFT JOIN attempt_times ts ON ts.attempt_id = c.attempt_id LEFT JOIN result_lines rl ON rl.attempt_id = c.attempt_id
WHERE `+cond+` ORDER BY c.created_at, c.id`, args...)
	if err != nil {
		return fmt.Errorf("store: export candidates: %w", err)
	}
	defer rows.Close()
	column := func(keys []string) map[string]int {
		m := make(map[string]int, len(keys))
		for i, k := range keys {
			m[k] = i
		}
		return m
	}
	compCol, qCol := column(comps), column(questions)
	row := &model.ExportRow{Competencies: make([]model.ExportValue, len(comps)), Levels: make([]model.ExportValue, len(questions))}
	var levels, scores string
	extra := []any{&row.TimeSpentMS, &levels, &scores}
	for rows.Next() {
		c, err := scanExportCandidate(extraScan{rows, extra})
		if err != nil {
			return fmt.Errorf("store: export candidates: %w", err)
		}
		row.Candidate, row.Rank, row.Ranked = c, 0, 0
		clear(row.Competencies)
		clear(row.Levels)
		eachInLine(scores, func(k string, v float64) {
			if i, ok := compCol[k]; ok {
				row.Competencies[i] = model.ExportValue{Value: v, Has: true}
			}
		})
		eachInLine(levels, func(k string, v float64) {
			if i, ok := qCol[k]; ok {
				row.Levels[i] = model.ExportValue{Value: v, Has: true}
			}
		})
		if c.Status == model.CandidateCompleted && c.Score != nil {
			row.Rank, row.Ranked = rank[*c.Score], ranked
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportColumns are the candidate's columns an export shows (fewer than
// candidateColumns: no link, Greenhouse URLs or posting title).
const exportColumns = `c.id, c.org_id, c.posting_id, c.first_name, c.last_name, c.email, c.phone, c.source, c.status,
	c.expires_at, c.attempt_id, c.score, c.recommendation, c.started_at, c.completed_at, COALESCE(c.gh_test_id, ''),
	c.gh_candidate_id, c.gh_application_id, c.created_at`

// scanExportCandidate scans exportColumns into the fields of a candidate
// they hold; the others stay zero.
func scanExportCandidate(sc interface{ Scan(...any) error }) (*model.Candidate, error) {
	c := &model.Candidate{}
	var attempt, started, completed sql.NullInt64
	var score sql.NullFloat64
	var expires, created int64
	err := sc.Scan(&c.ID, &c.OrgID, &c.PostingID, &c.FirstName, &c.LastName, &c.Email, &c.Phone, &c.Source, &c.Status,
		&expires, &attempt, &score, &c.Recommendation, &started, &completed, &c.GHTestID,
		&c.GHCandidateID, &c.GHApplicationID, &created)
	if err != nil {
		return nil, err
	}
	c.ExpiresAt, c.CreatedAt = fromMicros(expires), fromMicros(created)
	c.StartedAt, c.CompletedAt = nullMicros(started), nullMicros(completed)
	c.AttemptID = attempt.Int64
	if score.Valid {
		v := score.Float64
		c.Score = &v
	}
	return c, nil
}
