-- +goose Up
-- The analytics join Greenhouse outcomes to candidates by application id.
CREATE INDEX candidates_org_gh_application ON candidates(org_id, gh_application_id);

-- +goose Down
DROP INDEX candidates_org_gh_application;
