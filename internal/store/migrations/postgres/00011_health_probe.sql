-- +goose Up
-- One row that /readyz rewrites now and then: readiness means writes work
-- (a full disk or a read-only database fails it), not just that reads do.
CREATE TABLE health_probe (
    id        INTEGER PRIMARY KEY,
    probed_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE health_probe;
