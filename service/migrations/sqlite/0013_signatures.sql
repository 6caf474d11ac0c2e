-- Personal signatures (签章图片, seed 003 §7): after agreeing to the 签章图片告知函, the
-- holder of a personal certificate takes an automatically generated name seal (the owner's
-- name rendered in a seal, active at once). One active signature per certificate; void once
-- that certificate is revoked or replaced (after 补发 the holder makes a new one). The
-- picture is kept here; for an SM2 certificate the GB/T 38540 seal (type 2, personal) too,
-- for a P-256 one the P-256 seal maker's binding.
CREATE TABLE signatures (
    id                 TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL,
    entitlement_id     TEXT NOT NULL,
    certificate_serial TEXT NOT NULL,
    source             TEXT NOT NULL,
    name               TEXT NOT NULL,
    status             TEXT NOT NULL,
    notice_version     TEXT NOT NULL,
    picture            BLOB NOT NULL,
    width_mm           INTEGER NOT NULL,
    height_mm          INTEGER NOT NULL,
    seal_der           BLOB,
    binding            BLOB,
    void_reason        TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    voided_at          INTEGER
);
CREATE INDEX signatures_account ON signatures(account_id, created_at);
CREATE UNIQUE INDEX signatures_active_once ON signatures(certificate_serial) WHERE status = 'active';

-- The P-256 seal binding (the P-256 seal maker's attached CMS binding the seal's picture to one
-- certificate) of seals and grants bound to P-256 certificates; SM2 ones keep seal_der.
ALTER TABLE seals ADD COLUMN binding BLOB;
ALTER TABLE seal_grants ADD COLUMN binding BLOB;
