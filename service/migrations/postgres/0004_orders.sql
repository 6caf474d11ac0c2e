-- The catalogue, orders, payments and entitlements (paid certificate slots).
CREATE TABLE products (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    personal_certs     BIGINT NOT NULL,
    organization_certs BIGINT NOT NULL,
    price_fen_per_year BIGINT NOT NULL,
    currency           TEXT NOT NULL,
    needs_review       BIGINT NOT NULL,
    active             BIGINT NOT NULL,
    created_at         BIGINT NOT NULL
);

CREATE TABLE orders (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    product_id      TEXT NOT NULL REFERENCES products(id),
    years           BIGINT NOT NULL,
    amount_fen      BIGINT NOT NULL,
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL,
    reject_reason   TEXT,
    idempotency_key TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX orders_idempotency ON orders(account_id, idempotency_key);
CREATE INDEX orders_by_account ON orders(account_id, created_at);

CREATE TABLE payments (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders(id),
    gateway     TEXT NOT NULL,
    gateway_txn TEXT NOT NULL,
    amount_fen  BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX payments_once ON payments(gateway, gateway_txn);

CREATE TABLE entitlements (
    id                 TEXT PRIMARY KEY,
    order_id           TEXT NOT NULL REFERENCES orders(id),
    kind               TEXT NOT NULL,
    years              BIGINT NOT NULL,
    owner_account_id   TEXT REFERENCES accounts(id),
    holder_account_id  TEXT REFERENCES accounts(id),
    status             TEXT NOT NULL,
    certificate_serial TEXT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX entitlements_by_holder ON entitlements(holder_account_id);
