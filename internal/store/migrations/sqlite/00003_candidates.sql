-- +goose Up
CREATE TABLE candidates (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    posting_id        INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    email             TEXT NOT NULL,
    phone             TEXT NOT NULL DEFAULT '',
    source            TEXT NOT NULL CHECK (source IN ('manual', 'greenhouse')),
    status            TEXT NOT NULL CHECK (status IN ('sent', 'started', 'completed')),
    token_hash        TEXT UNIQUE,
    token_sealed      TEXT NOT NULL DEFAULT '',
    expires_at        INTEGER NOT NULL,
    extra_time_pct    INTEGER NOT NULL DEFAULT 0,
    attempt_id        INTEGER,
    score             REAL,
    recommendation    TEXT NOT NULL DEFAULT '',
    started_at        INTEGER,
    completed_at      INTEGER,
    erased_at         INTEGER,
    gh_test_id        TEXT,
    gh_candidate_id   TEXT NOT NULL DEFAULT '',
    gh_application_id TEXT NOT NULL DEFAULT '',
    gh_profile_url    TEXT NOT NULL DEFAULT '',
    gh_callback_url   TEXT NOT NULL DEFAULT '',
    gh_sent_by        TEXT NOT NULL DEFAULT '',
    created_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (org_id, gh_test_id)
);
-- The list pages filter by posting and sort by one of these columns.
CREATE INDEX candidates_posting_created ON candidates(posting_id, created_at, id);
CREATE INDEX candidates_posting_name ON candidates(posting_id, (LOWER(last_name || ' ' || first_name)), id);
CREATE INDEX candidates_posting_score ON candidates(posting_id, score, id);
CREATE INDEX candidates_posting_expires ON candidates(posting_id, expires_at, id);
CREATE INDEX candidates_posting_status ON candidates(posting_id, status, expires_at);
CREATE INDEX candidates_org_created ON candidates(org_id, created_at, id);

CREATE TABLE retired_tokens (
    token_hash   TEXT PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE attempts (
    id                  INTEGER PRIMARY KEY,
    candidate_id        INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    posting_version     INTEGER NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted', 'reset')),
    position            INTEGER NOT NULL DEFAULT 0,
    started_at          INTEGER NOT NULL,
    deadline_at         INTEGER,
    section             TEXT NOT NULL DEFAULT '',
    section_deadline_at INTEGER,
    submitted_at        INTEGER,
    submit_reason       TEXT NOT NULL DEFAULT '',
    result              TEXT NOT NULL DEFAULT '',
    score               REAL,
    recommendation      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attempts_candidate ON attempts(candidate_id);

CREATE TABLE answers (
    attempt_id    INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_key  TEXT NOT NULL,
    answer        TEXT NOT NULL DEFAULT '',
    viewed_at     INTEGER,
    answered_at   INTEGER,
    time_spent_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (attempt_id, question_key)
);

CREATE TABLE uploads (
    attempt_id   INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_key TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, question_key)
);

CREATE TABLE score_overrides (
    id             INTEGER PRIMARY KEY,
    attempt_id     INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_key   TEXT NOT NULL,
    level          INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    original_level INTEGER NOT NULL,
    note           TEXT NOT NULL,
    user_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    user_name      TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX score_overrides_attempt ON score_overrides(attempt_id, question_key, id);

-- +goose Down
DROP TABLE score_overrides;
DROP TABLE uploads;
DROP TABLE answers;
DROP TABLE attempts;
DROP TABLE retired_tokens;
DROP TABLE candidates;
