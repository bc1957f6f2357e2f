-- +goose Up
-- PostgreSQL gives its counting triggers a lean path for inserts (00023
-- there), where each statement of a trigger costs a round of planning and
-- locking under concurrent creates. SQLite has one writer at a time and
-- keeps its triggers. Nothing changes here.
SELECT 1;

-- +goose Down
SELECT 1;
