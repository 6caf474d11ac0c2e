-- Handwritten signatures (seed 003 §7): drawn on the phone or photographed, cleaned, then
-- reviewed. The review queue held organisations' items only; a person's signature has no
-- organisation, so a review's organisation becomes optional. SQLite cannot drop NOT NULL in
-- place: the table is rebuilt with the same rows and indexes.
CREATE TABLE reviews_new (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    org_id       TEXT REFERENCES organisations(id),
    round        INTEGER NOT NULL,
    status       TEXT NOT NULL,
    facts        TEXT NOT NULL,
    materials    TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    decided_by   TEXT,
    decided_at   INTEGER,
    reason       TEXT
);
INSERT INTO reviews_new (id, kind, subject_id, org_id, round, status, facts, materials,
    submitted_by, submitted_at, decided_by, decided_at, reason)
SELECT id, kind, subject_id, org_id, round, status, facts, materials,
    submitted_by, submitted_at, decided_by, decided_at, reason FROM reviews;
DROP TABLE reviews;
ALTER TABLE reviews_new RENAME TO reviews;
CREATE UNIQUE INDEX reviews_pending_once ON reviews(kind, subject_id) WHERE status = 'pending';
CREATE INDEX reviews_by_status ON reviews(status, submitted_at);

-- A handwritten signature's states: draft → pending_review → active | rejected (reason),
-- void with its certificate or when replaced.
ALTER TABLE signatures ADD COLUMN reject_reason TEXT;
