-- Organisations (单位), their members and roles, CA authorisation, uploaded materials, the
-- review queue, and what organisations add to orders and certificate slots. Identity numbers
-- are sealed (AES-256-GCM) with a keyed lookup hash and a masked form, as for identities.
CREATE TABLE organisations (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    credit_code         TEXT NOT NULL,
    legal_rep_name      TEXT NOT NULL,
    legal_rep_id_sealed BYTEA NOT NULL,
    legal_rep_id_masked TEXT NOT NULL,
    legal_rep_id_lookup TEXT NOT NULL,
    applicant_relation  TEXT NOT NULL,
    created_by          TEXT NOT NULL REFERENCES accounts(id),
    auth_status         TEXT NOT NULL,
    auth_method         TEXT,
    auth_reason         TEXT,
    auth_submitted_at   BIGINT,
    auth_decided_at     BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);

-- Anyone may register a code (a company's real admin is never blocked by a squatter); one
-- registration per code per account, and only one organisation per code is ever authorised.
CREATE UNIQUE INDEX organisations_code_per_applicant ON organisations(credit_code, created_by);
CREATE UNIQUE INDEX organisations_authorised_code ON organisations(credit_code) WHERE auth_status = 'approved';

CREATE TABLE org_members (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organisations(id),
    name             TEXT NOT NULL,
    id_number_sealed BYTEA NOT NULL,
    id_number_masked TEXT NOT NULL,
    id_number_lookup TEXT NOT NULL,
    phone            TEXT NOT NULL,
    role             TEXT NOT NULL,
    added_by         TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX org_members_once ON org_members(org_id, phone);
CREATE INDEX org_members_by_phone ON org_members(phone);

CREATE TABLE uploads (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations(id),
    uploaded_by  TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    body         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX uploads_by_org ON uploads(org_id, created_at);

CREATE TABLE reviews (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organisations(id),
    round        BIGINT NOT NULL,
    status       TEXT NOT NULL,
    facts        TEXT NOT NULL,
    materials    TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    decided_by   TEXT,
    decided_at   BIGINT,
    reason       TEXT
);
CREATE UNIQUE INDEX reviews_pending_once ON reviews(kind, subject_id) WHERE status = 'pending';
CREATE INDEX reviews_by_status ON reviews(status, submitted_at);

ALTER TABLE orders ADD COLUMN org_id TEXT REFERENCES organisations(id);
ALTER TABLE orders ADD COLUMN materials TEXT NOT NULL DEFAULT '[]';
CREATE INDEX orders_by_org ON orders(org_id, created_at);

ALTER TABLE entitlements ADD COLUMN org_id TEXT REFERENCES organisations(id);
ALTER TABLE entitlements ADD COLUMN owner_id_type TEXT;
ALTER TABLE entitlements ADD COLUMN owner_name TEXT;
ALTER TABLE entitlements ADD COLUMN owner_id_sealed BYTEA;
ALTER TABLE entitlements ADD COLUMN owner_id_masked TEXT;
ALTER TABLE entitlements ADD COLUMN owner_id_lookup TEXT;
ALTER TABLE entitlements ADD COLUMN owner_email TEXT;
ALTER TABLE entitlements ADD COLUMN holder_member_id TEXT;
ALTER TABLE entitlements ADD COLUMN valid_until BIGINT;
CREATE INDEX entitlements_by_org ON entitlements(org_id);
CREATE INDEX entitlements_by_holder_member ON entitlements(holder_member_id);
