-- +goose Up
-- Human review of open answers (docs/scoring.md). Kept in tables of their
-- own, beside the posting's JSON document and the attempt row, so that the
-- posting import/export format is unchanged.

-- How a posting's open answers are reviewed: never, when flagged (a low
-- confidence or a raised integrity signal; the default) or always, and by
-- how many reviewers. A posting without a row uses the defaults.
CREATE TABLE posting_review_settings (
    posting_id BIGINT PRIMARY KEY REFERENCES postings(id) ON DELETE CASCADE,
    mode       TEXT NOT NULL DEFAULT 'flagged' CHECK (mode IN ('never', 'flagged', 'always')),
    reviewers  INTEGER NOT NULL DEFAULT 1 CHECK (reviewers BETWEEN 1 AND 5)
);

-- What the candidate's page script recorded while an answer was written
-- (scoring.Activity as JSON): paste sizes and focus-lost durations.
CREATE TABLE answer_activity (
    attempt_id   BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_key TEXT NOT NULL,
    activity     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (attempt_id, question_key)
);

-- The integrity signals of each open answer, computed at submission, and
-- whether (and by how many reviewers) the answer must be reviewed.
CREATE TABLE answer_checks (
    attempt_id   BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_key TEXT NOT NULL,
    signals      TEXT NOT NULL DEFAULT '',
    needs_review BOOLEAN NOT NULL DEFAULT FALSE,
    reviewers    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (attempt_id, question_key)
);

-- One reviewer's level for one open answer.
CREATE TABLE answer_reviews (
    id           BIGSERIAL PRIMARY KEY,
    attempt_id   BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_key TEXT NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_name    TEXT NOT NULL,
    level        INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    note         TEXT NOT NULL DEFAULT '',
    blind        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    UNIQUE (attempt_id, question_key, user_id)
);

-- An organization may send Greenhouse the provisional score at once.
CREATE TABLE org_review_settings (
    org_id      BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    provisional BOOLEAN NOT NULL DEFAULT FALSE
);

-- +goose Down
DROP TABLE org_review_settings;
DROP TABLE answer_reviews;
DROP TABLE answer_checks;
DROP TABLE answer_activity;
DROP TABLE posting_review_settings;
