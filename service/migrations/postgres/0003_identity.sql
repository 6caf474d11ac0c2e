-- Real-name verification results. The identity number is kept encrypted (AES-256-GCM under a
-- key derived from the operator key) and, for display, masked.
CREATE TABLE identities (
    account_id        TEXT PRIMARY KEY REFERENCES accounts(id),
    name              TEXT NOT NULL,
    id_number_sealed  BYTEA NOT NULL,
    id_number_masked  TEXT NOT NULL,
    id_number_lookup  TEXT NOT NULL,
    method            TEXT NOT NULL,
    provider_ref      TEXT NOT NULL,
    verified_at       BIGINT NOT NULL
);
CREATE INDEX identities_by_lookup ON identities(id_number_lookup);

CREATE TABLE identity_attempts (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    method     TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX identity_attempts_by_account ON identity_attempts(account_id, created_at);
