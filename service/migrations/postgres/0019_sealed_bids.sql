-- The expiry guard's second half: a platform tells the service of a bid it sealed (the
-- recipient certificate and the project's bid-opening time). Until then, a certificate named
-- by such a bid is not replaced by a new key (补办, a move to a new phone) while it is good:
-- a bid sealed to a signing key (not escrowed) would no longer open.
CREATE TABLE sealed_bids (
    id               TEXT PRIMARY KEY,
    platform_id      TEXT NOT NULL,
    recipient_serial TEXT NOT NULL,
    opening_at       BIGINT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX sealed_bids_once ON sealed_bids(platform_id, recipient_serial, opening_at);
CREATE INDEX sealed_bids_recipient ON sealed_bids(recipient_serial, opening_at);
