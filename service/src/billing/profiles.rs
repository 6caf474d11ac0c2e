//! 开票信息 (billing profiles: several kept, one default) and 打款账户 (the accounts a buyer
//! transfers from; kept only as a keyed hash, for the payer check, and a mask).

use mcert_core::clock::unix_millis;
use mcert_core::validate::{is_unified_code, mask_bank_card};
use mcert_core::wire::{
    BillingProfile, NewBillingProfile, NewPayerAccount, PayerAccount, PayerKind, TitleKind,
};
use serde_json::json;

use super::{OrderError, Orders};
use crate::audit;
use crate::authz::OwnAccount;

/// At most this many of each per account.
const MAX_PER_ACCOUNT: i64 = 20;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct ProfileRow {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub taxpayer_id: Option<String>,
    pub address_phone: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    pub is_default: i64,
}

impl ProfileRow {
    fn into_profile(self) -> BillingProfile {
        BillingProfile {
            id: self.id,
            kind: TitleKind::parse(&self.kind).unwrap_or(TitleKind::Personal),
            title: self.title,
            taxpayer_id: self.taxpayer_id,
            address_phone: self.address_phone,
            bank_name: self.bank_name,
            bank_account: self.bank_account,
            is_default: self.is_default == 1,
        }
    }
}

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn short_text(s: &str, max: usize) -> bool {
    !s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
}

/// A profile's fields, checked and trimmed.
fn checked(p: &NewBillingProfile) -> Result<NewBillingProfile, OrderError> {
    let title = p.title.trim().to_string();
    if !short_text(&title, 100) {
        return Err(OrderError::BadProfile("title"));
    }
    let taxpayer_id = trimmed(&p.taxpayer_id).map(|t| t.to_ascii_uppercase());
    match (p.kind, &taxpayer_id) {
        (TitleKind::Company, None) => return Err(OrderError::BadProfile("taxpayer_id")),
        (_, Some(t)) if !is_unified_code(t) => return Err(OrderError::BadProfile("taxpayer_id")),
        _ => {}
    }
    let address_phone = trimmed(&p.address_phone);
    let bank_name = trimmed(&p.bank_name);
    for (field, v) in [("address_phone", &address_phone), ("bank_name", &bank_name)] {
        if v.as_deref().is_some_and(|v| !short_text(v, 100)) {
            return Err(OrderError::BadProfile(field));
        }
    }
    let bank_account = trimmed(&p.bank_account).map(|a| a.replace([' ', '-'], ""));
    if let Some(a) = &bank_account
        && !(8..=32).contains(&a.len())
    {
        return Err(OrderError::BadProfile("bank_account"));
    }
    if bank_account
        .as_deref()
        .is_some_and(|a| !a.bytes().all(|c| c.is_ascii_digit()))
    {
        return Err(OrderError::BadProfile("bank_account"));
    }
    Ok(NewBillingProfile {
        kind: p.kind,
        title,
        taxpayer_id,
        address_phone,
        bank_name,
        bank_account,
        is_default: p.is_default,
    })
}

impl Orders {
    pub async fn billing_profiles(
        &self,
        owner: &OwnAccount,
    ) -> Result<Vec<BillingProfile>, OrderError> {
        let rows: Vec<ProfileRow> = sqlx::query_as(
            "SELECT id, kind, title, taxpayer_id, address_phone, bank_name, bank_account, is_default
             FROM billing_profiles WHERE account_id = $1 ORDER BY is_default DESC, created_at, id",
        )
        .bind(owner.account_id())
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.into_iter().map(ProfileRow::into_profile).collect())
    }

    /// Adds (`profile_id` none) or replaces a billing profile; the first one is the default.
    pub async fn put_billing_profile(
        &self,
        owner: &OwnAccount,
        profile_id: Option<&str>,
        profile: &NewBillingProfile,
    ) -> Result<BillingProfile, OrderError> {
        let p = checked(profile)?;
        let account = owner.account_id();
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let mut tx = self.store.begin().await?;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM billing_profiles WHERE account_id = $1")
                .bind(account)
                .fetch_one(&mut *tx)
                .await?;
        let make_default = p.is_default || count == 0;
        if make_default {
            sqlx::query("UPDATE billing_profiles SET is_default = 0 WHERE account_id = $1")
                .bind(account)
                .execute(&mut *tx)
                .await?;
        }
        let id = match profile_id {
            Some(id) => {
                let changed = sqlx::query(
                    "UPDATE billing_profiles SET kind = $1, title = $2, taxpayer_id = $3, address_phone = $4,
                         bank_name = $5, bank_account = $6, is_default = CASE WHEN $7 = 1 THEN 1 ELSE is_default END
                     WHERE id = $8 AND account_id = $9",
                )
                .bind(p.kind.as_str())
                .bind(&p.title)
                .bind(p.taxpayer_id.as_deref())
                .bind(p.address_phone.as_deref())
                .bind(p.bank_name.as_deref())
                .bind(p.bank_account.as_deref())
                .bind(i64::from(make_default))
                .bind(id)
                .bind(account)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err(OrderError::UnknownProfile);
                }
                id.to_string()
            }
            None => {
                if count >= MAX_PER_ACCOUNT {
                    return Err(OrderError::TooMany);
                }
                let id =
                    mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO billing_profiles (id, account_id, kind, title, taxpayer_id, address_phone, bank_name,
                         bank_account, is_default, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&id)
                .bind(account)
                .bind(p.kind.as_str())
                .bind(&p.title)
                .bind(p.taxpayer_id.as_deref())
                .bind(p.address_phone.as_deref())
                .bind(p.bank_name.as_deref())
                .bind(p.bank_account.as_deref())
                .bind(i64::from(make_default))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                id
            }
        };
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &owner.actor().audit_name(),
            "billing_profile.saved",
            &id,
            &json!({"kind": p.kind.as_str()}),
        )
        .await?;
        tx.commit().await?;
        self.billing_profiles(owner)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(OrderError::UnknownProfile)
    }

    /// Deletes a profile; when it was the default, the oldest remaining one becomes it.
    pub async fn delete_billing_profile(
        &self,
        owner: &OwnAccount,
        profile_id: &str,
    ) -> Result<(), OrderError> {
        let account = owner.account_id();
        let mut tx = self.store.begin().await?;
        let gone = sqlx::query("DELETE FROM billing_profiles WHERE id = $1 AND account_id = $2")
            .bind(profile_id)
            .bind(account)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if gone != 1 {
            return Err(OrderError::UnknownProfile);
        }
        sqlx::query(
            "UPDATE billing_profiles SET is_default = 1 WHERE id = (
                 SELECT id FROM billing_profiles WHERE account_id = $1 ORDER BY created_at, id LIMIT 1)
             AND NOT EXISTS (SELECT 1 FROM billing_profiles WHERE account_id = $1 AND is_default = 1)",
        )
        .bind(account)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The profile an invoice is made out to: the one named, else the default.
    pub(super) async fn profile_for(
        &self,
        account_id: &str,
        profile_id: Option<&str>,
    ) -> Result<Option<BillingProfile>, OrderError> {
        let row: Option<ProfileRow> = match profile_id {
            Some(id) => {
                let row = sqlx::query_as(
                    "SELECT id, kind, title, taxpayer_id, address_phone, bank_name, bank_account, is_default
                     FROM billing_profiles WHERE id = $1 AND account_id = $2",
                )
                .bind(id)
                .bind(account_id)
                .fetch_optional(self.store.pool())
                .await?;
                Some(row.ok_or(OrderError::UnknownProfile)?)
            }
            None => {
                sqlx::query_as(
                    "SELECT id, kind, title, taxpayer_id, address_phone, bank_name, bank_account, is_default
                     FROM billing_profiles WHERE account_id = $1 AND is_default = 1",
                )
                .bind(account_id)
                .fetch_optional(self.store.pool())
                .await?
            }
        };
        Ok(row.map(ProfileRow::into_profile))
    }

    pub async fn payer_accounts(
        &self,
        owner: &OwnAccount,
    ) -> Result<Vec<PayerAccount>, OrderError> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT id, kind, holder_name, account_masked, bank_name FROM payer_accounts
             WHERE account_id = $1 ORDER BY created_at, id",
        )
        .bind(owner.account_id())
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, kind, holder_name, masked, bank_name)| PayerAccount {
                id,
                kind: PayerKind::parse(&kind).unwrap_or(PayerKind::Personal),
                holder_name,
                account_no_masked: masked,
                bank_name,
            })
            .collect())
    }

    pub async fn add_payer_account(
        &self,
        owner: &OwnAccount,
        new: &NewPayerAccount,
    ) -> Result<PayerAccount, OrderError> {
        let holder = new.holder_name.trim();
        let bank = new.bank_name.trim();
        let number: String = new
            .account_no
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        if !short_text(holder, 100) {
            return Err(OrderError::BadProfile("holder_name"));
        }
        if !short_text(bank, 100) {
            return Err(OrderError::BadProfile("bank_name"));
        }
        if !(8..=32).contains(&number.len()) || !number.bytes().all(|c| c.is_ascii_digit()) {
            return Err(OrderError::BadProfile("account_no"));
        }
        let account = owner.account_id();
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        let hash = self.identities.lookup_hash(&format!("payer:{number}"));
        let mut tx = self.store.begin().await?;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM payer_accounts WHERE account_id = $1")
                .bind(account)
                .fetch_one(&mut *tx)
                .await?;
        if count >= MAX_PER_ACCOUNT {
            return Err(OrderError::TooMany);
        }
        let added = sqlx::query(
            "INSERT INTO payer_accounts (id, account_id, kind, holder_name, account_hash, account_masked, bank_name, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(account)
        .bind(new.kind.as_str())
        .bind(holder)
        .bind(&hash)
        .bind(mask_bank_card(&number))
        .bind(bank)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added != 1 {
            return Err(OrderError::PayerExists);
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &owner.actor().audit_name(),
            "payer_account.added",
            &id,
            &json!({"kind": new.kind.as_str()}),
        )
        .await?;
        tx.commit().await?;
        Ok(PayerAccount {
            id,
            kind: new.kind,
            holder_name: holder.to_string(),
            account_no_masked: mask_bank_card(&number),
            bank_name: bank.to_string(),
        })
    }

    pub async fn delete_payer_account(
        &self,
        owner: &OwnAccount,
        payer_id: &str,
    ) -> Result<(), OrderError> {
        let gone = sqlx::query("DELETE FROM payer_accounts WHERE id = $1 AND account_id = $2")
            .bind(payer_id)
            .bind(owner.account_id())
            .execute(self.store.pool())
            .await?
            .rows_affected();
        if gone != 1 {
            return Err(OrderError::UnknownProfile);
        }
        Ok(())
    }
}
