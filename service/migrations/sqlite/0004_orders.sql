-- The catalogue, orders, payments and entitlements (paid certificate slots).
CREATE TABLE products (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    personal_certs     INTEGER NOT NULL,
    organization_certs INTEGER NOT NULL,
    price_fen_per_year INTEGER NOT NULL,
    currency           TEXT NOT NULL,
    needs_review       INTEGER NOT NULL,
    active             INTEGER NOT NULL,
    created_at         INTEGER NOT NULL
);

CREATE TABLE orders (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    product_id      TEXT NOT NULL REFERENCES products(id),
    years           INTEGER NOT NULL,
    amount_fen      INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL,
    reject_reason   TEXT,
    idempotency_key TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX orders_idempotency ON orders(account_id, idempotency_key);
CREATE INDEX orders_by_account ON orders(account_id, created_at);

CREATE TABLE payments (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders(id),
    gateway     TEXT NOT NULL,
    gateway_txn TEXT NOT NULL,
    amount_fen  INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX payments_once ON payments(gateway, gateway_txn);

CREATE TABLE entitlements (
    id                 TEXT PRIMARY KEY,
    order_id           TEXT NOT NULL REFERENCES orders(id),
    kind               TEXT NOT NULL,
    years              INTEGER NOT NULL,
    owner_account_id   TEXT REFERENCES accounts(id),
    holder_account_id  TEXT REFERENCES accounts(id),
    status             TEXT NOT NULL,
    certificate_serial TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX entitlements_by_holder ON entitlements(holder_account_id);
