-- +goose Up
-- The Harvest API connection of an organization: the OAuth token pair,
-- sealed under the server's secret key. Refreshes lock the row (SELECT … FOR
-- UPDATE) so that one instance at a time spends the single-use refresh token.
CREATE TABLE harvest_connections (
    org_id             BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    status             TEXT NOT NULL CHECK (status IN ('connected', 'reconnect')),
    access_sealed      TEXT NOT NULL,
    refresh_sealed     TEXT NOT NULL,
    access_expires_at  BIGINT NOT NULL,
    refresh_expires_at BIGINT NOT NULL,
    scopes             TEXT NOT NULL,
    connected_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    connected_by_name  TEXT NOT NULL,
    connected_at       BIGINT NOT NULL,
    refreshed_at       BIGINT,
    reason             TEXT NOT NULL DEFAULT '',
    updated_at         BIGINT NOT NULL
);

-- OAuth states in flight: bound to the browser session that started the
-- connection, single use, short lived. Only a hash of the state is kept.
CREATE TABLE harvest_oauth_states (
    state_hash   TEXT PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_hash TEXT NOT NULL,
    expires_at   BIGINT NOT NULL
);

-- Greenhouse jobs imported as postings: one posting per job and
-- organization, whatever the clicks, tabs or instances.
CREATE TABLE harvest_imports (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    gh_job_id  BIGINT NOT NULL,
    posting_id BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, gh_job_id)
);

-- Notes pushed to Greenhouse candidates: links and results. A push is keyed
-- by candidate, kind and fingerprint, so the same link or result is never
-- recorded (and posted) twice.
CREATE TABLE harvest_pushes (
    id              BIGSERIAL PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    candidate_id    BIGINT NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('link', 'result')),
    content_hash    TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'pushed', 'failed', 'cancelled', 'superseded')),
    tries           BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    note_id         BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    pushed_at       BIGINT,
    UNIQUE (candidate_id, kind, fingerprint)
);
CREATE INDEX harvest_pushes_org ON harvest_pushes(org_id, status);

-- Application outcomes read from Greenhouse, for analytics. Read only: the
-- product never moves candidates between stages.
CREATE TABLE harvest_outcomes (
    org_id            BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    gh_application_id BIGINT NOT NULL,
    gh_candidate_id   BIGINT NOT NULL,
    gh_job_id         BIGINT NOT NULL,
    status            TEXT NOT NULL,
    stage             TEXT NOT NULL DEFAULT '',
    rejected_at       BIGINT,
    hired_at          BIGINT,
    fetched_at        BIGINT NOT NULL,
    PRIMARY KEY (org_id, gh_application_id)
);

-- +goose Down
DROP TABLE harvest_outcomes;
DROP TABLE harvest_pushes;
DROP TABLE harvest_imports;
DROP TABLE harvest_oauth_states;
DROP TABLE harvest_connections;
