-- Several stamps in one session: the stamp being made (0-based), and the stamps made so far
-- (JSON of the wire's `StampedPlace` list) for the platform to embed before the next.
ALTER TABLE rp_sessions ADD COLUMN stamp_place INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rp_sessions ADD COLUMN stamped TEXT;
