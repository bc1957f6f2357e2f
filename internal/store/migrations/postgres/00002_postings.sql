-- +goose Up
CREATE TABLE postings (
    id              BIGSERIAL PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    public_id       TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'active', 'closed')),
    title           TEXT NOT NULL,
    assessment_type TEXT NOT NULL DEFAULT '',
    department      TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    document        TEXT NOT NULL,
    revision        BIGINT NOT NULL DEFAULT 1,
    version         BIGINT NOT NULL DEFAULT 0,
    created_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    published_at    BIGINT
);
CREATE INDEX postings_org ON postings(org_id, status, updated_at);

CREATE TABLE posting_versions (
    id         BIGSERIAL PRIMARY KEY,
    posting_id BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    document   TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (posting_id, version)
);

-- +goose Down
DROP TABLE posting_versions;
DROP TABLE postings;
