-- migrate:no-transaction
-- CONCURRENTLY cannot run inside a transaction block, so this file opts
-- out of the runner's transaction and holds exactly one statement.
-- No IF NOT EXISTS: a failed build leaves an invalid index under this name,
-- and a retry must fail on it rather than skip it and record success.
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
