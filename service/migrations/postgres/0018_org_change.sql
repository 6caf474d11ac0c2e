-- 变更 (seed 000 §6): an organisation's rename, applied for with materials, reviewed and paid;
-- once paid the organisation carries the new name, its seals are void, and each of its issued
-- certificate slots waits for the holder to download a certificate naming it (change_due).
CREATE TABLE org_changes (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations(id),
    order_id   TEXT NOT NULL REFERENCES orders(id),
    old_name   TEXT NOT NULL,
    new_name   TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    applied_at BIGINT
);
CREATE INDEX org_changes_org ON org_changes(org_id, created_at);
CREATE UNIQUE INDEX org_changes_order ON org_changes(order_id);
ALTER TABLE entitlements ADD COLUMN change_due BIGINT NOT NULL DEFAULT 0;
