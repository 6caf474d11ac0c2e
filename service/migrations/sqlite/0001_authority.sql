-- The CA: key pairs (encrypted under the operator key), issued certificates, CRL numbers, and
-- the hash-chained audit log.
CREATE TABLE ca_keys (
    id            TEXT PRIMARY KEY,
    algorithm     TEXT NOT NULL,
    role          TEXT NOT NULL,
    parent_id     TEXT REFERENCES ca_keys(id),
    certificate   BLOB NOT NULL,
    protected_key BLOB NOT NULL,
    active        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX ca_keys_one_active ON ca_keys(algorithm, role) WHERE active = 1;

CREATE TABLE certificates (
    serial            TEXT PRIMARY KEY,
    issuer_id         TEXT NOT NULL REFERENCES ca_keys(id),
    algorithm         TEXT NOT NULL,
    profile           TEXT NOT NULL,
    subject           TEXT NOT NULL,
    der               BLOB NOT NULL,
    not_before        INTEGER NOT NULL,
    not_after         INTEGER NOT NULL,
    status            TEXT NOT NULL,
    revoked_at        INTEGER,
    revocation_reason TEXT,
    entitlement_id    TEXT,
    created_at        INTEGER NOT NULL
);
CREATE INDEX certificates_revoked ON certificates(issuer_id, status);

CREATE TABLE crl_numbers (
    issuer_id TEXT PRIMARY KEY REFERENCES ca_keys(id),
    number    INTEGER NOT NULL
);

CREATE TABLE audit_events (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
