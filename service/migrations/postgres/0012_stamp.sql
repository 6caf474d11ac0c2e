-- Stamp sessions (文件签章): where the stamp goes and which seal kinds may make it (JSON of
-- StampRequest), and the seal the phone picked. The prepared PDF's digest, once the platform
-- sends it, is kept in document_digests.
ALTER TABLE rp_sessions ADD COLUMN stamp TEXT;
ALTER TABLE rp_sessions ADD COLUMN stamp_seal_id TEXT;
-- The grant a member's stamp uses (用印授权), when the seal is not their own.
ALTER TABLE rp_sessions ADD COLUMN stamp_grant_id TEXT;

-- Usage records of stamps name the seal and the digest of what was stamped.
ALTER TABLE usage_records ADD COLUMN seal_id TEXT;
ALTER TABLE usage_records ADD COLUMN document_digest TEXT;

-- A claimed seal given to a member with limits: projects (JSON list; [] = any), a window
-- [valid_from, valid_to) in ms, and each use approved by an admin when approval_required = 1.
-- The grant has its own GB/T 38540 seal (seal_der, esID = the grant's id) binding only the
-- member's certificate and valid only for the window (SM2).
CREATE TABLE seal_grants (
    id                 TEXT PRIMARY KEY,
    seal_id            TEXT NOT NULL,
    org_id             TEXT NOT NULL,
    member_id          TEXT NOT NULL,
    member_name        TEXT NOT NULL,
    grantee_account_id TEXT NOT NULL,
    certificate_serial TEXT NOT NULL,
    certificate        BYTEA NOT NULL,
    seal_der           BYTEA,
    projects           TEXT NOT NULL,
    valid_from         BIGINT NOT NULL,
    valid_to           BIGINT NOT NULL,
    approval_required  BIGINT NOT NULL,
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    revoked_at         BIGINT
);
CREATE INDEX seal_grants_seal ON seal_grants(seal_id);
CREATE INDEX seal_grants_grantee ON seal_grants(grantee_account_id);

-- One use of a granted seal waiting for an admin (用印审批), one per stamp session and grant.
CREATE TABLE seal_approvals (
    id            TEXT PRIMARY KEY,
    session_id    TEXT NOT NULL,
    grant_id      TEXT NOT NULL,
    seal_id       TEXT NOT NULL,
    org_id        TEXT NOT NULL,
    seal_name     TEXT NOT NULL,
    member_name   TEXT NOT NULL,
    platform_name TEXT NOT NULL,
    project       TEXT,
    project_code  TEXT,
    document_name TEXT,
    status        TEXT NOT NULL,
    decided_by    TEXT,
    decided_at    BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX seal_approvals_use ON seal_approvals(session_id, grant_id);
CREATE INDEX seal_approvals_org ON seal_approvals(org_id);
