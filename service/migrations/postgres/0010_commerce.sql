-- Paying and invoicing as companies do. Products say what they are for (a new certificate or
-- package, or the certificate's renewal, change and reissue). Orders paid by bank transfer get
-- their own receiving account (a sub-account of the operator's collection account with a check
-- digit); every incoming transfer is kept once per bank reference with how it was matched, and
-- the exceptional ones (unmatched, held, to review, surplus) wait for an operator. Billing
-- information (开票信息), the accounts a buyer pays from (打款账户, kept as a keyed hash and a
-- mask only), invoices (blue and red-letter, the development provider's PDF) and their share
-- links (stored as the SHA-256 of the token).
ALTER TABLE products ADD COLUMN purpose TEXT NOT NULL DEFAULT 'new';
ALTER TABLE orders ADD COLUMN payment_method TEXT;
ALTER TABLE orders ADD COLUMN invoice_status TEXT NOT NULL DEFAULT 'none';

CREATE TABLE transfer_accounts (
    account_no TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL UNIQUE REFERENCES orders(id),
    deadline   BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE bank_transfers (
    id            TEXT PRIMARY KEY,
    bank_ref      TEXT NOT NULL UNIQUE,
    account_no    TEXT NOT NULL,
    amount_fen    BIGINT NOT NULL,
    currency      TEXT NOT NULL,
    payer_name    TEXT,
    payer_account TEXT,
    booked_on     TEXT NOT NULL,
    remittance    TEXT,
    source        TEXT NOT NULL,
    order_id      TEXT,
    outcome       TEXT NOT NULL,
    counted_fen   BIGINT NOT NULL DEFAULT 0,
    surplus_fen   BIGINT NOT NULL DEFAULT 0,
    reason        TEXT,
    resolution    TEXT,
    resolved_by   TEXT,
    resolved_at   BIGINT,
    imported_at   BIGINT NOT NULL
);
CREATE INDEX bank_transfers_order ON bank_transfers(order_id);
CREATE INDEX bank_transfers_open ON bank_transfers(resolved_at, outcome);

CREATE TABLE billing_profiles (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    taxpayer_id   TEXT,
    address_phone TEXT,
    bank_name     TEXT,
    bank_account  TEXT,
    is_default    BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
CREATE INDEX billing_profiles_account ON billing_profiles(account_id);

CREATE TABLE payer_accounts (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    kind           TEXT NOT NULL,
    holder_name    TEXT NOT NULL,
    account_hash   TEXT NOT NULL,
    account_masked TEXT NOT NULL,
    bank_name      TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    UNIQUE (account_id, account_hash)
);

CREATE TABLE invoices (
    id                TEXT PRIMARY KEY,
    order_id          TEXT NOT NULL REFERENCES orders(id),
    account_id        TEXT NOT NULL,
    kind              TEXT NOT NULL,
    status            TEXT NOT NULL,
    number            TEXT UNIQUE,
    title_kind        TEXT NOT NULL,
    title             TEXT NOT NULL,
    taxpayer_id       TEXT,
    address_phone     TEXT,
    bank_name         TEXT,
    bank_account      TEXT,
    item              TEXT NOT NULL,
    amount_fen        BIGINT NOT NULL,
    tax_fen           BIGINT NOT NULL,
    total_fen         BIGINT NOT NULL,
    currency          TEXT NOT NULL,
    tax_rate_permille BIGINT NOT NULL,
    reverses          TEXT,
    pdf               BYTEA,
    created_at        BIGINT NOT NULL,
    issued_at         BIGINT
);
CREATE UNIQUE INDEX invoices_one_blue ON invoices(order_id) WHERE kind = 'blue';
CREATE UNIQUE INDEX invoices_one_red ON invoices(reverses) WHERE kind = 'red';
CREATE INDEX invoices_account ON invoices(account_id);

CREATE TABLE invoice_shares (
    token_hash TEXT PRIMARY KEY,
    invoice_id TEXT NOT NULL REFERENCES invoices(id),
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
