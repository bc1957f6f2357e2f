-- +goose Up
-- API keys of the Greenhouse Assessment Partner API. Only the SHA-256 of a key
-- is stored for authentication; key_sealed keeps the active key encrypted under
-- the server's secret key so that the completion callback can present it to
-- Greenhouse. Rotated and revoked keys keep their row (without the sealed key)
-- so that a request with an old key can be attributed and explained.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    key_sealed   TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('active', 'rotated', 'revoked')),
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    ended_at     INTEGER
);
CREATE UNIQUE INDEX api_keys_one_active ON api_keys(org_id) WHERE status = 'active';
CREATE INDEX api_keys_org ON api_keys(org_id, created_at);

CREATE TABLE greenhouse_settings (
    org_id             INTEGER PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    email_candidates   INTEGER NOT NULL DEFAULT 0,
    setup_requested_at INTEGER,
    setup_requested_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE greenhouse_callbacks (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('completed', 'rescored', 'reset', 'expired')),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'delivered', 'failed', 'superseded')),
    tries        INTEGER NOT NULL DEFAULT 0,
    last_code    INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    next_try_at  INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    delivered_at INTEGER
);
CREATE INDEX greenhouse_callbacks_candidate ON greenhouse_callbacks(candidate_id, id);
CREATE INDEX greenhouse_callbacks_org ON greenhouse_callbacks(org_id, created_at);
CREATE INDEX greenhouse_callbacks_status ON greenhouse_callbacks(status, created_at);

CREATE TABLE greenhouse_events (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    ok         INTEGER NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX greenhouse_events_org ON greenhouse_events(org_id, created_at);

CREATE TABLE greenhouse_response_errors (
    id                   INTEGER PRIMARY KEY,
    org_id               INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    api_call             TEXT NOT NULL,
    errors               TEXT NOT NULL,
    partner_test_id      TEXT NOT NULL DEFAULT '',
    partner_test_name    TEXT NOT NULL DEFAULT '',
    partner_interview_id TEXT NOT NULL DEFAULT '',
    candidate_email      TEXT NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL
);
CREATE INDEX greenhouse_response_errors_org ON greenhouse_response_errors(org_id, created_at);

-- +goose Down
DROP TABLE greenhouse_response_errors;
DROP TABLE greenhouse_events;
DROP TABLE greenhouse_callbacks;
DROP TABLE greenhouse_settings;
DROP TABLE api_keys;
