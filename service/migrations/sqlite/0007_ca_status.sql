-- The CA's published status: stored CRLs (issued on revocation and on a schedule, served as
-- stored), cached OCSP responses (re-signed when the certificate's status changes or the
-- response ages), and the keys revoked for keyCompromise (never certified again).
CREATE TABLE crls (
    issuer_id   TEXT NOT NULL REFERENCES ca_keys(id),
    number      INTEGER NOT NULL,
    this_update INTEGER NOT NULL,
    next_update INTEGER NOT NULL,
    der         BLOB NOT NULL,
    PRIMARY KEY (issuer_id, number)
);

CREATE TABLE ocsp_responses (
    issuer_id  TEXT NOT NULL,
    serial     TEXT NOT NULL,
    hash_oid   TEXT NOT NULL,
    status     TEXT NOT NULL,
    der        BLOB NOT NULL,
    refresh_at INTEGER NOT NULL,
    PRIMARY KEY (issuer_id, serial, hash_oid)
);

CREATE TABLE compromised_keys (
    spki_sha256 TEXT PRIMARY KEY,
    serial      TEXT NOT NULL,
    revoked_at  INTEGER NOT NULL
);
