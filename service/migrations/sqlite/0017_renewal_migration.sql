-- 延期 (renewal): an order may renew one issued slot; once paid (or once an organisation's
-- unused package slot is taken for it) the slot's period is extended and its new certificate
-- waits for download (renewal_due).
ALTER TABLE orders ADD COLUMN renews_entitlement_id TEXT REFERENCES entitlements(id);
ALTER TABLE entitlements ADD COLUMN renewal_due INTEGER NOT NULL DEFAULT 0;
-- A package slot used to renew another slot of the organisation (status 'consumed').
ALTER TABLE entitlements ADD COLUMN renewed_entitlement_id TEXT;
-- The expiry reminders (90, 30 and 7 days before the period ends) sent for the period ending
-- at reminded_for: the smallest number of days reminded so far.
ALTER TABLE entitlements ADD COLUMN reminded_for INTEGER;
ALTER TABLE entitlements ADD COLUMN reminded_days INTEGER;

-- Moving a certificate to a new phone without a new real-name check: the old phone shows a QR
-- code (its secret is kept only as a MAC), the new phone of the same account scans it and
-- sends its CSR, the old phone approves with a signature by the slot's current key.
CREATE TABLE device_migrations (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    entitlement_id TEXT NOT NULL REFERENCES entitlements(id),
    old_serial     TEXT NOT NULL,
    algorithm      TEXT NOT NULL,
    secret_mac     TEXT NOT NULL,
    status         TEXT NOT NULL,
    csr            BLOB,
    csr_sha256     TEXT,
    new_serial     TEXT,
    installed      TEXT,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX device_migrations_entitlement ON device_migrations(entitlement_id, created_at);

-- A seal voided with a replaced certificate comes back as a pre-filled draft bound to the new
-- certificate; the draft names the seal it replaces.
ALTER TABLE seals ADD COLUMN reapplied_from TEXT;
