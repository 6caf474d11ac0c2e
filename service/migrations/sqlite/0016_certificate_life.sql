-- Key management (密钥管理): the encryption key pairs of dual certificates, made by the service,
-- escrowed sealed under the key-management master key (not the operator key, not a CA key),
-- and delivered to the holder's phone as envelopes to a signing key. A key belongs to the
-- certificate slot (entitlement) it was made for; every certificate issued for that slot later
-- (renewal, reissue, PIN reset, rename, a new phone) receives all of the slot's keys again.
CREATE TABLE escrowed_keys (
    id             TEXT PRIMARY KEY,
    entitlement_id TEXT NOT NULL,
    algorithm      TEXT NOT NULL,
    public_key     BLOB NOT NULL,
    key_sealed     BLOB NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX escrowed_keys_entitlement ON escrowed_keys(entitlement_id, created_at);

-- Each encryption certificate issued for an escrowed key, and the signing certificate it was
-- issued with (the pair).
CREATE TABLE escrow_certificates (
    serial         TEXT PRIMARY KEY,
    key_id         TEXT NOT NULL REFERENCES escrowed_keys(id),
    signing_serial TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX escrow_certificates_key ON escrow_certificates(key_id, created_at);
CREATE INDEX escrow_certificates_signing ON escrow_certificates(signing_serial);

-- A reissue (补办 / PIN reset) spends the real-name verification it was made on: the time of
-- the last verification used on the slot, so one verification serves one reissue.
ALTER TABLE entitlements ADD COLUMN reissue_verified_at INTEGER;

-- Judicial recovery of an escrowed key (司法取证): never in the clear, always as an envelope to
-- the recipient certificate named by the case, asked by the operator and approved by two
-- different reviewers (each with password and TOTP). One row per recovery, beside the audit
-- event.
CREATE TABLE key_recoveries (
    id                 TEXT PRIMARY KEY,
    key_id             TEXT NOT NULL REFERENCES escrowed_keys(id),
    encryption_serial  TEXT NOT NULL,
    case_reference     TEXT NOT NULL,
    operator           TEXT NOT NULL,
    first_approver     TEXT NOT NULL,
    second_approver    TEXT NOT NULL,
    recipient_serial   TEXT NOT NULL,
    recipient_subject  TEXT NOT NULL,
    created_at         INTEGER NOT NULL
);
CREATE INDEX key_recoveries_key ON key_recoveries(key_id, created_at);

-- The expiry guard: a platform may give the project's bid-opening time with a session; the
-- phone warns when a certificate that may answer expires before it.
ALTER TABLE rp_sessions ADD COLUMN opening_at INTEGER;
