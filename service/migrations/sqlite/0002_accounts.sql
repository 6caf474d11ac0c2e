-- Accounts (the phone number is the account), SMS login codes, bearer tokens, platforms, and
-- the development SMS outbox.
CREATE TABLE platforms (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    active     INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE accounts (
    id           TEXT PRIMARY KEY,
    phone        TEXT NOT NULL UNIQUE,
    platform_id  TEXT REFERENCES platforms(id),
    locked_until INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);

CREATE TABLE sms_codes (
    id         TEXT PRIMARY KEY,
    phone      TEXT NOT NULL,
    ip         TEXT NOT NULL,
    code_mac   TEXT NOT NULL,
    failures   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX sms_codes_by_phone ON sms_codes(phone, created_at);
CREATE INDEX sms_codes_by_ip ON sms_codes(ip, created_at);

CREATE TABLE auth_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE sms_outbox (
    id         TEXT PRIMARY KEY,
    phone      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
