package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// CheckDerived compares the tables derived from others with a recount from
// their sources, and returns an error naming each difference: the per-result
// rows against every attempt's decoded result, candidate_counts and
// score_counts against the candidates. Tests call it after the changes that
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
		if raw != "" {
			var r resultFacts
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
	for id := range facts {
		if !seen[id] {
			diffs = append(diffs, fmt.Sprintf("attempt %d: rows without an attempt", id))
		}
	}
	// Counters against recounts.
	for _, c := range []struct{ name, stored, recount string }{
		{"candidate_counts", `SELECT posting_id || ' ' || status || ' ' || bucket || ' ' || shard, n FROM candidate_counts WHERE n <> 0`,
			`SELECT posting_id || ' ' || status || ' ' || (CASE WHEN status = 'sent' THEN expires_at / 86400000000 ELSE 0 END) || ' ' || (id % 16), COUNT(*)
FROM candidates GROUP BY posting_id, status, CASE WHEN status = 'sent' THEN expires_at / 86400000000 ELSE 0 END, id % 16`},
		{"score_counts", `SELECT posting_id || ' ' || CAST(score AS TEXT), n FROM score_counts WHERE n <> 0`,
			`SELECT posting_id || ' ' || CAST(score AS TEXT), COUNT(*) FROM candidates WHERE status = 'completed' AND score IS NOT NULL GROUP BY posting_id, score`},
	} {
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
