//! Organisations (单位): registration with a verified unified social credit code, members and
//! roles (证书管理员 / 证书使用人), and CA authorisation (CA 授权: the legal representative's
//! face check or a stamped letter, reviewed). Seed 000 §2.1; seed 003 §1–3.
//!
//! A person belongs to an organisation by phone number: an admin adds a member by name, ID
//! number and phone, and whoever logs in with that phone sees the organisation. One credit
//! code is one organisation; a second applicant joins through the existing admins.

mod authorisation;
mod letter;
mod members;
pub mod repo;

use std::sync::Arc;

use mcert_core::clock::{Clock, from_unix_millis, rfc3339, unix_millis};
use mcert_core::i18n::Locale;
use mcert_core::validate;
use serde_json::json;

pub use authorisation::LetterFacts;
pub use mcert_core::wire::orgs::{
    ApplicantRelation, Authorisation, FaceAuthorisation, Member, NewMember, NewOrganisation,
    Organisation, ProgressStep, Role,
};
pub use members::MemberFacts;
pub use repo::AuthStatus;

use crate::accounts::Accounts;
use crate::audit;
use crate::authz::{OrgMember, OwnAccount};
use crate::identity::Identities;
use crate::outbox::Outbox;
use crate::store::{Store, StoreError};
use crate::uploads::Uploads;

#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error("organisation name must be 2 to 100 characters")]
    BadName,
    #[error("invalid unified social credit code")]
    BadCreditCode,
    #[error("name must be 2 to 30 characters")]
    BadPersonName,
    #[error("invalid identity number")]
    BadIdNumber,
    #[error("invalid mobile number")]
    BadPhone,
    #[error(
        "this credit code is already registered; ask its certificate administrators to add you"
    )]
    AlreadyRegistered,
    #[error("another registration of this credit code is already authorised")]
    CodeAuthorisedElsewhere,
    #[error("too many registrations today")]
    TooManyRegistrations,
    #[error("real-name verification is needed first")]
    IdentityRequired,
    #[error("you are not the legal representative named")]
    NotTheLegalRep,
    #[error("no such member")]
    UnknownMember,
    #[error("you are no longer a certificate administrator of the organisation")]
    NoLongerAdmin,
    #[error("this phone number is already a member")]
    AlreadyMember,
    #[error("an organisation keeps at least one certificate administrator")]
    LastAdmin,
    #[error("the member still holds certificates; assign them to someone else first")]
    HoldsCertificates,
    #[error("the organisation is already authorised")]
    AlreadyAuthorised,
    #[error("the authorisation letter is under review")]
    UnderReview,
    #[error("the upload is not this organisation's authorisation letter")]
    BadLetter,
    #[error("the organisation has no CA authorisation yet")]
    NotAuthorised,
    #[error("the letter template is unavailable: {0}")]
    LetterUnavailable(String),
    #[error("identity check: {0}")]
    Identity(#[from] crate::identity::IdentityError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for OrgError {
    fn from(e: sqlx::Error) -> Self {
        OrgError::Store(StoreError::Database(e))
    }
}

fn label(id: &str) -> String {
    crate::i18n::message(Locale::ZhCn, id, &[])
}

fn check_person_name(name: &str) -> Result<&str, OrgError> {
    let name = name.trim();
    if !validate::is_person_name(name) {
        return Err(OrgError::BadPersonName);
    }
    Ok(name)
}

fn check_id_number(id: &str) -> Result<String, OrgError> {
    let id = id.trim().to_ascii_uppercase();
    if !validate::is_id_number(&id) {
        return Err(OrgError::BadIdNumber);
    }
    Ok(id)
}

/// Organisations one account may register per day.
const REGISTRATIONS_PER_DAY: crate::limits::Limit = crate::limits::Limit {
    max: 5,
    window: std::time::Duration::from_secs(86_400),
};

/// Organisations, members and CA authorisation (owner of `organisations` and `org_members`).
#[derive(Clone)]
pub struct Orgs {
    store: Store,
    clock: Arc<dyn Clock>,
    accounts: Accounts,
    identities: Identities,
    uploads: Uploads,
    outbox: Outbox,
}

impl std::fmt::Debug for Orgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Orgs").finish_non_exhaustive()
    }
}

impl Orgs {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        accounts: Accounts,
        identities: Identities,
        uploads: Uploads,
        outbox: Outbox,
    ) -> Self {
        Orgs {
            store,
            clock,
            accounts,
            identities,
            uploads,
            outbox,
        }
    }

    pub(crate) async fn phone_of(&self, account_id: &str) -> Result<String, OrgError> {
        self.accounts
            .phone_of(account_id)
            .await
            .map_err(|e| OrgError::Internal(e.to_string()))?
            .ok_or_else(|| OrgError::Internal("account without phone".into()))
    }

    /// The account's membership of the organisation (member id, role), for the policy.
    pub async fn membership(
        &self,
        account_id: &str,
        org_id: &str,
    ) -> Result<Option<(String, Role)>, OrgError> {
        let phone = self.phone_of(account_id).await?;
        let Some((id, role, lookup)) = repo::membership(self.store.pool(), org_id, &phone).await?
        else {
            return Ok(None);
        };
        if !self.is_the_person(account_id, &lookup).await? {
            return Ok(None);
        }
        Ok(Role::parse(&role).map(|r| (id, r)))
    }

    /// Whether the account's verified identity is the member record's person. A phone number
    /// alone is not enough: a mistyped or recycled number (二次放号) would otherwise hand the
    /// organisation to a stranger.
    async fn is_the_person(&self, account_id: &str, member_lookup: &str) -> Result<bool, OrgError> {
        Ok(self
            .identities
            .lookup_of(account_id)
            .await?
            .is_some_and(|(_, lookup)| lookup == member_lookup))
    }

    /// Registers an organisation; the applicant becomes its first certificate administrator.
    pub async fn register(
        &self,
        owner: &OwnAccount,
        req: &NewOrganisation,
    ) -> Result<Organisation, OrgError> {
        let name = valid_org_name(&req.name).ok_or(OrgError::BadName)?;
        let code = req.credit_code.trim().to_ascii_uppercase();
        if !validate::is_unified_code(&code) {
            return Err(OrgError::BadCreditCode);
        }
        let rep_name = check_person_name(&req.legal_rep_name)?;
        let rep_id = check_id_number(&req.legal_rep_id_number)?;
        let account_id = owner.account_id();
        let (me_name, me_lookup) = self
            .identities
            .lookup_of(account_id)
            .await?
            .ok_or(OrgError::IdentityRequired)?;
        let rep_lookup = self.identities.lookup_hash(&rep_id);
        if req.applicant_relation == ApplicantRelation::LegalRepresentative
            && (me_lookup != rep_lookup || me_name != rep_name)
        {
            return Err(OrgError::NotTheLegalRep);
        }
        let (_, me_number) = self
            .identities
            .person(account_id)
            .await?
            .ok_or(OrgError::IdentityRequired)?;
        let phone = self.phone_of(account_id).await?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let org_id = mcert_core::id::ulid(now_t).map_err(|e| OrgError::Internal(e.to_string()))?;
        let member_id =
            mcert_core::id::ulid(now_t).map_err(|e| OrgError::Internal(e.to_string()))?;
        let actor = owner.actor().audit_name();
        let mut tx = self.store.begin().await?;
        if crate::limits::take(
            &mut tx,
            &format!("org-register:{account_id}"),
            REGISTRATIONS_PER_DAY,
            now,
        )
        .await?
        .is_err()
        {
            return Err(OrgError::TooManyRegistrations);
        }
        // A code already authorised is taken; until then several applicants may register it
        // (a squatter cannot block the real company), and the first authorised wins.
        if repo::code_authorised_in(&mut tx, &code).await? {
            return Err(OrgError::AlreadyRegistered);
        }
        let inserted = repo::insert_org(
            &mut tx,
            &repo::NewOrg {
                id: &org_id,
                name,
                credit_code: &code,
                legal_rep_name: rep_name,
                legal_rep_id_sealed: &self
                    .identities
                    .seal_number(&format!("org:{org_id}"), &rep_id)?,
                legal_rep_id_masked: &validate::mask_id_number(&rep_id),
                legal_rep_id_lookup: &rep_lookup,
                applicant_relation: req.applicant_relation.as_str(),
                created_by: account_id,
                now,
            },
        )
        .await?;
        if !inserted {
            return Err(OrgError::AlreadyRegistered);
        }
        repo::insert_member(
            &mut tx,
            &repo::NewMemberRow {
                id: &member_id,
                org_id: &org_id,
                name: &me_name,
                id_number_sealed: &self
                    .identities
                    .seal_number(&format!("member:{member_id}"), &me_number)?,
                id_number_masked: &validate::mask_id_number(&me_number),
                id_number_lookup: &me_lookup,
                phone: &phone,
                role: Role::Admin,
                added_by: &actor,
                now,
            },
        )
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "org.registered",
            &org_id,
            &json!({"name": name, "credit_code": code, "first_admin": member_id}),
        )
        .await?;
        tx.commit().await?;
        self.view(&org_id, Role::Admin).await
    }

    /// The organisations the account belongs to.
    pub async fn list(&self, owner: &OwnAccount) -> Result<Vec<Organisation>, OrgError> {
        let phone = self.phone_of(owner.account_id()).await?;
        let mut out = Vec::new();
        for (org_id, role, lookup) in repo::orgs_of_phone(self.store.pool(), &phone).await? {
            if !self.is_the_person(owner.account_id(), &lookup).await? {
                continue;
            }
            if let Some(role) = Role::parse(&role) {
                out.push(self.view(&org_id, role).await?);
            }
        }
        Ok(out)
    }

    /// The organisation as a member sees it.
    pub async fn get(&self, member: &OrgMember) -> Result<Organisation, OrgError> {
        self.view(member.org_id(), member.role()).await
    }

    async fn view(&self, org_id: &str, role: Role) -> Result<Organisation, OrgError> {
        let row = repo::org(self.store.pool(), org_id)
            .await?
            .ok_or_else(|| OrgError::Internal("organisation vanished".into()))?;
        let authorisation = authorisation::view(&row);
        Ok(Organisation {
            id: row.id,
            name: row.name,
            credit_code: row.credit_code,
            legal_rep_name: row.legal_rep_name,
            legal_rep_id_masked: row.legal_rep_id_masked,
            role,
            role_label: label(role_message_id(role)),
            authorisation,
            created_at: rfc3339(from_unix_millis(row.created_at)),
        })
    }

    /// Name and credit code of an organisation (for certificates, reviews, invoices).
    pub async fn name_and_code(&self, org_id: &str) -> Result<(String, String), OrgError> {
        let row = repo::org(self.store.pool(), org_id)
            .await?
            .ok_or_else(|| OrgError::Internal("organisation vanished".into()))?;
        Ok((row.name, row.credit_code))
    }

    /// What a reviewer of the organisation's applications compares with its business licence:
    /// name, credit code, the legal representative declared, and how the CA authorisation was
    /// given (the legal representative's face, or a reviewed letter).
    pub async fn review_facts(
        &self,
        org_id: &str,
    ) -> Result<Vec<(&'static str, String)>, OrgError> {
        let row = repo::org(self.store.pool(), org_id)
            .await?
            .ok_or_else(|| OrgError::Internal("organisation vanished".into()))?;
        let method = match row.auth_method.as_deref() {
            Some("face") => "org-auth-method-face",
            Some("letter") => "org-auth-method-letter",
            _ => "org-auth-none",
        };
        Ok(vec![
            ("review-fact-org-name", row.name),
            ("review-fact-credit-code", row.credit_code),
            ("review-fact-legal-rep", row.legal_rep_name),
            ("review-fact-auth-method", label(method)),
        ])
    }

    /// Whether the organisation may buy certificates (its CA authorisation was approved).
    pub async fn ensure_authorised(&self, org_id: &str) -> Result<(), OrgError> {
        let row = repo::org(self.store.pool(), org_id)
            .await?
            .ok_or_else(|| OrgError::Internal("organisation vanished".into()))?;
        if AuthStatus::parse(&row.auth_status) != Some(AuthStatus::Approved) {
            return Err(OrgError::NotAuthorised);
        }
        Ok(())
    }
}

/// An organisation's name as registered: 2 to 100 characters, no control characters, trimmed.
pub fn valid_org_name(name: &str) -> Option<&str> {
    let name = name.trim();
    let n = name.chars().count();
    ((2..=100).contains(&n) && !name.chars().any(char::is_control)).then_some(name)
}

/// The Fluent message of a role's label.
pub fn role_message_id(role: Role) -> &'static str {
    match role {
        Role::Admin => "org-role-admin",
        Role::User => "org-role-user",
    }
}
