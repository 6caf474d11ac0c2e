//! 用印授权: an admin gives a claimed seal to a member with limits — the projects (项目编号), a
//! window of days, and optionally an admin's approval of each use (用印审批). The member stamps
//! with their own certificate of the organisation, which the GB/T 38540 seal then binds too
//! (the seal is made again on each grant and withdrawal). The `seal_grants` and
//! `seal_approvals` tables belong here.

use mcert_core::clock::{from_unix_millis, parse_rfc3339, rfc3339, unix_millis};
use mcert_core::crypto::x509;
use mcert_core::id::ulid;
use mcert_core::wire::seals::{
    ApproveSealUse, NewSealGrant, SealApproval, SealGrant, approval_statement,
};
use serde_json::json;

use super::repo::{SealRow, SealStatus, select_seals};
use super::{SealError, Seals, internal};
use crate::audit;
use crate::authz::OrgAdmin;

/// Most projects one grant names.
const MAX_PROJECTS: usize = 20;
const DAY_MS: i64 = 86_400_000;
const BEIJING_MS: i64 = 8 * 3_600_000;

/// A project number (项目编号): 1 to 40 letters, digits, `-`, `_`, `.` or `/`.
pub fn is_project_code(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
}

/// The start of a Beijing day `YYYY-MM-DD`, in ms.
fn beijing_day(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.len() != 10 {
        return None;
    }
    parse_rfc3339(text).map(|t| unix_millis(t) - BEIJING_MS)
}

fn beijing_date(ms: i64) -> String {
    rfc3339(from_unix_millis(ms + BEIJING_MS))
        .get(..10)
        .unwrap_or_default()
        .to_string()
}

/// One `seal_grants` row.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GrantRow {
    pub id: String,
    pub seal_id: String,
    pub org_id: String,
    pub member_id: String,
    pub member_name: String,
    pub grantee_account_id: String,
    pub certificate_serial: String,
    pub projects: String,
    pub valid_from: i64,
    pub valid_to: i64,
    pub approval_required: i64,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// The grant's GB/T 38540 seal (SM2).
    pub seal_der: Option<Vec<u8>>,
    /// The grant's P-256 seal binding.
    pub binding: Option<Vec<u8>>,
}

const GRANT_COLUMNS: &str = "id, seal_id, org_id, member_id, member_name, grantee_account_id,
    certificate_serial, projects, valid_from, valid_to, approval_required, created_at, revoked_at,
    seal_der, binding";

impl GrantRow {
    /// The projects; `None` when the stored list cannot be read (then no project is allowed).
    pub fn projects(&self) -> Option<Vec<String>> {
        serde_json::from_str(&self.projects).ok()
    }

    pub fn approval_required(&self) -> bool {
        self.approval_required != 0
    }

    /// In force at `now` and not withdrawn.
    pub fn active(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.valid_from <= now && now < self.valid_to
    }

    /// Whether a session with `project_code` may use this grant.
    pub fn allows_project(&self, project_code: Option<&str>) -> bool {
        match self.projects() {
            None => false,
            Some(projects) => {
                projects.is_empty() || project_code.is_some_and(|c| projects.iter().any(|p| p == c))
            }
        }
    }

    /// The limits in a line, as the phone shows them (zh-CN).
    pub fn limits(&self) -> String {
        let projects = self.projects().unwrap_or_default();
        let mut parts = vec![if projects.is_empty() {
            "不限项目".to_string()
        } else {
            format!("仅限项目 {}", projects.join("、"))
        }];
        parts.push(format!(
            "{} 至 {}",
            beijing_date(self.valid_from),
            beijing_date(self.valid_to - 1)
        ));
        if self.approval_required() {
            parts.push("每次用印需管理员审批".into());
        }
        parts.join("；")
    }

    fn view(&self, now: i64) -> SealGrant {
        let (status, label) = if self.revoked_at.is_some() {
            ("revoked", "已撤销")
        } else if now >= self.valid_to {
            ("expired", "已过期")
        } else {
            ("active", "有效")
        };
        SealGrant {
            id: self.id.clone(),
            seal_id: self.seal_id.clone(),
            member_id: self.member_id.clone(),
            member_name: self.member_name.clone(),
            certificate_serial: self.certificate_serial.clone(),
            projects: self.projects().unwrap_or_default(),
            valid_from: beijing_date(self.valid_from),
            valid_to: beijing_date(self.valid_to - 1),
            approval_required: self.approval_required(),
            status: status.into(),
            status_label: label.into(),
            limits: self.limits(),
            created_at: rfc3339(from_unix_millis(self.created_at)),
        }
    }
}

/// One `seal_approvals` row.
#[derive(Clone, Debug, sqlx::FromRow)]
struct ApprovalRow {
    id: String,
    session_id: String,
    seal_id: String,
    seal_name: String,
    member_name: String,
    platform_name: String,
    project: Option<String>,
    project_code: Option<String>,
    document_name: Option<String>,
    status: String,
    created_at: i64,
}

const APPROVAL_COLUMNS: &str = "id, session_id, seal_id, seal_name, member_name, platform_name,
    project, project_code, document_name, status, created_at";

impl ApprovalRow {
    fn view(self) -> SealApproval {
        let status_label = match self.status.as_str() {
            "approved" => "已同意",
            "refused" => "已拒绝",
            _ => "待审批",
        };
        SealApproval {
            id: self.id,
            session_id: self.session_id,
            seal_id: self.seal_id,
            seal_name: self.seal_name,
            member_name: self.member_name,
            platform_name: self.platform_name,
            project: self.project,
            project_code: self.project_code,
            document_name: self.document_name,
            status: self.status,
            status_label: status_label.into(),
            created_at: rfc3339(from_unix_millis(self.created_at)),
        }
    }
}

/// What a stamp session tells the approving admin.
#[derive(Clone, Debug)]
pub struct UseFacts<'a> {
    pub session_id: &'a str,
    pub platform_name: &'a str,
    pub project: Option<&'a str>,
    pub project_code: Option<&'a str>,
    pub document_name: Option<&'a str>,
}

async fn grant_rows(
    conn: &mut sqlx::AnyConnection,
    condition: &'static str,
    value: &str,
) -> Result<Vec<GrantRow>, sqlx::Error> {
    let sql = format!("SELECT {GRANT_COLUMNS} FROM seal_grants WHERE {condition}");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_all(conn)
        .await
}

impl Seals {
    /// The seal's grants, newest first.
    pub async fn grants(
        &self,
        admin: &OrgAdmin,
        seal_id: &str,
    ) -> Result<Vec<SealGrant>, SealError> {
        self.row(admin.org_id(), seal_id).await?;
        let mut conn = self.store.pool().acquire().await?;
        let now = unix_millis(self.clock.now());
        let mut rows = grant_rows(&mut conn, "seal_id = $1", seal_id).await?;
        rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(rows.iter().map(|r| r.view(now)).collect())
    }

    /// The good certificates of this organisation that `account_id` holds, newest first.
    async fn org_certificates_of(
        &self,
        org_id: &str,
        account_id: &str,
    ) -> Result<Vec<crate::ca::repo::HeldCertificate>, SealError> {
        let pool = self.store.pool();
        let mut slots = Vec::new();
        for id in crate::billing::repo::held_by(pool, account_id).await? {
            if crate::billing::repo::org_slot(pool, org_id, &id)
                .await?
                .is_some()
            {
                slots.push(id);
            }
        }
        let now = unix_millis(self.clock.now());
        Ok(self
            .authority
            .certificates_of_entitlements(&slots)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|c| c.status == "good" && c.not_before <= now && now < c.not_after)
            .collect())
    }

    /// Gives a claimed seal to a member with limits.
    pub async fn grant(
        &self,
        admin: &OrgAdmin,
        seal_id: &str,
        req: &NewSealGrant,
    ) -> Result<SealGrant, SealError> {
        let row = self.row(admin.org_id(), seal_id).await?;
        if row.status() != Some(SealStatus::Claimed) {
            return Err(SealError::WrongState(row.into_seal().status_label));
        }
        let bad = |what: &str| SealError::BadGrant(what.to_string());
        let projects: Vec<String> = req.projects.iter().map(|p| p.trim().to_string()).collect();
        if projects.len() > MAX_PROJECTS || !projects.iter().all(|p| is_project_code(p)) {
            return Err(bad("projects"));
        }
        let from = beijing_day(&req.valid_from).ok_or_else(|| bad("valid_from"))?;
        let to = beijing_day(&req.valid_to).ok_or_else(|| bad("valid_to"))? + DAY_MS;
        let now = unix_millis(self.clock.now());
        if to <= from || to <= now {
            return Err(bad("valid_to"));
        }
        let member = self
            .orgs
            .member_facts(admin.org_id(), &req.member_id)
            .await
            .map_err(internal)?
            .ok_or(SealError::UnknownMember)?;
        let account = self
            .orgs
            .account_of_member(admin.org_id(), &req.member_id)
            .await
            .map_err(internal)?
            .ok_or(SealError::MemberHasNoCertificate)?;
        let (own_serial, own_der, not_after) = self
            .bound_certificate(
                admin.org_id(),
                &row.entitlement_id,
                Some(&row.certificate_serial),
            )
            .await?;
        let own = x509::parse_certificate(&own_der).map_err(internal)?;
        let algorithm = x509::certificate_public_key(&own)
            .map_err(internal)?
            .algorithm();
        let cert = self
            .org_certificates_of(admin.org_id(), &account)
            .await?
            .into_iter()
            .find(|c| c.algorithm == algorithm.as_str() && c.serial != own_serial)
            .ok_or(SealError::MemberHasNoCertificate)?;
        let to = to.min(not_after).min(cert.not_after);
        let picture = self.picture_of(&row).await?;
        let id = ulid(self.clock.now()).map_err(internal)?;
        // The grant's own seal: the member's certificate alone, for the grant's days.
        let files = self.make_files(
            &row,
            &id,
            &picture,
            &cert.der,
            to,
            from_unix_millis(from.max(now)),
        )?;
        let projects_json = serde_json::to_string(&projects).map_err(internal)?;
        let mut tx = self.store.begin().await?;
        self.orgs
            .recheck_in(&mut tx, admin, Some(&req.member_id), now)
            .await
            .map_err(internal)?;
        sqlx::query(
            "INSERT INTO seal_grants (id, seal_id, org_id, member_id, member_name,
                 grantee_account_id, certificate_serial, certificate, projects, valid_from,
                 valid_to, approval_required, created_by, created_at, seal_der, binding)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(&id)
        .bind(seal_id)
        .bind(admin.org_id())
        .bind(&req.member_id)
        .bind(&member.name)
        .bind(&account)
        .bind(&cert.serial)
        .bind(&cert.der)
        .bind(&projects_json)
        .bind(from)
        .bind(to)
        .bind(i64::from(req.approval_required))
        .bind(admin.account_id())
        .bind(now)
        .bind(files.der.as_deref())
        .bind(files.binding.as_deref())
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &admin.actor().audit_name(),
            "seal.granted",
            seal_id,
            &json!({"grant": id, "member": req.member_id, "certificate": cert.serial,
                    "projects": projects, "approval_required": req.approval_required}),
        )
        .await?;
        tx.commit().await?;
        self.grant_view(&id, now).await
    }

    /// Withdraws a grant; the seal no longer binds the member's certificate.
    pub async fn revoke_grant(
        &self,
        admin: &OrgAdmin,
        seal_id: &str,
        grant_id: &str,
    ) -> Result<SealGrant, SealError> {
        self.row(admin.org_id(), seal_id).await?;
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        self.orgs
            .recheck_in(&mut tx, admin, None, now)
            .await
            .map_err(internal)?;
        let changed = sqlx::query(
            "UPDATE seal_grants SET revoked_at = $1 WHERE id = $2 AND seal_id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(grant_id)
        .bind(seal_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(SealError::UnknownGrant);
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &admin.actor().audit_name(),
            "seal.grant_revoked",
            seal_id,
            &json!({"grant": grant_id}),
        )
        .await?;
        tx.commit().await?;
        self.grant_view(grant_id, now).await
    }

    /// The grants in force for `account_id` whose certificate is one of `serials`, with
    /// their claimed seals.
    pub async fn granted_to(
        &self,
        account_id: &str,
        serials: &[String],
    ) -> Result<Vec<(SealRow, GrantRow)>, SealError> {
        let now = unix_millis(self.clock.now());
        let mut conn = self.store.pool().acquire().await?;
        let grants = grant_rows(&mut conn, "grantee_account_id = $1", account_id).await?;
        let mut out = Vec::new();
        for g in grants {
            if !g.active(now) || !serials.contains(&g.certificate_serial) {
                continue;
            }
            let seal: Option<SealRow> =
                sqlx::query_as(select_seals!("WHERE id = $1 AND status = $2"))
                    .bind(&g.seal_id)
                    .bind(SealStatus::Claimed.as_str())
                    .fetch_optional(&mut *conn)
                    .await?;
            if let Some(seal) = seal {
                out.push((seal, g));
            }
        }
        Ok(out)
    }

    /// A grant as the admin sees it at `now`.
    async fn grant_view(&self, grant_id: &str, now: i64) -> Result<SealGrant, SealError> {
        self.grant_row(grant_id)
            .await?
            .map(|g| g.view(now))
            .ok_or(SealError::UnknownGrant)
    }

    /// A grant by id.
    pub async fn grant_row(&self, grant_id: &str) -> Result<Option<GrantRow>, SealError> {
        let mut conn = self.store.pool().acquire().await?;
        Ok(grant_rows(&mut conn, "id = $1", grant_id)
            .await?
            .into_iter()
            .next())
    }

    /// Asks the organisation's admins to approve one use of a granted seal (once per
    /// session; the admins are texted). Returns the approval's status.
    pub async fn request_approval(
        &self,
        grant: &GrantRow,
        seal_name: &str,
        facts: &UseFacts<'_>,
    ) -> Result<String, SealError> {
        if let Some(status) = self.approval_status(facts.session_id, &grant.id).await? {
            return Ok(status);
        }
        let now = unix_millis(self.clock.now());
        let id = ulid(self.clock.now()).map_err(internal)?;
        let mut texts = Vec::new();
        let mut tx = self.store.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO seal_approvals (id, session_id, grant_id, seal_id, org_id, seal_name,
                 member_name, platform_name, project, project_code, document_name, status,
                 created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12)
             ON CONFLICT (session_id, grant_id) DO NOTHING",
        )
        .bind(&id)
        .bind(facts.session_id)
        .bind(&grant.id)
        .bind(&grant.seal_id)
        .bind(&grant.org_id)
        .bind(seal_name)
        .bind(&grant.member_name)
        .bind(facts.platform_name)
        .bind(facts.project)
        .bind(facts.project_code)
        .bind(facts.document_name)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            let text = crate::i18n::message(
                mcert_core::i18n::Locale::ZhCn,
                "sms-seal-use-requested",
                &[
                    ("member", grant.member_name.clone().into()),
                    ("seal", seal_name.to_string().into()),
                    (
                        "document",
                        facts.document_name.unwrap_or("-").to_string().into(),
                    ),
                ],
            );
            for phone in crate::orgs::repo::admin_phones_in(&mut tx, &grant.org_id).await? {
                let job = self
                    .outbox
                    .enqueue_sms(&mut tx, &phone, &text)
                    .await
                    .map_err(internal)?;
                texts.push(job);
            }
            audit::append(
                &mut tx,
                self.store.engine(),
                now,
                &format!("account:{}", grant.grantee_account_id),
                "seal.approval_requested",
                &grant.seal_id,
                &json!({"approval": id, "session": facts.session_id}),
            )
            .await?;
        }
        tx.commit().await?;
        // Texted at once; the outbox worker retries what does not go out now.
        for job in &texts {
            self.outbox.deliver_now(job).await;
        }
        Ok(self
            .approval_status(facts.session_id, &grant.id)
            .await?
            .unwrap_or_else(|| "pending".into()))
    }

    /// The status of the approval asked for a session's use of a grant, if any.
    pub async fn approval_status(
        &self,
        session_id: &str,
        grant_id: &str,
    ) -> Result<Option<String>, SealError> {
        Ok(sqlx::query_scalar(
            "SELECT status FROM seal_approvals WHERE session_id = $1 AND grant_id = $2",
        )
        .bind(session_id)
        .bind(grant_id)
        .fetch_optional(self.store.pool())
        .await?)
    }

    /// The organisation's approvals, pending first then newest.
    pub async fn approvals(&self, admin: &OrgAdmin) -> Result<Vec<SealApproval>, SealError> {
        let sql = format!(
            "SELECT {APPROVAL_COLUMNS} FROM seal_approvals WHERE org_id = $1
             ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, created_at DESC, id DESC"
        );
        let rows: Vec<ApprovalRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(admin.org_id())
            .fetch_all(self.store.pool())
            .await?;
        Ok(rows.into_iter().map(ApprovalRow::view).collect())
    }

    /// An admin decides a pending approval: approving needs the admin's own certificate of
    /// this organisation to sign [`approval_statement`] (the PIN unlocks it on the phone).
    pub async fn decide_approval(
        &self,
        admin: &OrgAdmin,
        approval_id: &str,
        approve: Option<&ApproveSealUse>,
    ) -> Result<SealApproval, SealError> {
        let sql =
            format!("SELECT {APPROVAL_COLUMNS} FROM seal_approvals WHERE id = $1 AND org_id = $2");
        let row: ApprovalRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(approval_id)
            .bind(admin.org_id())
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(SealError::UnknownApproval)?;
        let grantee: Option<String> = sqlx::query_scalar(
            "SELECT g.grantee_account_id FROM seal_grants g JOIN seal_approvals a ON a.grant_id = g.id
             WHERE a.id = $1",
        )
        .bind(approval_id)
        .fetch_optional(self.store.pool())
        .await?;
        if grantee.as_deref() == Some(admin.account_id()) {
            return Err(SealError::OwnUse);
        }
        if let Some(proof) = approve {
            let held = self
                .org_certificates_of(admin.org_id(), admin.account_id())
                .await?
                .into_iter()
                .find(|c| c.serial.eq_ignore_ascii_case(&proof.serial))
                .ok_or(SealError::BadProof)?;
            let cert = x509::parse_certificate(&held.der).map_err(internal)?;
            let key = x509::certificate_public_key(&cert).map_err(internal)?;
            let statement = approval_statement(
                approval_id,
                &row.session_id,
                &row.seal_id,
                admin.account_id(),
            );
            let signature = {
                use base64ct::Encoding;
                base64ct::Base64::decode_vec(proof.signature.trim())
                    .map_err(|_| SealError::BadProof)?
            };
            key.verify(statement.as_bytes(), &signature)
                .map_err(|_| SealError::BadProof)?;
        }
        let status = if approve.is_some() {
            "approved"
        } else {
            "refused"
        };
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        self.orgs
            .recheck_in(&mut tx, admin, None, now)
            .await
            .map_err(internal)?;
        let changed = sqlx::query(
            "UPDATE seal_approvals SET status = $1, decided_by = $2, decided_at = $3
             WHERE id = $4 AND status = 'pending'",
        )
        .bind(status)
        .bind(admin.account_id())
        .bind(now)
        .bind(approval_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(SealError::WrongState(row.view().status_label));
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &admin.actor().audit_name(),
            &format!("seal.use_{status}"),
            &row.seal_id,
            &json!({"approval": approval_id, "session": row.session_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(ApprovalRow {
            status: status.into(),
            ..row
        }
        .view())
    }
}
