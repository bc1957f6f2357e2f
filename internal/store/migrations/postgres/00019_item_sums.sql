-- +goose Up
-- Running sums of the posting analytics and the item analysis, so that
-- without a date range they read a few rows instead of the posting's scored
-- candidates. An attempt counts while its candidate is completed and scored
-- with it as the current attempt; its levels, answer times and competency
-- scores count when it also has a result (the set store.ItemSums scans).
-- item_attempts, item_attempt_values and item_attempt_competencies are what
-- each counted attempt added (question levels, kind 'L', and answer times,
-- kind 'T'), so store.SyncItemSums subtracts exactly that whatever changed
-- since, then adds the attempt's current rows if it still counts.
CREATE TABLE item_attempts (
    attempt_id   BIGINT PRIMARY KEY,
    candidate_id BIGINT NOT NULL,
    posting_id   BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    has_result   BIGINT NOT NULL
);
CREATE INDEX item_attempts_candidate ON item_attempts(candidate_id);
CREATE TABLE item_attempt_values (
    attempt_id   BIGINT NOT NULL REFERENCES item_attempts(attempt_id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    question_key TEXT NOT NULL,
    value        BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, kind, question_key)
);
CREATE TABLE item_attempt_competencies (
    attempt_id     BIGINT NOT NULL REFERENCES item_attempts(attempt_id) ON DELETE CASCADE,
    competency_key TEXT NOT NULL,
    name           TEXT NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (attempt_id, competency_key)
);
-- Per version: scored candidates (scored) and those with a result (n).
CREATE TABLE item_counts (
    posting_id BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    scored     BIGINT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (posting_id, version)
);
-- Per pair of question keys (key_i <= key_j, the same row for i = j): how
-- many counted attempts have both levels, and the sums of their product and
-- of each level over those attempts.
CREATE TABLE item_sums (
    posting_id BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    key_i      TEXT NOT NULL,
    key_j      TEXT NOT NULL,
    n          BIGINT NOT NULL,
    sxy        BIGINT NOT NULL,
    sx         BIGINT NOT NULL,
    sy         BIGINT NOT NULL,
    PRIMARY KEY (posting_id, version, key_i, key_j)
);
-- Per question: answers of counted attempts and the sum of their times.
CREATE TABLE item_times (
    posting_id   BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    question_key TEXT NOT NULL,
    n            BIGINT NOT NULL,
    total_ms     BIGINT NOT NULL,
    PRIMARY KEY (posting_id, version, question_key)
);
-- Per posting, competency, name and score: how many scored candidates' results
-- have it (scores have one decimal, so a few hundred rows a competency).
CREATE TABLE competency_counts (
    posting_id     BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    competency_key TEXT NOT NULL,
    name           TEXT NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    n              BIGINT NOT NULL,
    PRIMARY KEY (posting_id, competency_key, name, score)
);

INSERT INTO item_attempts (attempt_id, candidate_id, posting_id, version, has_result)
SELECT a.id, c.id, c.posting_id, a.posting_version, CASE WHEN a.result <> '' THEN 1 ELSE 0 END
FROM candidates c JOIN attempts a ON a.id = c.attempt_id
WHERE c.status = 'completed' AND c.score IS NOT NULL;
INSERT INTO item_attempt_values (attempt_id, kind, question_key, value)
SELECT rq.attempt_id, 'L', rq.question_key, rq.level FROM item_attempts ia JOIN result_questions rq ON rq.attempt_id = ia.attempt_id
WHERE ia.has_result = 1;
INSERT INTO item_attempt_values (attempt_id, kind, question_key, value)
SELECT an.attempt_id, 'T', an.question_key, an.time_spent_ms FROM item_attempts ia JOIN answers an ON an.attempt_id = ia.attempt_id
WHERE ia.has_result = 1;
INSERT INTO item_attempt_competencies (attempt_id, competency_key, name, score)
SELECT rc.attempt_id, rc.competency_key, rc.name, rc.score FROM item_attempts ia JOIN result_competencies rc ON rc.attempt_id = ia.attempt_id;
INSERT INTO item_counts (posting_id, version, scored, n)
SELECT posting_id, version, COUNT(*), SUM(has_result) FROM item_attempts GROUP BY posting_id, version;
INSERT INTO competency_counts (posting_id, competency_key, name, score, n)
SELECT ia.posting_id, x.competency_key, x.name, x.score, COUNT(*)
FROM item_attempts ia JOIN item_attempt_competencies x ON x.attempt_id = ia.attempt_id
GROUP BY ia.posting_id, x.competency_key, x.name, x.score;
INSERT INTO item_sums (posting_id, version, key_i, key_j, n, sxy, sx, sy)
SELECT ia.posting_id, ia.version, x.question_key, y.question_key, COUNT(*), SUM(x.value * y.value), SUM(x.value), SUM(y.value)
FROM item_attempts ia JOIN item_attempt_values x ON x.attempt_id = ia.attempt_id AND x.kind = 'L'
JOIN item_attempt_values y ON y.attempt_id = ia.attempt_id AND y.kind = 'L' AND x.question_key <= y.question_key
GROUP BY ia.posting_id, ia.version, x.question_key, y.question_key;
INSERT INTO item_times (posting_id, version, question_key, n, total_ms)
SELECT ia.posting_id, ia.version, t.question_key, COUNT(*), SUM(t.value)
FROM item_attempts ia JOIN item_attempt_values t ON t.attempt_id = ia.attempt_id AND t.kind = 'T'
GROUP BY ia.posting_id, ia.version, t.question_key;

-- Completed, scored candidates per posting and recommendation, kept by a
-- trigger like score_counts: the recommendation split without a range. It
-- fires after candidate_counts_change (triggers fire in name order) and
-- locks its rows in key order, so the lock order stays the same.
CREATE TABLE recommendation_counts (
    posting_id     BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    recommendation TEXT NOT NULL,
    n              BIGINT NOT NULL,
    PRIMARY KEY (posting_id, recommendation)
);
INSERT INTO recommendation_counts (posting_id, recommendation, n)
SELECT posting_id, recommendation, COUNT(*) FROM candidates WHERE status = 'completed' AND score IS NOT NULL GROUP BY 1, 2;

-- +goose StatementBegin
CREATE FUNCTION recommendation_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    dec BOOLEAN := FALSE;
    inc BOOLEAN := FALSE;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        dec := OLD.status = 'completed' AND OLD.score IS NOT NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        inc := NEW.status = 'completed' AND NEW.score IS NOT NULL;
    END IF;
    IF dec AND inc AND OLD.posting_id = NEW.posting_id AND OLD.recommendation = NEW.recommendation THEN
        RETURN NULL;
    END IF;
    IF dec AND inc AND (NEW.posting_id, NEW.recommendation) < (OLD.posting_id, OLD.recommendation) THEN
        INSERT INTO recommendation_counts (posting_id, recommendation, n) VALUES (NEW.posting_id, NEW.recommendation, 1)
        ON CONFLICT (posting_id, recommendation) DO UPDATE SET n = recommendation_counts.n + 1;
        inc := FALSE;
    END IF;
    IF dec THEN
        UPDATE recommendation_counts SET n = n - 1 WHERE posting_id = OLD.posting_id AND recommendation = OLD.recommendation;
    END IF;
    IF inc THEN
        INSERT INTO recommendation_counts (posting_id, recommendation, n) VALUES (NEW.posting_id, NEW.recommendation, 1)
        ON CONFLICT (posting_id, recommendation) DO UPDATE SET n = recommendation_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER recommendation_counts_change AFTER INSERT OR DELETE OR UPDATE OF status, score, recommendation, posting_id ON candidates
    FOR EACH ROW EXECUTE FUNCTION recommendation_counts_change();

-- The median and p90 of each funnel step without a date range: the
-- posting's durations in order, read at a rank by OFFSET on the index
-- instead of sorting the posting's candidates (store.StepQuantiles). The
-- columns of the expression and the condition are in the index too, so that
-- it covers the count and the ranks.
CREATE INDEX candidates_step_start ON candidates(posting_id, (started_at - created_at), created_at, started_at)
    WHERE started_at IS NOT NULL;
CREATE INDEX candidates_step_complete ON candidates(posting_id, (completed_at - started_at), started_at, completed_at, status)
    WHERE status = 'completed' AND started_at IS NOT NULL AND completed_at IS NOT NULL;

-- +goose Down
DROP INDEX candidates_step_complete;
DROP INDEX candidates_step_start;
DROP TRIGGER recommendation_counts_change ON candidates;
DROP FUNCTION recommendation_counts_change();
DROP TABLE recommendation_counts;
DROP TABLE competency_counts;
DROP TABLE item_times;
DROP TABLE item_sums;
DROP TABLE item_counts;
DROP TABLE item_attempt_competencies;
DROP TABLE item_attempt_values;
DROP TABLE item_attempts;
