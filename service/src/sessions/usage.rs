//! Usage records (【使用记录】) as the account reads them: newest first, within a time range,
//! paged by cursor; outcome labels from the message files.

use crate::authz::OwnAccount;
use mcert_core::clock::{from_unix_millis, rfc3339};
use mcert_core::i18n::Locale;
use mcert_core::wire::{UsagePage, UsageRecord};

use super::repo::{self, Outcome, UsageCursor};
use super::{SessionError, Sessions, invalid};

/// The label of an outcome as people read it (zh-CN).
fn outcome_label(outcome: Outcome) -> String {
    crate::i18n::message(
        Locale::ZhCn,
        &format!("usage-outcome-{}", outcome.as_str()),
        &[],
    )
}

fn parse_cursor(text: &str) -> Result<UsageCursor, SessionError> {
    let bad = || invalid("cursor is not one this service gave");
    let (at, id) = text.split_once('_').ok_or_else(bad)?;
    Ok(UsageCursor {
        at: at.parse::<i64>().map_err(|_| bad())?,
        id: id.to_string(),
    })
}

/// Filters of an organisation's usage records (seed 000 §9 C).
#[derive(Clone, Debug, Default)]
pub struct OrgUsageFilter {
    /// Records of this member (their account) only.
    pub member_id: Option<String>,
    pub serial: Option<String>,
    /// login, sign, decrypt or stamp.
    pub operation: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// Which records an organisation member may read: made by billing (which knows the
/// organisation's certificates) from the member's grant — every record of the organisation's
/// certificates for an admin, their own records only for a user.
#[derive(Clone, Debug)]
pub struct OrgUsageScope {
    serials: Vec<String>,
    accounts: Option<Vec<String>>,
}

impl OrgUsageScope {
    pub(crate) fn new(serials: Vec<String>, accounts: Option<Vec<String>>) -> Self {
        OrgUsageScope { serials, accounts }
    }
}

fn to_record(r: repo::Usage) -> UsageRecord {
    UsageRecord {
        id: r.id,
        session_id: r.session_id,
        kind: r.kind,
        operation: r.kind.operation().to_string(),
        holder_name: r.holder_name,
        certificate_serial: r.certificate_serial,
        platform_id: r.platform_id,
        platform_name: r.platform_name,
        outcome: r.outcome.as_str().to_string(),
        outcome_label: outcome_label(r.outcome),
        failure_code: r.failure_code,
        at: rfc3339(from_unix_millis(r.at)),
        seal_id: r.seal_id,
        document_digest: r.document_digest,
    }
}

impl Sessions {
    /// An organisation's usage records within the scope, newest first, filtered and paged.
    pub async fn org_usage(
        &self,
        scope: &OrgUsageScope,
        filter: &OrgUsageFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<UsagePage, SessionError> {
        let limit = limit.clamp(1, 100);
        let cursor = cursor.map(parse_cursor).transpose()?;
        let kind = match filter.operation.as_deref() {
            Some(op) => Some(
                mcert_core::wire::SessionKind::parse(op)
                    .ok_or_else(|| invalid("operation must be login, sign, decrypt or stamp"))?,
            ),
            None => None,
        };
        let mut rows = repo::list_usage_scoped(
            self.store.pool(),
            &repo::UsageScope {
                serials: &scope.serials,
                accounts: scope.accounts.as_deref(),
                kind,
                from: filter.from.unwrap_or(0),
                to: filter.to.unwrap_or(i64::MAX),
            },
            cursor.as_ref(),
            i64::from(limit) + 1,
        )
        .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = match rows.last() {
            Some(last) if more => Some(format!("{}_{}", last.at, last.id)),
            _ => None,
        };
        Ok(UsagePage {
            items: rows.into_iter().map(to_record).collect(),
            next_cursor,
        })
    }

    /// The account's usage records, newest first, optionally within `[from, to)`.
    pub async fn usage(
        &self,
        owner: &OwnAccount,
        from: Option<i64>,
        to: Option<i64>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<UsagePage, SessionError> {
        let account_id = owner.account_id();
        let limit = limit.clamp(1, 100);
        let cursor = cursor.map(parse_cursor).transpose()?;
        let mut rows = repo::list_usage(
            self.store.pool(),
            account_id,
            from.unwrap_or(0),
            to.unwrap_or(i64::MAX),
            cursor.as_ref(),
            i64::from(limit) + 1,
        )
        .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = match rows.last() {
            Some(last) if more => Some(format!("{}_{}", last.at, last.id)),
            _ => None,
        };
        let items = rows.into_iter().map(to_record).collect();
        Ok(UsagePage { items, next_cursor })
    }
}
