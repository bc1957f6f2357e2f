package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// CheckDerived compares the tables derived from others with a recount from
// their sources, and returns an error naming each difference: the per-result
// rows and result_lines against every attempt's decoded result, candidate_counts and
// score_counts against the candidates, attempt_times against the answers,
// analytics_counts against the candidates and stored outcomes, the running
// item sums (item_counts,
// item_sums, item_times) against the scored candidates' levels and answers. Tests call it after the changes that
// must keep them in step; an operator may run it too.
func CheckDerived(ctx context.Context, q Querier) error {
	var diffs []string
	// Per-result rows against the decoded results.
	facts := map[int64]map[string]string{}
	load := func(query string) error {
		rows, err := q.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var k, v string
			if err := rows.Scan(&id, &k, &v); err != nil {
				return err
			}
			if facts[id] == nil {
				facts[id] = map[string]string{}
			}
			facts[id][k] = v
		}
		return rows.Err()
	}
	if err := load(`SELECT attempt_id, 'q:' || question_key, CAST(level AS TEXT) FROM result_questions`); err != nil {
		return fmt.Errorf("store: check derived: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT attempt_id, 'c:' || competency_key, name, score FROM result_competencies`)
	if err != nil {
		return fmt.Errorf("store: check derived: %w", err)
	}
	for rows.Next() {
		var id int64
		var k, name string
		var score float64
		if err := rows.Scan(&id, &k, &name, &score); err != nil {
			rows.Close()
			return fmt.Errorf("store: check derived: %w", err)
		}
		if facts[id] == nil {
			facts[id] = map[string]string{}
		}
		facts[id][k] = fmt.Sprintf("%s=%v", name, score)
	}
	rows.Close()
	lines := map[int64]map[string]float64{}
	rows, err = q.QueryContext(ctx, `SELECT attempt_id, levels, scores FROM result_lines`)
	if err != nil {
		return fmt.Errorf("store: check derived: %w", err)
	}
	for rows.Next() {
		var id int64
		var levels, scores string
		if err := rows.Scan(&id, &levels, &scores); err != nil {
			rows.Close()
			return fmt.Errorf("store: check derived: %w", err)
		}
		m := map[string]float64{}
		eachInLine(levels, func(k string, v float64) { m["q:"+k] = v })
		eachInLine(scores, func(k string, v float64) { m["c:"+k] = v })
		lines[id] = m
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT id, result FROM attempts`)
	if err != nil {
		return fmt.Errorf("store: check derived: %w", err)
	}
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		var raw string
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return fmt.Errorf("store: check derived: %w", err)
		}
		seen[id] = true
		want := map[string]string{}
		var r resultFacts
		if raw != "" {
			if err := json.Unmarshal([]byte(raw), &r); err != nil {
				diffs = append(diffs, fmt.Sprintf("attempt %d: result does not decode: %v", id, err))
				continue
			}
			for _, x := range r.Questions {
				want["q:"+x.Key] = fmt.Sprint(x.Level)
			}
			for _, x := range r.Competencies {
				want["c:"+x.Key] = fmt.Sprintf("%s=%v", x.Name, x.Score)
			}
		}
		line, wantLine := lines[id], map[string]float64{}
		delete(lines, id)
		for _, x := range r.Questions {
			wantLine["q:"+x.Key] = float64(x.Level) // the last of a key given twice, as WriteResultFacts keeps
		}
		for _, x := range r.Competencies {
			wantLine["c:"+x.Key] = x.Score
		}
		for k, v := range wantLine {
			if got, ok := line[k]; !ok || math.Abs(got-v) > 1e-9*math.Max(1, math.Abs(v)) {
				diffs = append(diffs, fmt.Sprintf("attempt %d result_lines %s: line says %v (%v), result says %v", id, k, got, ok, v))
			}
		}
		for k, v := range line {
			if _, ok := wantLine[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("attempt %d result_lines %s: line says %v, result has none", id, k, v))
			}
		}
		got := facts[id]
		for k, v := range want {
			if got[k] != v {
				diffs = append(diffs, fmt.Sprintf("attempt %d %s: rows say %q, result says %q", id, k, got[k], v))
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("attempt %d %s: rows say %q, result has none", id, k, v))
			}
		}
	}
	rows.Close()
	for id := range lines {
		diffs = append(diffs, fmt.Sprintf("attempt %d: result line without an attempt", id))
	}
	for id := range facts {
		if !seen[id] {
			diffs = append(diffs, fmt.Sprintf("attempt %d: rows without an attempt", id))
		}
	}
	// Counters against recounts.
	for _, c := range append([]derivedCheck{
		// Summed over shards: on PostgreSQL a candidate is counted in its
		// transaction's shard, not one its id says (migration 00020).
		{"candidate_counts", `SELECT posting_id || ' ' || status || ' ' || bucket, CAST(SUM(n) AS BIGINT) FROM candidate_counts
GROUP BY posting_id, status, bucket HAVING SUM(n) <> 0`,
			`SELECT posting_id || ' ' || status || ' ' || (CASE WHEN status = 'sent' THEN expires_at / 86400000000 ELSE 0 END), COUNT(*)
FROM candidates GROUP BY posting_id, status, CASE WHEN status = 'sent' THEN expires_at / 86400000000 ELSE 0 END`},
		{"score_counts", `SELECT posting_id || ' ' || CAST(score AS TEXT), n FROM score_counts WHERE n <> 0`,
			`SELECT posting_id || ' ' || CAST(score AS TEXT), COUNT(*) FROM candidates WHERE status = 'completed' AND score IS NOT NULL GROUP BY posting_id, score`},
		{"analytics_counts", `SELECT posting_id || ' ' || kind || ' ' || k, CAST(SUM(n) AS BIGINT) FROM analytics_counts
GROUP BY posting_id, kind, k HAVING SUM(n) <> 0`,
			`SELECT posting_id || ' ' || kind || ' ' || k, COUNT(*) FROM (` + analyticsRows + `) x GROUP BY posting_id, kind, k`},
		{"attempt_times", `SELECT CAST(attempt_id AS TEXT), total_ms FROM attempt_times WHERE total_ms <> 0`,
			`SELECT CAST(attempt_id AS TEXT), SUM(time_spent_ms) FROM answers GROUP BY attempt_id`},
	}, itemChecks()...) {
		stored, err := countBy(ctx, q, c.stored)
		if err != nil {
			return fmt.Errorf("store: check %s: %w", c.name, err)
		}
		recount, err := countBy(ctx, q, c.recount)
		if err != nil {
			return fmt.Errorf("store: check %s: %w", c.name, err)
		}
		for k, n := range recount {
			if stored[k] != n {
				diffs = append(diffs, fmt.Sprintf("%s %s: %d, recount %d", c.name, k, stored[k], n))
			}
		}
		for k, n := range stored {
			if _, ok := recount[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s %s: %d, recount 0", c.name, k, n))
			}
		}
	}
	if len(diffs) > 0 {
		return errors.New("store: derived tables differ: " + strings.Join(diffs, "; "))
	}
	return nil
}

// derivedCheck is a derived table's rows as key and number (stored) and the
// same from the sources (recount).
type derivedCheck struct{ name, stored, recount string }

// itemChecks recount the running item sums from the scored candidates'
// per-result rows and answers.
func itemChecks() []derivedCheck {
	const scored = `FROM candidates c JOIN attempts a ON a.id = c.attempt_id AND c.status = 'completed' AND c.score IS NOT NULL AND a.result <> ''`
	const candidates = `FROM candidates c JOIN attempts a ON a.id = c.attempt_id AND c.status = 'completed' AND c.score IS NOT NULL`
	out := []derivedCheck{
		{"item_counts.n", `SELECT posting_id || ' ' || version, n FROM item_counts WHERE n <> 0`,
			`SELECT c.posting_id || ' ' || a.posting_version, COUNT(*) ` + scored + ` GROUP BY c.posting_id, a.posting_version`},
		{"item_counts.scored", `SELECT posting_id || ' ' || version, scored FROM item_counts WHERE scored <> 0`,
			`SELECT c.posting_id || ' ' || a.posting_version, COUNT(*) ` + candidates + ` GROUP BY c.posting_id, a.posting_version`},
		{"competency_counts", `SELECT posting_id || ' ' || competency_key || ' ' || name || ' ' || CAST(score AS TEXT), n FROM competency_counts WHERE n <> 0`,
			`SELECT c.posting_id || ' ' || rc.competency_key || ' ' || rc.name || ' ' || CAST(rc.score AS TEXT), COUNT(*) ` + candidates + `
JOIN result_competencies rc ON rc.attempt_id = a.id GROUP BY c.posting_id, rc.competency_key, rc.name, rc.score`},
		{"recommendation_counts", `SELECT posting_id || ' ' || recommendation, n FROM recommendation_counts WHERE n <> 0`,
			`SELECT posting_id || ' ' || recommendation, COUNT(*) FROM candidates WHERE status = 'completed' AND score IS NOT NULL GROUP BY posting_id, recommendation`},
	}
	for _, col := range [][2]string{{"n", "COUNT(*)"}, {"sxy", "SUM(x.level * y.level)"}, {"sx", "SUM(x.level)"}, {"sy", "SUM(y.level)"}} {
		out = append(out, derivedCheck{"item_sums." + col[0],
			`SELECT posting_id || ' ' || version || ' ' || key_i || ' ' || key_j, ` + col[0] + ` FROM item_sums WHERE n <> 0`,
			`SELECT c.posting_id || ' ' || a.posting_version || ' ' || x.question_key || ' ' || y.question_key, ` + col[1] + ` ` + scored + `
JOIN result_questions x ON x.attempt_id = a.id JOIN result_questions y ON y.attempt_id = a.id AND x.question_key <= y.question_key
GROUP BY c.posting_id, a.posting_version, x.question_key, y.question_key`})
	}
	for _, col := range [][2]string{{"n", "COUNT(*)"}, {"total_ms", "SUM(an.time_spent_ms)"}} {
		out = append(out, derivedCheck{"item_times." + col[0],
			`SELECT posting_id || ' ' || version || ' ' || question_key, ` + col[0] + ` FROM item_times WHERE n <> 0`,
			`SELECT c.posting_id || ' ' || a.posting_version || ' ' || an.question_key, ` + col[1] + ` ` + scored + `
JOIN answers an ON an.attempt_id = a.id GROUP BY c.posting_id, a.posting_version, an.question_key`})
	}
	return out
}
