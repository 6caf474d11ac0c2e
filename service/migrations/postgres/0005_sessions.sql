-- Relying platforms' API keys and callbacks, scan sessions and usage records (seed 000 §8, §9).
ALTER TABLE platforms ADD COLUMN logo_url TEXT;
ALTER TABLE platforms ADD COLUMN callback_urls TEXT NOT NULL DEFAULT '[]';

CREATE TABLE platform_keys (
    key_hash    TEXT PRIMARY KEY,
    platform_id TEXT NOT NULL REFERENCES platforms(id),
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE rp_sessions (
    id                   TEXT PRIMARY KEY,
    platform_id          TEXT NOT NULL REFERENCES platforms(id),
    kind                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    qr_token             TEXT NOT NULL UNIQUE,
    verification_code    TEXT NOT NULL,
    display              TEXT NOT NULL,
    document_digests     TEXT,
    encrypted_key        TEXT,
    recipient_serial     TEXT,
    ephemeral_public_key TEXT,
    allowed_id_lookup    TEXT,
    allowed_org_code     TEXT,
    callback_url         TEXT,
    idempotency_key      TEXT,
    created_at           BIGINT NOT NULL,
    expires_at           BIGINT NOT NULL,
    scanned_by           TEXT REFERENCES accounts(id),
    scanned_device       TEXT,
    scan_ticket_hash     TEXT,
    scanned_at           BIGINT,
    finished_at          BIGINT,
    failure_code         TEXT,
    result               TEXT
);
CREATE UNIQUE INDEX rp_sessions_idempotency ON rp_sessions(platform_id, idempotency_key);

CREATE TABLE usage_records (
    id                 TEXT PRIMARY KEY,
    session_id         TEXT NOT NULL REFERENCES rp_sessions(id),
    account_id         TEXT NOT NULL REFERENCES accounts(id),
    kind               TEXT NOT NULL,
    holder_name        TEXT,
    certificate_serial TEXT,
    platform_id        TEXT NOT NULL,
    platform_name      TEXT NOT NULL,
    outcome            TEXT NOT NULL,
    failure_code       TEXT,
    at                 BIGINT NOT NULL
);
CREATE INDEX usage_by_account ON usage_records(account_id, at, id);
