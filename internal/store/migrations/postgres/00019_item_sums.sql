-- +goose Up
-- Running sums of the item analysis per posting version, so the posting
-- analytics without a date range read a few rows instead of the posting's
-- scored candidates. An attempt counts while its candidate is completed and
-- scored with it as the current attempt and it has a result (the set
-- store.ItemSums scans). item_attempts and item_attempt_values are what each
-- counted attempt added (its question levels, kind 'L', and answer times,
-- kind 'T'), so store.SyncItemSums subtracts exactly that whatever changed
-- since, then adds the attempt's current rows if it still counts.
CREATE TABLE item_attempts (
    attempt_id   BIGINT PRIMARY KEY,
    candidate_id BIGINT NOT NULL,
    posting_id   BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    version      BIGINT NOT NULL
);
CREATE INDEX item_attempts_candidate ON item_attempts(candidate_id);
CREATE TABLE item_attempt_values (
    attempt_id   BIGINT NOT NULL REFERENCES item_attempts(attempt_id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    question_key TEXT NOT NULL,
    value        BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, kind, question_key)
);
-- Per version: counted attempts.
CREATE TABLE item_counts (
    posting_id BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
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

INSERT INTO item_attempts (attempt_id, candidate_id, posting_id, version)
SELECT a.id, c.id, c.posting_id, a.posting_version FROM candidates c JOIN attempts a ON a.id = c.attempt_id
WHERE c.status = 'completed' AND c.score IS NOT NULL AND a.result <> '';
INSERT INTO item_attempt_values (attempt_id, kind, question_key, value)
SELECT rq.attempt_id, 'L', rq.question_key, rq.level FROM item_attempts ia JOIN result_questions rq ON rq.attempt_id = ia.attempt_id;
INSERT INTO item_attempt_values (attempt_id, kind, question_key, value)
SELECT an.attempt_id, 'T', an.question_key, an.time_spent_ms FROM item_attempts ia JOIN answers an ON an.attempt_id = ia.attempt_id;
INSERT INTO item_counts (posting_id, version, n)
SELECT posting_id, version, COUNT(*) FROM item_attempts GROUP BY posting_id, version;
INSERT INTO item_sums (posting_id, version, key_i, key_j, n, sxy, sx, sy)
SELECT ia.posting_id, ia.version, x.question_key, y.question_key, COUNT(*), SUM(x.value * y.value), SUM(x.value), SUM(y.value)
FROM item_attempts ia JOIN item_attempt_values x ON x.attempt_id = ia.attempt_id AND x.kind = 'L'
JOIN item_attempt_values y ON y.attempt_id = ia.attempt_id AND y.kind = 'L' AND x.question_key <= y.question_key
GROUP BY ia.posting_id, ia.version, x.question_key, y.question_key;
INSERT INTO item_times (posting_id, version, question_key, n, total_ms)
SELECT ia.posting_id, ia.version, t.question_key, COUNT(*), SUM(t.value)
FROM item_attempts ia JOIN item_attempt_values t ON t.attempt_id = ia.attempt_id AND t.kind = 'T'
GROUP BY ia.posting_id, ia.version, t.question_key;

-- +goose Down
DROP TABLE item_times;
DROP TABLE item_sums;
DROP TABLE item_counts;
DROP TABLE item_attempt_values;
DROP TABLE item_attempts;
