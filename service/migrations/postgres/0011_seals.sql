-- Organisation seals (印章): applied for from a photo of the stamp (the cleaned picture is an
-- upload of its own), bound to one certificate of the organisation, reviewed, claimed with
-- that certificate's key, void once the certificate is revoked or replaced. The GB/T 38540
-- seal itself is kept once it is made.
CREATE TABLE seals (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL,
    kind               TEXT NOT NULL,
    name               TEXT NOT NULL,
    status             TEXT NOT NULL,
    photo_upload_id    TEXT NOT NULL,
    picture_upload_id  TEXT NOT NULL,
    entitlement_id     TEXT NOT NULL,
    certificate_serial TEXT NOT NULL,
    width_mm           BIGINT NOT NULL,
    height_mm          BIGINT NOT NULL,
    reject_reason      TEXT,
    void_reason        TEXT,
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    claimed_by         TEXT,
    claimed_at         BIGINT,
    voided_at          BIGINT,
    seal_der           BYTEA
);
CREATE INDEX seals_org ON seals(org_id);
CREATE INDEX seals_certificate ON seals(certificate_serial);

-- The service's seal-making key (电子印章制作系统) per algorithm: its certificate comes from
-- the issuing CA; the key is sealed under a key derived from the operator key.
CREATE TABLE seal_makers (
    algorithm   TEXT PRIMARY KEY,
    certificate BYTEA NOT NULL,
    key_sealed  BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);
