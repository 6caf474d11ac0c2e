-- Durable side effects (SMS, platform callbacks, CRL refresh): enqueued in the transaction of
-- the change that causes them, delivered by a worker with retries, claimed by one process at a
-- time. Payloads are sealed under a key derived from the operator key (an SMS carries a code).
CREATE TABLE outbox_jobs (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER NOT NULL DEFAULT 0,
    expires_at      INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX outbox_jobs_due ON outbox_jobs(state, next_attempt_at);

-- Rate limits: one row per limited key (a phone, an address, an account) that a transaction
-- locks before it counts, so concurrent requests are counted one after another; and the events
-- counted within each key's window.
CREATE TABLE rate_keys (
    key     TEXT PRIMARY KEY,
    touches INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE rate_events (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX rate_events_by_key ON rate_events(key, at);
