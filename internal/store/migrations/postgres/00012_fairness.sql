-- +goose Up
-- A candidate's voluntary self-identification, kept apart from the
-- application: only the fairness service reads it, and only in aggregate.
CREATE TABLE self_identifications (
    candidate_id BIGINT PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
    org_id       BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    sex          TEXT NOT NULL,
    race         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX self_identifications_org ON self_identifications(org_id);
-- Organizations that switched the survey off (on by default).
CREATE TABLE fairness_survey_off (
    org_id     BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    changed_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE fairness_survey_off;
DROP TABLE self_identifications;
