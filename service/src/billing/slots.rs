//! An organisation's certificate slots (证书管理, seed 003 §7): the owner (所属人, the identity
//! in the certificate, fixed once set) and the holder (持有人, the member who may hold the key,
//! changeable by an admin: a change revokes the old holder's certificate in the same unit of
//! work and lets the new holder download). 证书状态 未分配 / 未使用 / 已使用 / 已过期 / 已吊销,
//! with the purchase date and the validity counted from the download.

use mcert_core::clock::{from_unix_millis, rfc3339, unix_millis};
use mcert_core::crypto::revocation::RevocationReason;
use mcert_core::i18n::Locale;
use mcert_core::validate;
use mcert_core::wire::orgs::{Holder, IdType, OrgCertificate, Owner, SetOwner};
use serde_json::json;

use super::{EntitlementKind, EntitlementStatus, OrderError, Orders};
use crate::audit;
use crate::authz::{OrgAdmin, OrgMember, Role};
use crate::sessions::{OrgUsageFilter, OrgUsageScope};

#[derive(Debug, Clone, sqlx::FromRow)]
struct SlotRow {
    id: String,
    order_id: String,
    kind: String,
    years: i64,
    status: String,
    certificate_serial: Option<String>,
    owner_id_type: Option<String>,
    owner_name: Option<String>,
    owner_id_masked: Option<String>,
    owner_email: Option<String>,
    owner_id_lookup: Option<String>,
    holder_member_id: Option<String>,
    created_at: i64,
}

macro_rules! select_slots {
    ($rest:literal) => {
        concat!(
            "SELECT id, order_id, kind, years, status, certificate_serial, owner_id_type, owner_name,
                 owner_id_masked, owner_email, owner_id_lookup, holder_member_id, created_at FROM entitlements ",
            $rest
        )
    };
}

fn status_message_id(status: EntitlementStatus) -> &'static str {
    match status {
        EntitlementStatus::Unassigned => "slot-status-unassigned",
        EntitlementStatus::Assigned => "slot-status-unused",
        EntitlementStatus::Issued => "slot-status-used",
        EntitlementStatus::Expired => "slot-status-expired",
        EntitlementStatus::Revoked => "slot-status-revoked",
        EntitlementStatus::Consumed => "slot-status-consumed",
    }
}

fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && e.len() <= 100
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl Orders {
    async fn slot(&self, admin: &OrgAdmin, entitlement_id: &str) -> Result<SlotRow, OrderError> {
        sqlx::query_as(select_slots!("WHERE id = $1 AND org_id = $2"))
            .bind(entitlement_id)
            .bind(admin.org_id())
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(OrderError::UnknownEntitlement)
    }

    /// The organisation's slots with owner, holder and state (admins).
    pub async fn org_certificates(
        &self,
        admin: &OrgAdmin,
    ) -> Result<Vec<OrgCertificate>, OrderError> {
        let rows: Vec<SlotRow> =
            sqlx::query_as(select_slots!("WHERE org_id = $1 ORDER BY created_at, id"))
                .bind(admin.org_id())
                .fetch_all(self.store.pool())
                .await?;
        let now = unix_millis(self.clock.now());
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let certs = self.authority.certificates_of_entitlements(&ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let cert = r
                .certificate_serial
                .as_ref()
                .and_then(|s| certs.iter().find(|c| &c.serial == s));
            let mut status =
                EntitlementStatus::parse(&r.status).unwrap_or(EntitlementStatus::Unassigned);
            if let Some(c) = cert {
                if c.status == "revoked" {
                    status = EntitlementStatus::Revoked;
                } else if c.not_after <= now {
                    status = EntitlementStatus::Expired;
                }
            }
            let holder = match &r.holder_member_id {
                Some(m) => self
                    .orgs
                    .member_facts(admin.org_id(), m)
                    .await
                    .map_err(|e| OrderError::Internal(e.to_string()))?
                    .map(|f| Holder {
                        member_id: f.id,
                        name: f.name,
                        phone_masked: validate::mask_mobile(&f.phone),
                    }),
                None => None,
            };
            let owner = match (
                r.owner_id_type.as_deref().and_then(IdType::parse),
                r.owner_name,
            ) {
                (Some(id_type), Some(name)) => Some(Owner {
                    id_type,
                    id_number_masked: r.owner_id_masked.unwrap_or_default(),
                    name,
                    email: r.owner_email,
                }),
                _ => None,
            };
            out.push(OrgCertificate {
                entitlement_id: r.id,
                order_id: r.order_id,
                kind: r.kind,
                years: r.years,
                status: status.as_str().to_string(),
                status_label: crate::i18n::message(Locale::ZhCn, status_message_id(status), &[]),
                owner,
                holder,
                purchased_at: rfc3339(from_unix_millis(r.created_at)),
                certificate_serial: r.certificate_serial,
                not_before: cert.map(|c| rfc3339(from_unix_millis(c.not_before))),
                not_after: cert.map(|c| rfc3339(from_unix_millis(c.not_after))),
            });
        }
        Ok(out)
    }

    /// Sets the owner of a personal slot, once.
    pub async fn set_owner(
        &self,
        admin: &OrgAdmin,
        entitlement_id: &str,
        req: &SetOwner,
    ) -> Result<(), OrderError> {
        let slot = self.slot(admin, entitlement_id).await?;
        if slot.owner_id_type.is_some()
            || EntitlementKind::parse(&slot.kind) != Some(EntitlementKind::Personal)
        {
            return Err(OrderError::OwnerFixed);
        }
        if req.id_type != IdType::ResidentId {
            return Err(OrderError::BadOwner(
                "a personal certificate's owner is a person",
            ));
        }
        let number = req.id_number.trim().to_ascii_uppercase();
        if !validate::is_id_number(&number) {
            return Err(OrderError::BadOwner("identity number"));
        }
        let name = req.name.trim();
        if !validate::is_person_name(name) {
            return Err(OrderError::BadOwner("name"));
        }
        if let Some(e) = &req.email
            && !valid_email(e.trim())
        {
            return Err(OrderError::BadOwner("e-mail"));
        }
        if let Some(holder) = &slot.holder_member_id {
            let facts = self
                .orgs
                .member_facts(admin.org_id(), holder)
                .await
                .map_err(|e| OrderError::Internal(e.to_string()))?;
            if facts.map(|f| f.id_number_lookup) != Some(self.identities.lookup_hash(&number)) {
                return Err(OrderError::NotTheOwner);
            }
        }
        let sealed = self
            .identities
            .seal_number(&format!("slot:{entitlement_id}"), &number)
            .map_err(|e| OrderError::Internal(e.to_string()))?;
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        // Fixed once set: only a slot without an owner changes, so concurrent settings cannot
        // both win.
        let changed = sqlx::query(
            "UPDATE entitlements SET owner_id_type = $1, owner_name = $2, owner_id_sealed = $3, owner_id_masked = $4,
                 owner_id_lookup = $5, owner_email = $6,
                 status = CASE WHEN holder_member_id IS NOT NULL THEN $7 ELSE $11 END, updated_at = $8
             WHERE id = $9 AND org_id = $10 AND owner_id_type IS NULL",
        )
        .bind(IdType::ResidentId.as_str())
        .bind(name)
        .bind(&sealed)
        .bind(validate::mask_id_number(&number))
        .bind(self.identities.lookup_hash(&number))
        .bind(req.email.as_deref().map(str::trim))
        .bind(EntitlementStatus::Assigned.as_str())
        .bind(now)
        .bind(entitlement_id)
        .bind(admin.org_id())
        .bind(EntitlementStatus::Unassigned.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(OrderError::OwnerFixed);
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &admin.actor().audit_name(),
            "entitlement.owner_set",
            entitlement_id,
            &json!({"id_number": validate::mask_id_number(&number)}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes a member the slot's holder. If a certificate was issued to the previous holder,
    /// it is revoked (superseded) in the same transaction and the new holder may download.
    pub async fn set_holder(
        &self,
        admin: &OrgAdmin,
        entitlement_id: &str,
        member_id: &str,
    ) -> Result<(), OrderError> {
        let slot = self.slot(admin, entitlement_id).await?;
        let member = self
            .orgs
            .member_facts(admin.org_id(), member_id)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?
            .ok_or(OrderError::UnknownMember)?;
        let status =
            EntitlementStatus::parse(&slot.status).unwrap_or(EntitlementStatus::Unassigned);
        if matches!(
            status,
            EntitlementStatus::Revoked | EntitlementStatus::Expired
        ) {
            return Err(OrderError::NotInstallable(slot.status));
        }
        if EntitlementKind::parse(&slot.kind) == Some(EntitlementKind::Personal)
            && slot.owner_id_lookup.is_some()
            && slot.owner_id_lookup.as_deref() != Some(member.id_number_lookup.as_str())
        {
            return Err(OrderError::NotTheOwner);
        }
        let actor = admin.actor().audit_name();
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        // The organisation's membership changes wait for this one; the admin and the new holder
        // are checked again inside it.
        self.orgs
            .recheck_in(&mut tx, admin, Some(&member.id), now)
            .await
            .map_err(|e| match e {
                crate::orgs::OrgError::UnknownMember => OrderError::UnknownMember,
                crate::orgs::OrgError::NoLongerAdmin => OrderError::NoLongerAdmin,
                other => OrderError::Internal(other.to_string()),
            })?;
        // Only the state read above moves (a concurrent change makes this one fail).
        let changed = sqlx::query(
            "UPDATE entitlements SET holder_member_id = $1, holder_account_id = NULL,
                 status = CASE WHEN owner_id_type IS NOT NULL THEN $2 ELSE $9 END,
                 certificate_serial = NULL, updated_at = $3
             WHERE id = $4 AND org_id = $5 AND status = $6
                 AND COALESCE(certificate_serial, '') = $7 AND COALESCE(holder_member_id, '') = $8",
        )
        .bind(&member.id)
        .bind(EntitlementStatus::Assigned.as_str())
        .bind(now)
        .bind(entitlement_id)
        .bind(admin.org_id())
        .bind(&slot.status)
        .bind(slot.certificate_serial.clone().unwrap_or_default())
        .bind(slot.holder_member_id.clone().unwrap_or_default())
        .bind(EntitlementStatus::Unassigned.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(OrderError::NotInstallable(slot.status));
        }
        if let Some(serial) = &slot.certificate_serial {
            match self
                .authority
                .revoke_in(&mut tx, serial, RevocationReason::Superseded, &actor)
                .await
            {
                Ok(()) | Err(crate::authority::AuthorityError::AlreadyRevoked(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "entitlement.holder_set",
            entitlement_id,
            &json!({"member": member.id, "revoked": slot.certificate_serial}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Orders {
    /// Which usage records of the organisation the member may read: an admin every record of
    /// the organisation's certificates (optionally one member's), a user only their own.
    pub async fn org_usage_scope(
        &self,
        member: &OrgMember,
        filter: &OrgUsageFilter,
    ) -> Result<OrgUsageScope, OrderError> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM entitlements WHERE org_id = $1")
            .bind(member.org_id())
            .fetch_all(self.store.pool())
            .await?;
        let mut serials: Vec<String> = self
            .authority
            .certificates_of_entitlements(&ids)
            .await?
            .into_iter()
            .map(|c| c.serial)
            .collect();
        if let Some(s) = &filter.serial {
            serials.retain(|x| x.eq_ignore_ascii_case(s.trim()));
        }
        let accounts = match (member.role(), &filter.member_id) {
            (Role::User, _) => Some(vec![member.account_id().to_string()]),
            (Role::Admin, None) => None,
            (Role::Admin, Some(member_id)) => Some(
                self.orgs
                    .account_of_member(member.org_id(), member_id)
                    .await
                    .map_err(|e| OrderError::Internal(e.to_string()))?
                    .into_iter()
                    .collect(),
            ),
        };
        Ok(OrgUsageScope::new(serials, accounts))
    }
}
