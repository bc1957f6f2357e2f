-- +goose Up
CREATE TABLE postings (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    public_id       TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'active', 'closed')),
    title           TEXT NOT NULL,
    assessment_type TEXT NOT NULL DEFAULT '',
    department      TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    document        TEXT NOT NULL,
    revision        INTEGER NOT NULL DEFAULT 1,
    version         INTEGER NOT NULL DEFAULT 0,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    published_at    INTEGER
);
CREATE INDEX postings_org ON postings(org_id, status, updated_at);

CREATE TABLE posting_versions (
    id         INTEGER PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (posting_id, version)
);

-- +goose Down
DROP TABLE posting_versions;
DROP TABLE postings;
