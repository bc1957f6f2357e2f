package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// SyncItemSums brings the running item sums of migration 00019 (item_counts,
// item_sums, item_times) in step with one attempt: it subtracts what the
// attempt added when it was last counted (kept in item_attempt_values, so it
// does not matter what changed since), then adds the attempt's current
// question levels and answer times if it counts now, that is if its
// candidate is completed and scored with it as the current attempt and it
// has a result (the set store.ItemSums scans). UpdateAttempt and
// UpdateCandidate call it in their transaction after every change, so the
// sums equal a recount at every commit; it is idempotent.
func SyncItemSums(ctx context.Context, q Querier, attemptID int64) error {
	if attemptID == 0 {
		return nil
	}
	if err := uncountItems(ctx, q, attemptID); err != nil {
		return fmt.Errorf("store: item sums of attempt %d: %w", attemptID, err)
	}
	if err := countItems(ctx, q, attemptID); err != nil {
		return fmt.Errorf("store: item sums of attempt %d: %w", attemptID, err)
	}
	return nil
}

func uncountItems(ctx context.Context, q Querier, attemptID int64) error {
	var pid int64
	var ver, has int
	err := q.QueryRowContext(ctx, `SELECT posting_id, version, has_result FROM item_attempts WHERE attempt_id = $1`, attemptID).Scan(&pid, &ver, &has)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	a, pv, all := []any{attemptID}, []any{attemptID, pid}, []any{attemptID, pid, ver}
	for _, st := range []struct {
		query string
		args  []any
	}{
		{`UPDATE item_counts SET scored = scored - 1, n = n - CAST($3 AS BIGINT) WHERE posting_id = $1 AND version = $2`, []any{pid, ver, has}},
		{`UPDATE competency_counts SET n = competency_counts.n - 1
FROM (SELECT competency_key, name, score FROM item_attempt_competencies WHERE attempt_id = $1) d
WHERE competency_counts.posting_id = $2 AND competency_counts.competency_key = d.competency_key
	AND competency_counts.name = d.name AND competency_counts.score = d.score`, pv},
		{`UPDATE item_sums SET n = item_sums.n - 1, sxy = item_sums.sxy - d.xy, sx = item_sums.sx - d.x, sy = item_sums.sy - d.y
FROM (SELECT x.question_key AS ki, y.question_key AS kj, x.value * y.value AS xy, x.value AS x, y.value AS y
	FROM item_attempt_values x JOIN item_attempt_values y ON y.attempt_id = x.attempt_id AND y.kind = 'L' AND x.question_key <= y.question_key
	WHERE x.attempt_id = $1 AND x.kind = 'L') d
WHERE item_sums.posting_id = $2 AND item_sums.version = $3 AND item_sums.key_i = d.ki AND item_sums.key_j = d.kj`, all},
		{`UPDATE item_times SET n = item_times.n - 1, total_ms = item_times.total_ms - d.value
FROM (SELECT question_key, value FROM item_attempt_values WHERE attempt_id = $1 AND kind = 'T') d
WHERE item_times.posting_id = $2 AND item_times.version = $3 AND item_times.question_key = d.question_key`, all},
		{`DELETE FROM item_attempt_values WHERE attempt_id = $1`, a},
		{`DELETE FROM item_attempt_competencies WHERE attempt_id = $1`, a},
		{`DELETE FROM item_attempts WHERE attempt_id = $1`, a},
	} {
		if _, err := q.ExecContext(ctx, st.query, st.args...); err != nil {
			return err
		}
	}
	return nil
}

func countItems(ctx context.Context, q Querier, attemptID int64) error {
	// Two primary-key reads rather than a join: PostgreSQL may keep a
	// generic plan made while the tables were small, and a join planned then
	// scanned candidates on every call.
	var cid, pid int64
	var ver, has int
	err := q.QueryRowContext(ctx, `SELECT candidate_id, posting_version, CASE WHEN result <> '' THEN 1 ELSE 0 END FROM attempts WHERE id = $1`,
		attemptID).Scan(&cid, &ver, &has)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	err = q.QueryRowContext(ctx, `SELECT posting_id FROM candidates WHERE id = $1 AND attempt_id = $2 AND status = 'completed' AND score IS NOT NULL`,
		cid, attemptID).Scan(&pid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO item_attempts (attempt_id, candidate_id, posting_id, version, has_result) VALUES ($1, $2, $3, $4, $5)`,
		attemptID, cid, pid, ver, has); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO item_counts (posting_id, version, scored, n) VALUES ($1, $2, 1, $3)
ON CONFLICT (posting_id, version) DO UPDATE SET scored = item_counts.scored + 1, n = item_counts.n + excluded.n`, pid, ver, has); err != nil {
		return err
	}
	// The competency scores count whether or not the result is blank (a
	// blank result has none), as store.CompetencyMoments does.
	if _, err := q.ExecContext(ctx, `INSERT INTO item_attempt_competencies (attempt_id, competency_key, name, score)
SELECT attempt_id, competency_key, name, score FROM result_competencies WHERE attempt_id = $1`, attemptID); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO competency_counts (posting_id, competency_key, name, score, n)
SELECT CAST($2 AS BIGINT), competency_key, name, score, 1 FROM item_attempt_competencies WHERE attempt_id = $1
ON CONFLICT (posting_id, competency_key, name, score) DO UPDATE SET n = competency_counts.n + 1`, attemptID, pid); err != nil {
		return err
	}
	if has == 0 {
		return nil
	}
	stmts := []string{
		`INSERT INTO item_attempt_values (attempt_id, kind, question_key, value)
SELECT attempt_id, 'L', question_key, level FROM result_questions WHERE attempt_id = $1`,
		`INSERT INTO item_attempt_values (attempt_id, kind, question_key, value)
SELECT attempt_id, 'T', question_key, time_spent_ms FROM answers WHERE attempt_id = $1`,
		`INSERT INTO item_sums (posting_id, version, key_i, key_j, n, sxy, sx, sy)
SELECT CAST($2 AS BIGINT), CAST($3 AS BIGINT), x.question_key, y.question_key, 1, x.value * y.value, x.value, y.value
FROM item_attempt_values x JOIN item_attempt_values y ON y.attempt_id = x.attempt_id AND y.kind = 'L' AND x.question_key <= y.question_key
WHERE x.attempt_id = $1 AND x.kind = 'L'
ON CONFLICT (posting_id, version, key_i, key_j) DO UPDATE SET n = item_sums.n + 1, sxy = item_sums.sxy + excluded.sxy,
	sx = item_sums.sx + excluded.sx, sy = item_sums.sy + excluded.sy`,
		`INSERT INTO item_times (posting_id, version, question_key, n, total_ms)
SELECT CAST($2 AS BIGINT), CAST($3 AS BIGINT), question_key, 1, value FROM item_attempt_values WHERE attempt_id = $1 AND kind = 'T'
ON CONFLICT (posting_id, version, question_key) DO UPDATE SET n = item_times.n + 1, total_ms = item_times.total_ms + excluded.total_ms`,
	}
	for _, s := range stmts {
		args := []any{attemptID}
		if strings.Contains(s, "$3") {
			args = []any{attemptID, pid, ver}
		}
		if _, err := q.ExecContext(ctx, s, args...); err != nil {
			return err
		}
	}
	return nil
}

// ItemPair is the running sums of a pair of question keys of a version over
// the counted attempts that have both levels (I = J for one question).
type ItemPair struct {
	N, SXY, SX, SY int64
}

// ItemSumsKept returns the running sums of a posting version: how many
// scored candidates took it, the pair sums by (key_i, key_j) as stored, and
// the answer times by question. store.ItemSums computes the same figures by
// scanning; these rows are kept by SyncItemSums.
func ItemSumsKept(ctx context.Context, q Querier, postingID int64, version int) (n int64, pairs map[[2]string]ItemPair, times map[string]QuestionTime, err error) {
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM item_counts WHERE posting_id = $1 AND version = $2`, postingID, version).Scan(&n)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("store: item sums kept: %w", err)
	}
	pairs = map[[2]string]ItemPair{}
	rows, err := q.QueryContext(ctx, `SELECT key_i, key_j, n, sxy, sx, sy FROM item_sums WHERE posting_id = $1 AND version = $2 AND n > 0`, postingID, version)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("store: item sums kept: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k [2]string
		var p ItemPair
		if err := rows.Scan(&k[0], &k[1], &p.N, &p.SXY, &p.SX, &p.SY); err != nil {
			return 0, nil, nil, fmt.Errorf("store: item sums kept: %w", err)
		}
		pairs[k] = p
	}
	if err := rows.Err(); err != nil {
		return 0, nil, nil, fmt.Errorf("store: item sums kept: %w", err)
	}
	times = map[string]QuestionTime{}
	rows2, err := q.QueryContext(ctx, `SELECT question_key, n, total_ms FROM item_times WHERE posting_id = $1 AND version = $2 AND n > 0`, postingID, version)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("store: item times kept: %w", err)
	}
	defer rows2.Close()
	for rows2.Next() {
		var k string
		var c, total int64
		if err := rows2.Scan(&k, &c, &total); err != nil {
			return 0, nil, nil, fmt.Errorf("store: item times kept: %w", err)
		}
		times[k] = QuestionTime{MeanMS: float64(total) / float64(c), Answers: int(c)}
	}
	return n, pairs, times, rows2.Err()
}

// ItemSumsFromKept turns the kept pair sums into ItemSums's figures for the
// questions keys, counting a question without a level as minLevel: with m
// = minLevel and c_a the attempts with a level for a,
// Σ X_a = S_a + m(n − c_a) and, for a ≠ b,
// Σ X_a·X_b = P_ab + m(S_a − S_a|b) + m(S_b − S_b|a) + m²(n − c_a − c_b + c_ab),
// all in integers, so the result equals the scan's.
func ItemSumsFromKept(n int64, pairs map[[2]string]ItemPair, keys []string, minLevel int) (sum []float64, cross [][]float64) {
	m := int64(minLevel)
	k := len(keys)
	single := make([]ItemPair, k)
	for i, a := range keys {
		single[i] = pairs[[2]string{a, a}]
	}
	sum = make([]float64, k)
	cross = make([][]float64, k)
	for i := range k {
		cross[i] = make([]float64, k)
		sum[i] = float64(single[i].SX + m*(n-single[i].N))
	}
	for i, a := range keys {
		cross[i][i] = float64(single[i].SXY + m*m*(n-single[i].N))
		for j := i + 1; j < k; j++ {
			b := keys[j]
			var both ItemPair
			sa, sb := int64(0), int64(0)
			if p, ok := pairs[[2]string{a, b}]; ok {
				both, sa, sb = p, p.SX, p.SY
			} else if p, ok := pairs[[2]string{b, a}]; ok {
				both, sa, sb = p, p.SY, p.SX
			}
			v := both.SXY + m*(single[i].SX-sa) + m*(single[j].SX-sb) + m*m*(n-single[i].N-single[j].N+both.N)
			cross[i][j] = float64(v)
		}
	}
	return sum, cross
}

// KeptScoredVersions is ScoredVersions over all of a posting's candidates,
// read from item_counts (kept by SyncItemSums).
func KeptScoredVersions(ctx context.Context, q Querier, postingID int64) (map[int]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, scored FROM item_counts WHERE posting_id = $1 AND scored > 0`, postingID)
	if err != nil {
		return nil, fmt.Errorf("store: kept scored versions: %w", err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var v, n int
		if err := rows.Scan(&v, &n); err != nil {
			return nil, fmt.Errorf("store: kept scored versions: %w", err)
		}
		out[v] = n
	}
	return out, rows.Err()
}

// KeptRecommendationSplit is RecommendationSplit over all of a posting's
// candidates, read from recommendation_counts (kept by triggers).
func KeptRecommendationSplit(ctx context.Context, q Querier, postingID int64) (map[string]int, error) {
	out, err := countBy(ctx, q, `SELECT recommendation, n FROM recommendation_counts WHERE posting_id = $1 AND n > 0`, postingID)
	if err != nil {
		return nil, fmt.Errorf("store: kept recommendation split: %w", err)
	}
	return out, nil
}

// KeptScoreHistogram is ScoreHistogram over all of a posting's candidates,
// from score_counts (kept by triggers; at most one row per distinct score).
func KeptScoreHistogram(ctx context.Context, q Querier, postingID int64) ([HistogramBins]int, error) {
	var h [HistogramBins]int
	dist, err := ScoreDistribution(ctx, q, postingID)
	if err != nil {
		return h, err
	}
	for _, d := range dist {
		// The bins of ScoreHistogram: score ≥ 10·b and < 10·(b+1), the last
		// one open above.
		for b := HistogramBins - 1; b >= 0; b-- {
			if b == 0 || d.Score >= float64(b*10) {
				if b > 0 || d.Score >= 0 {
					h[b] += d.N
				}
				break
			}
		}
	}
	return h, nil
}

// KeptCompetencyMoments is CompetencyMoments over all of a posting's
// candidates, summed over competency_counts (kept by SyncItemSums: one row
// per competency, name and score, so at most a few hundred a competency).
func KeptCompetencyMoments(ctx context.Context, q Querier, postingID int64) ([]CompetencyMoment, error) {
	rows, err := q.QueryContext(ctx, `SELECT competency_key, MIN(name), SUM(n), SUM(n * score), SUM(n * score * score)
FROM competency_counts WHERE posting_id = $1 AND n > 0 GROUP BY competency_key ORDER BY competency_key`, postingID)
	if err != nil {
		return nil, fmt.Errorf("store: kept competency moments: %w", err)
	}
	defer rows.Close()
	var out []CompetencyMoment
	for rows.Next() {
		var m CompetencyMoment
		if err := rows.Scan(&m.Key, &m.Name, &m.N, &m.Sum, &m.SumSq); err != nil {
			return nil, fmt.Errorf("store: kept competency moments: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// RecountItemSums rebuilds a posting's running item sums (migration 00019's
// tables) from its candidates, results and answers in a few statements, as
// the migration's backfill does: what store.SyncItemSums keeps attempt by
// attempt, for a bulk load (the seeders) or a repair.
func RecountItemSums(ctx context.Context, q Querier, postingID int64) error {
	const mine = `attempt_id IN (SELECT attempt_id FROM item_attempts WHERE posting_id = $1)`
	for _, s := range []string{
		`DELETE FROM item_attempt_values WHERE ` + mine,
		`DELETE FROM item_attempt_competencies WHERE ` + mine,
		`DELETE FROM item_attempts WHERE posting_id = $1`,
		`DELETE FROM item_counts WHERE posting_id = $1`,
		`DELETE FROM item_sums WHERE posting_id = $1`,
		`DELETE FROM item_times WHERE posting_id = $1`,
		`DELETE FROM competency_counts WHERE posting_id = $1`,
		`INSERT INTO item_attempts (attempt_id, candidate_id, posting_id, version, has_result)
SELECT a.id, c.id, c.posting_id, a.posting_version, CASE WHEN a.result <> '' THEN 1 ELSE 0 END
FROM candidates c JOIN attempts a ON a.id = c.attempt_id
WHERE c.posting_id = $1 AND c.status = 'completed' AND c.score IS NOT NULL`,
		`INSERT INTO item_attempt_values (attempt_id, kind, question_key, value)
SELECT rq.attempt_id, 'L', rq.question_key, rq.level FROM item_attempts ia JOIN result_questions rq ON rq.attempt_id = ia.attempt_id
WHERE ia.posting_id = $1 AND ia.has_result = 1`,
		`INSERT INTO item_attempt_values (attempt_id, kind, question_key, value)
SELECT an.attempt_id, 'T', an.question_key, an.time_spent_ms FROM item_attempts ia JOIN answers an ON an.attempt_id = ia.attempt_id
WHERE ia.posting_id = $1 AND ia.has_result = 1`,
		`INSERT INTO item_attempt_competencies (attempt_id, competency_key, name, score)
SELECT rc.attempt_id, rc.competency_key, rc.name, rc.score FROM item_attempts ia JOIN result_competencies rc ON rc.attempt_id = ia.attempt_id
WHERE ia.posting_id = $1`,
		`INSERT INTO item_counts (posting_id, version, scored, n)
SELECT posting_id, version, COUNT(*), SUM(has_result) FROM item_attempts WHERE posting_id = $1 GROUP BY posting_id, version`,
		`INSERT INTO competency_counts (posting_id, competency_key, name, score, n)
SELECT ia.posting_id, x.competency_key, x.name, x.score, COUNT(*)
FROM item_attempts ia JOIN item_attempt_competencies x ON x.attempt_id = ia.attempt_id
WHERE ia.posting_id = $1 GROUP BY ia.posting_id, x.competency_key, x.name, x.score`,
		`INSERT INTO item_times (posting_id, version, question_key, n, total_ms)
SELECT ia.posting_id, ia.version, t.question_key, COUNT(*), SUM(t.value)
FROM item_attempts ia JOIN item_attempt_values t ON t.attempt_id = ia.attempt_id AND t.kind = 'T'
WHERE ia.posting_id = $1 GROUP BY ia.posting_id, ia.version, t.question_key`,
	} {
		if _, err := q.ExecContext(ctx, s, postingID); err != nil {
			return fmt.Errorf("store: recount item sums of posting %d: %w", postingID, err)
		}
	}
	if err := recountPairSums(ctx, q, postingID); err != nil {
		return fmt.Errorf("store: recount item sums of posting %d: %w", postingID, err)
	}
	return nil
}

// recountPairSums fills item_sums from the posting's counted levels, read
// once in attempt and key order (the database's order of keys, so pairs are
// ordered as key_i <= key_j in SQL) and summed here: the same sums in SQL are a join of
// k(k+1)/2 rows per attempt that SQLite sorts to group (8 million rows at
// 70 000 attempts of 15 questions).
func recountPairSums(ctx context.Context, q Querier, postingID int64) error {
	type pairKey struct {
		version int64
		ki, kj  string
	}
	type level struct {
		key   string
		value int64
	}
	sums := map[pairKey]*ItemPair{}
	var cur []level
	var curAttempt, curVersion int64
	flush := func() {
		for i, x := range cur {
			for _, y := range cur[i:] {
				k := pairKey{curVersion, x.key, y.key}
				p := sums[k]
				if p == nil {
					p = &ItemPair{}
					sums[k] = p
				}
				p.N++
				p.SXY += x.value * y.value
				p.SX += x.value
				p.SY += y.value
			}
		}
		cur = cur[:0]
	}
	rows, err := q.QueryContext(ctx, `SELECT ia.attempt_id, ia.version, x.question_key, x.value
FROM item_attempts ia JOIN item_attempt_values x ON x.attempt_id = ia.attempt_id AND x.kind = 'L'
WHERE ia.posting_id = $1 ORDER BY ia.attempt_id, x.question_key`, postingID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var aid, ver int64
		var l level
		if err := rows.Scan(&aid, &ver, &l.key, &l.value); err != nil {
			return err
		}
		if aid != curAttempt {
			flush()
			curAttempt, curVersion = aid, ver
		}
		cur = append(cur, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	flush()
	rows.Close()
	for k, p := range sums {
		if _, err := q.ExecContext(ctx, `INSERT INTO item_sums (posting_id, version, key_i, key_j, n, sxy, sx, sy) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			postingID, k.version, k.ki, k.kj, p.N, p.SXY, p.SX, p.SY); err != nil {
			return err
		}
	}
	return nil
}
