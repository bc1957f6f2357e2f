-- +goose Up
-- Per-result rows: each stored result's question levels and competency
-- scores, rewritten by store.UpdateAttempt in the transaction that stores the
-- result (scoring, override, review, reset, erase), so the analytics, the
-- comparison and the export aggregate and join them instead of decoding the
-- result's JSON row by row. Existing results are copied here once, in SQL.
CREATE TABLE result_questions (
    attempt_id   INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_key TEXT NOT NULL,
    level        INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, question_key)
);
CREATE TABLE result_competencies (
    attempt_id     INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    competency_key TEXT NOT NULL,
    name           TEXT NOT NULL,
    score          REAL NOT NULL,
    PRIMARY KEY (attempt_id, competency_key)
);
INSERT INTO result_questions (attempt_id, question_key, level)
SELECT a.id, json_extract(q.value, '$.key'), json_extract(q.value, '$.level')
FROM attempts a, json_each(a.result, '$.questions') q
WHERE a.result <> '' AND json_type(a.result, '$.questions') = 'array'
ON CONFLICT (attempt_id, question_key) DO UPDATE SET level = excluded.level;
INSERT INTO result_competencies (attempt_id, competency_key, name, score)
SELECT a.id, json_extract(c.value, '$.key'), COALESCE(json_extract(c.value, '$.name'), ''), json_extract(c.value, '$.score')
FROM attempts a, json_each(a.result, '$.competencies') c
WHERE a.result <> '' AND json_type(a.result, '$.competencies') = 'array'
ON CONFLICT (attempt_id, competency_key) DO UPDATE SET name = excluded.name, score = excluded.score;

-- Candidates per posting and stored status, kept by triggers in the
-- transaction of every insert, status change and delete. A sent candidate is
-- counted in the day (UTC, µs / 86 400 000 000) its link lapses, so the
-- expired count is the days before today plus an index range count of
-- today's; shard (id % 16) spreads concurrent creates, and a long transaction's, over sixteen rows.
CREATE TABLE candidate_counts (
    posting_id BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    org_id     BIGINT NOT NULL,
    status     TEXT NOT NULL,
    bucket     BIGINT NOT NULL,
    shard      BIGINT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (posting_id, status, bucket, shard)
);
CREATE INDEX candidate_counts_org ON candidate_counts(org_id, posting_id);
INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
SELECT posting_id, org_id, status, CASE WHEN status = 'sent' THEN expires_at / 86400000000 ELSE 0 END, id % 16, COUNT(*)
FROM candidates GROUP BY 1, 2, 3, 4, 5;

-- +goose StatementBegin
CREATE TRIGGER candidate_counts_insert AFTER INSERT ON candidates BEGIN
    INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
    VALUES (NEW.posting_id, NEW.org_id, NEW.status, CASE WHEN NEW.status = 'sent' THEN NEW.expires_at / 86400000000 ELSE 0 END, NEW.id % 16, 1)
    ON CONFLICT (posting_id, status, bucket, shard) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER candidate_counts_delete AFTER DELETE ON candidates BEGIN
    UPDATE candidate_counts SET n = n - 1
    WHERE posting_id = OLD.posting_id AND status = OLD.status
      AND bucket = CASE WHEN OLD.status = 'sent' THEN OLD.expires_at / 86400000000 ELSE 0 END AND shard = OLD.id % 16;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER candidate_counts_update AFTER UPDATE OF status, expires_at, posting_id ON candidates
WHEN OLD.status IS NOT NEW.status OR OLD.posting_id IS NOT NEW.posting_id
  OR (NEW.status = 'sent' AND OLD.expires_at / 86400000000 IS NOT NEW.expires_at / 86400000000) BEGIN
    UPDATE candidate_counts SET n = n - 1
    WHERE posting_id = OLD.posting_id AND status = OLD.status
      AND bucket = CASE WHEN OLD.status = 'sent' THEN OLD.expires_at / 86400000000 ELSE 0 END AND shard = OLD.id % 16;
    INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
    VALUES (NEW.posting_id, NEW.org_id, NEW.status, CASE WHEN NEW.status = 'sent' THEN NEW.expires_at / 86400000000 ELSE 0 END, NEW.id % 16, 1)
    ON CONFLICT (posting_id, status, bucket, shard) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- Completed, scored candidates per posting and score: a rank is the sum of
-- the counts above a score (at most 1 001 rows a posting: scores have one
-- decimal), so percentiles, the comparison and the export's ranks do not
-- count the posting's candidates.
CREATE TABLE score_counts (
    posting_id BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    score      REAL NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (posting_id, score)
);
INSERT INTO score_counts (posting_id, score, n)
SELECT posting_id, score, COUNT(*) FROM candidates WHERE status = 'completed' AND score IS NOT NULL GROUP BY 1, 2;

-- +goose StatementBegin
CREATE TRIGGER score_counts_insert AFTER INSERT ON candidates
WHEN NEW.status = 'completed' AND NEW.score IS NOT NULL BEGIN
    INSERT INTO score_counts (posting_id, score, n) VALUES (NEW.posting_id, NEW.score, 1)
    ON CONFLICT (posting_id, score) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER score_counts_delete AFTER DELETE ON candidates
WHEN OLD.status = 'completed' AND OLD.score IS NOT NULL BEGIN
    UPDATE score_counts SET n = n - 1 WHERE posting_id = OLD.posting_id AND score = OLD.score;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER score_counts_update_old AFTER UPDATE OF status, score, posting_id ON candidates
WHEN OLD.status = 'completed' AND OLD.score IS NOT NULL
  AND (NEW.status IS NOT 'completed' OR NEW.score IS NOT OLD.score OR NEW.posting_id IS NOT OLD.posting_id) BEGIN
    UPDATE score_counts SET n = n - 1 WHERE posting_id = OLD.posting_id AND score = OLD.score;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER score_counts_update_new AFTER UPDATE OF status, score, posting_id ON candidates
WHEN NEW.status = 'completed' AND NEW.score IS NOT NULL
  AND (OLD.status IS NOT 'completed' OR OLD.score IS NOT NEW.score OR OLD.posting_id IS NOT NEW.posting_id) BEGIN
    INSERT INTO score_counts (posting_id, score, n) VALUES (NEW.posting_id, NEW.score, 1)
    ON CONFLICT (posting_id, score) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- The overview's weekly activity counts completions by organization and
-- time; the expired counts of the postings list read today's lapsing links.
CREATE INDEX candidates_org_completed ON candidates(org_id, completed_at);
CREATE INDEX candidates_org_status ON candidates(org_id, status, expires_at);
-- The list sorts by score (and percentile) as COALESCE(score, -1), so that
-- unscored candidates sort the same on both databases.
CREATE INDEX candidates_posting_score_sort ON candidates(posting_id, COALESCE(score, -1), id);

-- +goose Down
DROP INDEX candidates_posting_score_sort;
DROP INDEX candidates_org_status;
DROP INDEX candidates_org_completed;
DROP TRIGGER score_counts_update_new;
DROP TRIGGER score_counts_update_old;
DROP TRIGGER score_counts_delete;
DROP TRIGGER score_counts_insert;
DROP TABLE score_counts;
DROP TRIGGER candidate_counts_update;
DROP TRIGGER candidate_counts_delete;
DROP TRIGGER candidate_counts_insert;
DROP TABLE candidate_counts;
DROP TABLE result_competencies;
DROP TABLE result_questions;
