-- Reviewers of the web console (审核员): accounts made by the operator, a password stored as
-- an Argon2id PHC string, a TOTP secret sealed under a key derived from the operator key, the
-- last TOTP time-step used (a code is never accepted twice), and the failed-login count and
-- lock that are claimed in one statement each (parallel guesses cannot outrun them). Console
-- sessions are stored as the SHA-256 of their token.
CREATE TABLE reviewers (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    totp_sealed    BLOB NOT NULL,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   INTEGER NOT NULL DEFAULT 0,
    disabled_at    INTEGER,
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE reviewer_sessions (
    token_hash   TEXT PRIMARY KEY,
    reviewer_id  TEXT NOT NULL REFERENCES reviewers(id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ended_at     INTEGER
);
CREATE INDEX reviewer_sessions_by_reviewer ON reviewer_sessions(reviewer_id);
