-- +goose Up
-- A user's time zone (an IANA name such as Europe/Berlin; '' is UTC): the
-- recruiter's pages show times in it.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
-- The organization's zone, for members who have not chosen one ('' is UTC).
ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
-- An organization's optional logo, shown on its candidates' pages: a PNG or
-- JPEG image, checked by its content, at most 200 KiB.
CREATE TABLE org_logos (
    org_id       BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data         BYTEA NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- +goose Down
DROP TABLE org_logos;
ALTER TABLE organizations DROP COLUMN time_zone;
ALTER TABLE users DROP COLUMN time_zone;
