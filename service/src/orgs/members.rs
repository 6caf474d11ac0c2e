//! Members and roles (授权管理, seed 000 §2.1 非首次申请): admins add members by name, ID
//! number and phone as 证书管理员 or 证书使用人, change roles and remove members; the last
//! admin can be neither demoted nor removed; users cannot grant.

use mcert_core::clock::{from_unix_millis, rfc3339, unix_millis};
use mcert_core::validate;
use serde_json::json;

use super::{
    Member, NewMember, OrgError, Orgs, Role, check_id_number, check_person_name, label, repo,
    role_message_id,
};
use crate::audit;
use crate::authz::{OrgAdmin, OrgMember};
use crate::store::Tx;

/// A member as the certificate slots need them (holder checks, holder views).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberFacts {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub id_number_lookup: String,
}

impl Orgs {
    /// Every member (admins only: users see the organisation, not its people).
    pub async fn members(&self, admin: &OrgAdmin) -> Result<Vec<Member>, OrgError> {
        let rows = repo::members(self.store.pool(), admin.org_id()).await?;
        let phones: Vec<String> = rows.iter().map(|r| r.phone.clone()).collect();
        let with_accounts = self
            .accounts
            .phones_with_accounts(&phones)
            .await
            .map_err(|e| OrgError::Internal(e.to_string()))?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let has_account = with_accounts.contains(&r.phone);
                member_view(r, has_account)
            })
            .collect())
    }

    /// Adds a member. The person sees the organisation when they log in with the phone.
    pub async fn add_member(&self, admin: &OrgAdmin, req: &NewMember) -> Result<Member, OrgError> {
        let name = check_person_name(&req.name)?;
        let id_number = check_id_number(&req.id_number)?;
        let phone = req.phone.trim();
        if !validate::is_mobile(phone) {
            return Err(OrgError::BadPhone);
        }
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|e| OrgError::Internal(e.to_string()))?;
        let actor = admin.actor().audit_name();
        let mut tx = self.store.begin().await?;
        self.recheck_in(&mut tx, admin, None, now).await?;
        let added = repo::insert_member(
            &mut tx,
            &repo::NewMemberRow {
                id: &id,
                org_id: admin.org_id(),
                name,
                id_number_sealed: &self
                    .identities
                    .seal_number(&format!("member:{id}"), &id_number)?,
                id_number_masked: &validate::mask_id_number(&id_number),
                id_number_lookup: &self.identities.lookup_hash(&id_number),
                phone,
                role: req.role,
                added_by: &actor,
                now,
            },
        )
        .await?;
        if !added {
            return Err(OrgError::AlreadyMember);
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "org.member_added",
            admin.org_id(),
            &json!({"member": id, "role": req.role.as_str(), "phone": validate::mask_mobile(phone)}),
        )
        .await?;
        tx.commit().await?;
        let row = repo::member(self.store.pool(), admin.org_id(), &id)
            .await?
            .ok_or(OrgError::UnknownMember)?;
        let has = !self
            .accounts
            .phones_with_accounts(std::slice::from_ref(&row.phone))
            .await
            .map_err(|e| OrgError::Internal(e.to_string()))?
            .is_empty();
        Ok(member_view(row, has))
    }

    /// Changes a member's role; demoting the last admin is refused.
    pub async fn change_role(
        &self,
        admin: &OrgAdmin,
        member_id: &str,
        role: Role,
    ) -> Result<(), OrgError> {
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        self.recheck_in(&mut tx, admin, Some(member_id), now)
            .await?;
        if !repo::set_role(&mut tx, admin.org_id(), member_id, role).await? {
            return Err(OrgError::UnknownMember);
        }
        if repo::count_admins(&mut tx, admin.org_id()).await? == 0 {
            return Err(OrgError::LastAdmin);
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &admin.actor().audit_name(),
            "org.member_role",
            admin.org_id(),
            &json!({"member": member_id, "role": role.as_str()}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member who holds no certificate; removing the last admin is refused.
    pub async fn remove_member(&self, admin: &OrgAdmin, member_id: &str) -> Result<(), OrgError> {
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        self.recheck_in(&mut tx, admin, Some(member_id), now)
            .await?;
        if crate::billing::repo::slots_held_by_member(&mut tx, admin.org_id(), member_id).await? > 0
        {
            return Err(OrgError::HoldsCertificates);
        }
        if !repo::delete_member(&mut tx, admin.org_id(), member_id).await? {
            return Err(OrgError::UnknownMember);
        }
        if repo::count_admins(&mut tx, admin.org_id()).await? == 0 {
            return Err(OrgError::LastAdmin);
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &admin.actor().audit_name(),
            "org.member_removed",
            admin.org_id(),
            &json!({"member": member_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A member of the organisation, for holder checks (None if not a member).
    pub async fn member_facts(
        &self,
        org_id: &str,
        member_id: &str,
    ) -> Result<Option<MemberFacts>, OrgError> {
        Ok(repo::member(self.store.pool(), org_id, member_id)
            .await?
            .map(|r| MemberFacts {
                id: r.id,
                name: r.name,
                phone: r.phone,
                id_number_lookup: r.id_number_lookup,
            }))
    }

    /// Inside a unit of work: locks the organisation (its membership changes wait for this
    /// one) and checks that the admin is still an admin and, when given, that `member_id` is
    /// still a member — a grant taken before the transaction may be stale by now.
    pub async fn recheck_in(
        &self,
        tx: &mut Tx,
        admin: &OrgAdmin,
        member_id: Option<&str>,
        now: i64,
    ) -> Result<(), OrgError> {
        repo::lock_org(tx, admin.org_id(), now).await?;
        let me = repo::member_in(tx, admin.org_id(), admin.member_id()).await?;
        if me.and_then(|m| Role::parse(&m.role)) != Some(Role::Admin) {
            return Err(OrgError::NoLongerAdmin);
        }
        if let Some(id) = member_id
            && repo::member_in(tx, admin.org_id(), id).await?.is_none()
        {
            return Err(OrgError::UnknownMember);
        }
        Ok(())
    }

    /// The account of a member (by their phone), if they have logged in.
    pub async fn account_of_member(
        &self,
        org_id: &str,
        member_id: &str,
    ) -> Result<Option<String>, OrgError> {
        let Some(m) = repo::member(self.store.pool(), org_id, member_id).await? else {
            return Ok(None);
        };
        self.accounts
            .account_id_of_phone(&m.phone)
            .await
            .map_err(|e| OrgError::Internal(e.to_string()))
    }

    /// The caller's own member record.
    pub async fn me(&self, member: &OrgMember) -> Result<MemberFacts, OrgError> {
        self.member_facts(member.org_id(), member.member_id())
            .await?
            .ok_or(OrgError::UnknownMember)
    }
}

fn member_view(r: repo::MemberRow, has_account: bool) -> Member {
    let role = Role::parse(&r.role).unwrap_or(Role::User);
    Member {
        id: r.id,
        name: r.name,
        id_number_masked: r.id_number_masked,
        phone_masked: validate::mask_mobile(&r.phone),
        role,
        role_label: label(role_message_id(role)),
        has_account,
        added_at: rfc3339(from_unix_millis(r.created_at)),
    }
}
