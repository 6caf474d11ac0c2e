//! The `organisations` and `org_members` tables and their only owner.

use sqlx::AnyPool;

use super::Role;
use crate::store::Tx;

/// The CA authorisation's state: `none → pending_review → approved | rejected`, or
/// `none → approved` by the legal representative's face check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthStatus {
    None,
    PendingReview,
    Approved,
    Rejected,
}

impl AuthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthStatus::None => "none",
            AuthStatus::PendingReview => "pending_review",
            AuthStatus::Approved => "approved",
            AuthStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            AuthStatus::None,
            AuthStatus::PendingReview,
            AuthStatus::Approved,
            AuthStatus::Rejected,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// The Fluent message of its label (未授权, 审核中, 已授权, 未通过).
    pub fn message_id(self) -> &'static str {
        match self {
            AuthStatus::None => "org-auth-none",
            AuthStatus::PendingReview => "org-auth-pending-review",
            AuthStatus::Approved => "org-auth-approved",
            AuthStatus::Rejected => "org-auth-rejected",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub legal_rep_name: String,
    pub legal_rep_id_sealed: Vec<u8>,
    pub legal_rep_id_masked: String,
    pub created_by: String,
    pub auth_status: String,
    pub auth_method: Option<String>,
    pub auth_reason: Option<String>,
    pub auth_submitted_at: Option<i64>,
    pub auth_decided_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug)]
pub struct NewOrg<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub credit_code: &'a str,
    pub legal_rep_name: &'a str,
    pub legal_rep_id_sealed: &'a [u8],
    pub legal_rep_id_masked: &'a str,
    pub legal_rep_id_lookup: &'a str,
    pub applicant_relation: &'a str,
    pub created_by: &'a str,
    pub now: i64,
}

/// Whether an organisation with this credit code is already authorised.
pub async fn code_authorised_in(tx: &mut Tx, credit_code: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM organisations WHERE credit_code = $1 AND auth_status = $2",
    )
    .bind(credit_code)
    .bind(AuthStatus::Approved.as_str())
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// Inserts an organisation; false if this applicant already registered the credit code.
pub async fn insert_org(tx: &mut Tx, o: &NewOrg<'_>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO organisations (id, name, credit_code, legal_rep_name, legal_rep_id_sealed, legal_rep_id_masked,
             legal_rep_id_lookup, applicant_relation, created_by, auth_status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
         ON CONFLICT (credit_code, created_by) DO NOTHING",
    )
    .bind(o.id)
    .bind(o.name)
    .bind(o.credit_code)
    .bind(o.legal_rep_name)
    .bind(o.legal_rep_id_sealed)
    .bind(o.legal_rep_id_masked)
    .bind(o.legal_rep_id_lookup)
    .bind(o.applicant_relation)
    .bind(o.created_by)
    .bind(AuthStatus::None.as_str())
    .bind(o.now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(done == 1)
}

const ORG_COLUMNS: &str = "SELECT id, name, credit_code, legal_rep_name, legal_rep_id_sealed, legal_rep_id_masked, created_by,
    auth_status, auth_method, auth_reason, auth_submitted_at, auth_decided_at, created_at FROM organisations WHERE id = $1";

pub async fn org(pool: &AnyPool, id: &str) -> Result<Option<OrgRow>, sqlx::Error> {
    sqlx::query_as(ORG_COLUMNS)
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn org_in(tx: &mut Tx, id: &str) -> Result<Option<OrgRow>, sqlx::Error> {
    sqlx::query_as(ORG_COLUMNS)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// Serialises the organisation's membership and authorisation changes: the first write of the
/// transaction, so concurrent changes of one organisation run one after another (PostgreSQL
/// row lock; SQLite's single writer).
pub async fn lock_org(tx: &mut Tx, id: &str, now: i64) -> Result<bool, sqlx::Error> {
    let n = sqlx::query("UPDATE organisations SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Moves the authorisation from one of `from` to `to`; false if it was in none of them.
/// Approving an organisation whose credit code another organisation already has authorised
/// fails with a unique violation (see [`is_unique_violation`]).
pub async fn set_auth(
    tx: &mut Tx,
    id: &str,
    from: &[AuthStatus],
    to: AuthStatus,
    method: Option<&str>,
    reason: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let current: Option<String> =
        sqlx::query_scalar("SELECT auth_status FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(current) = current.and_then(|s| AuthStatus::parse(&s)) else {
        return Ok(false);
    };
    if !from.contains(&current) {
        return Ok(false);
    }
    let submitted = matches!(to, AuthStatus::PendingReview);
    let decided = matches!(to, AuthStatus::Approved | AuthStatus::Rejected);
    let n = sqlx::query(
        "UPDATE organisations SET auth_status = $1, auth_method = COALESCE($2, auth_method), auth_reason = $3,
             auth_submitted_at = CASE WHEN $4 = 1 THEN $6 ELSE auth_submitted_at END,
             auth_decided_at = CASE WHEN $5 = 1 THEN $6 ELSE NULL END,
             updated_at = $6
         WHERE id = $7 AND auth_status = $8",
    )
    .bind(to.as_str())
    .bind(method)
    .bind(reason)
    .bind(i64::from(submitted))
    .bind(i64::from(decided))
    .bind(now)
    .bind(id)
    .bind(current.as_str())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub id_number_masked: String,
    pub id_number_lookup: String,
    pub phone: String,
    pub role: String,
    pub created_at: i64,
}

macro_rules! select_members {
    ($rest:literal) => {
        concat!(
            "SELECT id, org_id, name, id_number_masked, id_number_lookup, phone, role, created_at FROM org_members ",
            $rest
        )
    };
}

#[derive(Debug)]
pub struct NewMemberRow<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub name: &'a str,
    pub id_number_sealed: &'a [u8],
    pub id_number_masked: &'a str,
    pub id_number_lookup: &'a str,
    pub phone: &'a str,
    pub role: Role,
    pub added_by: &'a str,
    pub now: i64,
}

/// Adds a member; false if the phone number is already a member of the organisation.
pub async fn insert_member(tx: &mut Tx, m: &NewMemberRow<'_>) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "INSERT INTO org_members (id, org_id, name, id_number_sealed, id_number_masked, id_number_lookup, phone, role, added_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (org_id, phone) DO NOTHING",
    )
    .bind(m.id)
    .bind(m.org_id)
    .bind(m.name)
    .bind(m.id_number_sealed)
    .bind(m.id_number_masked)
    .bind(m.id_number_lookup)
    .bind(m.phone)
    .bind(m.role.as_str())
    .bind(m.added_by)
    .bind(m.now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// (member id, role, identity-number lookup hash) of the phone's member record.
pub async fn membership(
    pool: &AnyPool,
    org_id: &str,
    phone: &str,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, role, id_number_lookup FROM org_members WHERE org_id = $1 AND phone = $2",
    )
    .bind(org_id)
    .bind(phone)
    .fetch_optional(pool)
    .await
}

/// The member records (organisation id, member id) that are the account's person: found by
/// the account's phone, and only where the account's verified identity is the record's.
pub async fn members_of_account(
    pool: &AnyPool,
    account_id: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let Some(phone) = crate::accounts::repo::phone_of_in(pool, account_id).await? else {
        return Ok(Vec::new());
    };
    let Some((_, mine)) = crate::identity::repo::lookup(pool, account_id).await? else {
        return Ok(Vec::new());
    };
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT org_id, id, id_number_lookup FROM org_members WHERE phone = $1")
            .bind(phone)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, lookup)| *lookup == mine)
        .map(|(org, id, _)| (org, id))
        .collect())
}

/// (organisation id, role, identity-number lookup hash) of the phone's member records.
pub async fn orgs_of_phone(
    pool: &AnyPool,
    phone: &str,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT org_id, role, id_number_lookup FROM org_members WHERE phone = $1 ORDER BY created_at, org_id",
    )
    .bind(phone)
    .fetch_all(pool)
    .await
}

pub async fn members(pool: &AnyPool, org_id: &str) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as(select_members!("WHERE org_id = $1 ORDER BY created_at, id"))
        .bind(org_id)
        .fetch_all(pool)
        .await
}

pub async fn member(
    pool: &AnyPool,
    org_id: &str,
    id: &str,
) -> Result<Option<MemberRow>, sqlx::Error> {
    sqlx::query_as(select_members!("WHERE org_id = $1 AND id = $2"))
        .bind(org_id)
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn member_in(
    tx: &mut Tx,
    org_id: &str,
    id: &str,
) -> Result<Option<MemberRow>, sqlx::Error> {
    sqlx::query_as(select_members!("WHERE org_id = $1 AND id = $2"))
        .bind(org_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn admin_phones_in(tx: &mut Tx, org_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT phone FROM org_members WHERE org_id = $1 AND role = $2 ORDER BY created_at",
    )
    .bind(org_id)
    .bind(Role::Admin.as_str())
    .fetch_all(&mut **tx)
    .await
}

pub async fn count_admins(tx: &mut Tx, org_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE org_id = $1 AND role = $2")
        .bind(org_id)
        .bind(Role::Admin.as_str())
        .fetch_one(&mut **tx)
        .await
}

pub async fn set_role(
    tx: &mut Tx,
    org_id: &str,
    id: &str,
    role: Role,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query("UPDATE org_members SET role = $1 WHERE org_id = $2 AND id = $3")
        .bind(role.as_str())
        .bind(org_id)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n == 1)
}

pub async fn delete_member(tx: &mut Tx, org_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    let n = sqlx::query("DELETE FROM org_members WHERE org_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Whether a database error is a unique-index violation.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}
