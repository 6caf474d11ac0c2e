-- Fixed-window request counters shared by every service process (scan limits per account and
-- per client address). A request claims its slot with one atomic upsert before it is served.
CREATE TABLE rate_counters (
    bucket       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_counters_by_window ON rate_counters(window_start);
