-- +goose Up
-- Per-result rows: each stored result's question levels and competency
-- scores, rewritten by store.UpdateAttempt in the transaction that stores the
-- result (scoring, override, review, reset, erase), so the analytics, the
-- comparison and the export aggregate and join them instead of decoding the
-- result's JSON row by row. Existing results are copied here once, in SQL.
CREATE TABLE result_questions (
    attempt_id   BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_key TEXT NOT NULL,
    level        BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, question_key)
);
CREATE TABLE result_competencies (
    attempt_id     BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    competency_key TEXT NOT NULL,
    name           TEXT NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (attempt_id, competency_key)
);
-- DISTINCT ON keeps the last entry of a key, as decoding into a map does.
INSERT INTO result_questions (attempt_id, question_key, level)
SELECT DISTINCT ON (a.id, q.e->>'key') a.id, q.e->>'key', (q.e->>'level')::BIGINT
FROM attempts a, jsonb_array_elements(CASE WHEN jsonb_typeof(a.result::jsonb->'questions') = 'array' THEN a.result::jsonb->'questions' ELSE '[]'::jsonb END) WITH ORDINALITY AS q(e, i)
WHERE a.result <> ''
ORDER BY a.id, q.e->>'key', q.i DESC;
INSERT INTO result_competencies (attempt_id, competency_key, name, score)
SELECT DISTINCT ON (a.id, c.e->>'key') a.id, c.e->>'key', COALESCE(c.e->>'name', ''), (c.e->>'score')::DOUBLE PRECISION
FROM attempts a, jsonb_array_elements(CASE WHEN jsonb_typeof(a.result::jsonb->'competencies') = 'array' THEN a.result::jsonb->'competencies' ELSE '[]'::jsonb END) WITH ORDINALITY AS c(e, i)
WHERE a.result <> ''
ORDER BY a.id, c.e->>'key', c.i DESC;

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

-- Completed, scored candidates per posting and score: a rank is the sum of
-- the counts above a score (at most 1 001 rows a posting: scores have one
-- decimal), so percentiles, the comparison and the export's ranks do not
-- count the posting's candidates.
CREATE TABLE score_counts (
    posting_id BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    score      DOUBLE PRECISION NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (posting_id, score)
);
INSERT INTO score_counts (posting_id, score, n)
SELECT posting_id, score, COUNT(*) FROM candidates WHERE status = 'completed' AND score IS NOT NULL GROUP BY 1, 2;

-- +goose StatementBegin
-- A change locks at most two rows of each counter table, always in the
-- order of their keys (candidate_counts first), so transactions that change
-- one candidate each cannot deadlock on them.
CREATE FUNCTION candidate_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_bucket BIGINT;
    new_bucket BIGINT;
    dec BOOLEAN := FALSE;
    inc BOOLEAN := FALSE;
    sdec BOOLEAN := FALSE;
    sinc BOOLEAN := FALSE;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_bucket := CASE WHEN OLD.status = 'sent' THEN OLD.expires_at / 86400000000 ELSE 0 END;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        new_bucket := CASE WHEN NEW.status = 'sent' THEN NEW.expires_at / 86400000000 ELSE 0 END;
    END IF;
    IF TG_OP = 'INSERT' THEN
        inc := TRUE;
        sinc := NEW.status = 'completed' AND NEW.score IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        dec := TRUE;
        sdec := OLD.status = 'completed' AND OLD.score IS NOT NULL;
    ELSE
        dec := OLD.status IS DISTINCT FROM NEW.status OR OLD.posting_id IS DISTINCT FROM NEW.posting_id OR old_bucket IS DISTINCT FROM new_bucket;
        inc := dec;
        sdec := OLD.status = 'completed' AND OLD.score IS NOT NULL AND (NEW.status IS DISTINCT FROM 'completed'
            OR NEW.score IS DISTINCT FROM OLD.score OR NEW.posting_id IS DISTINCT FROM OLD.posting_id);
        sinc := NEW.status = 'completed' AND NEW.score IS NOT NULL AND (OLD.status IS DISTINCT FROM 'completed'
            OR OLD.score IS DISTINCT FROM NEW.score OR OLD.posting_id IS DISTINCT FROM NEW.posting_id);
    END IF;
    IF dec AND inc AND (NEW.posting_id, NEW.status, new_bucket) < (OLD.posting_id, OLD.status, old_bucket) THEN
        INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
        VALUES (NEW.posting_id, NEW.org_id, NEW.status, new_bucket, NEW.id % 16, 1)
        ON CONFLICT (posting_id, status, bucket, shard) DO UPDATE SET n = candidate_counts.n + 1;
        inc := FALSE;
    END IF;
    IF dec THEN
        UPDATE candidate_counts SET n = n - 1
        WHERE posting_id = OLD.posting_id AND status = OLD.status AND bucket = old_bucket AND shard = OLD.id % 16;
    END IF;
    IF inc THEN
        INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
        VALUES (NEW.posting_id, NEW.org_id, NEW.status, new_bucket, NEW.id % 16, 1)
        ON CONFLICT (posting_id, status, bucket, shard) DO UPDATE SET n = candidate_counts.n + 1;
    END IF;
    IF sdec AND sinc AND (NEW.posting_id, NEW.score) < (OLD.posting_id, OLD.score) THEN
        INSERT INTO score_counts (posting_id, score, n) VALUES (NEW.posting_id, NEW.score, 1)
        ON CONFLICT (posting_id, score) DO UPDATE SET n = score_counts.n + 1;
        sinc := FALSE;
    END IF;
    IF sdec THEN
        UPDATE score_counts SET n = n - 1 WHERE posting_id = OLD.posting_id AND score = OLD.score;
    END IF;
    IF sinc THEN
        INSERT INTO score_counts (posting_id, score, n) VALUES (NEW.posting_id, NEW.score, 1)
        ON CONFLICT (posting_id, score) DO UPDATE SET n = score_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER candidate_counts_change AFTER INSERT OR DELETE OR UPDATE OF status, expires_at, posting_id, score ON candidates
    FOR EACH ROW EXECUTE FUNCTION candidate_counts_change();

-- The overview's weekly activity counts completions by organization and
-- time; the expired counts of the postings list read today's lapsing links.
CREATE INDEX candidates_org_completed ON candidates(org_id, completed_at);
CREATE INDEX candidates_org_status ON candidates(org_id, status, expires_at);
-- The list sorts by score (and percentile) as COALESCE(score, -1), so that
-- unscored candidates sort the same on both databases.
CREATE INDEX candidates_posting_score_sort ON candidates(posting_id, (COALESCE(score, -1)), id);

-- +goose Down
DROP INDEX candidates_posting_score_sort;
DROP INDEX candidates_org_status;
DROP INDEX candidates_org_completed;
DROP TRIGGER candidate_counts_change ON candidates;
DROP FUNCTION candidate_counts_change();
DROP TABLE score_counts;
DROP TABLE candidate_counts;
DROP TABLE result_competencies;
DROP TABLE result_questions;
