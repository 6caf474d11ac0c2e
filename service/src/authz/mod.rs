//! Who may do what, in one place. Handlers only say who is asking (an [`Actor`]); domain
//! commands take a *grant*, a value that only the policy functions below can make, after their
//! check. A command that needs a grant cannot be called without the check, so a forgotten
//! check does not compile. Organisation roles (admin, user) plug in here as further grants.
//!
//! Grants carry what they were checked for (the account whose data may be touched, the
//! platform whose sessions may be read), so a command scopes its queries by the grant and not
//! by an id taken from the request.

use std::fmt;

pub use mcert_core::wire::orgs::Role;

/// Who is asking.
#[derive(Clone, PartialEq, Eq)]
pub enum Actor {
    /// A logged-in user (bearer token), by account id.
    Account(String),
    /// A relying platform (API key), by platform id.
    Platform(String),
    /// A reviewer of the console, by reviewer id.
    Reviewer(String),
    /// The operator at the command line (`mcert ca revoke`, `mcert platform add`).
    Operator(String),
    /// A payment, SMS or identity gateway (signed webhook), by gateway name.
    Gateway(String),
    /// The service itself (start-up, schedules, the outbox worker).
    System,
}

impl Actor {
    /// How the audit log names the actor.
    pub fn audit_name(&self) -> String {
        match self {
            Actor::Account(id) => format!("account:{id}"),
            Actor::Platform(id) => format!("platform:{id}"),
            Actor::Reviewer(id) => format!("reviewer:{id}"),
            Actor::Operator(name) => format!("operator:{name}"),
            Actor::Gateway(name) => format!("gateway:{name}"),
            Actor::System => "system".to_string(),
        }
    }
}

impl fmt::Debug for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.audit_name())
    }
}

/// Refused by the policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("this needs a logged-in user")]
    NotAnAccount,
    #[error("this needs a relying platform")]
    NotAPlatform,
    #[error("this needs the operator")]
    NotTheOperator,
    #[error("this needs a payment gateway")]
    NotAGateway,
    #[error("this needs a reviewer")]
    NotAReviewer,
    /// Not a member of the organisation: answered as if it did not exist, so that ids of
    /// other organisations tell nothing.
    #[error("no such organisation among yours")]
    NotAMember,
    #[error("this needs a certificate administrator of the organisation")]
    NotAnAdmin,
    #[error("membership lookup failed: {0}")]
    Lookup(String),
    #[error("a key recovery needs two different, active reviewers")]
    TwoReviewers,
}

/// A user may act on their own account's data (orders, identity, certificates, usage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnAccount {
    account_id: String,
}

impl OwnAccount {
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn actor(&self) -> Actor {
        Actor::Account(self.account_id.clone())
    }
}

/// A relying platform may act on its own sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnPlatform {
    platform_id: String,
}

impl OwnPlatform {
    pub fn platform_id(&self) -> &str {
        &self.platform_id
    }
}

/// The operator may run the CA and the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorGrant {
    actor: Actor,
}

impl OperatorGrant {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
}

/// A gateway (its signature already checked) may report payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayGrant {
    gateway: String,
}

impl GatewayGrant {
    pub fn gateway(&self) -> &str {
        &self.gateway
    }
}

/// A reviewer of the console may read and decide the review queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewerGrant {
    reviewer_id: String,
}

impl ReviewerGrant {
    pub fn reviewer_id(&self) -> &str {
        &self.reviewer_id
    }

    pub fn actor(&self) -> Actor {
        Actor::Reviewer(self.reviewer_id.clone())
    }
}

/// A judicial recovery of an escrowed key: asked by the operator, approved by two different
/// reviewers who each logged in with password and TOTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecoveryGrant {
    operator: Actor,
    approvers: [String; 2],
}

impl KeyRecoveryGrant {
    pub fn operator(&self) -> &Actor {
        &self.operator
    }

    /// The two approving reviewers' ids.
    pub fn approvers(&self) -> &[String; 2] {
        &self.approvers
    }
}

/// A member of an organisation (either role) may read what the organisation shows its members
/// and act on their own part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgMember {
    account_id: String,
    org_id: String,
    member_id: String,
    role: Role,
}

impl OrgMember {
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn org_id(&self) -> &str {
        &self.org_id
    }

    pub fn member_id(&self) -> &str {
        &self.member_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn actor(&self) -> Actor {
        Actor::Account(self.account_id.clone())
    }

    /// The same person as an administrator, if that is their role.
    pub fn admin(&self) -> Result<OrgAdmin, Denied> {
        match self.role {
            Role::Admin => Ok(OrgAdmin(self.clone())),
            Role::User => Err(Denied::NotAnAdmin),
        }
    }
}

/// A certificate administrator (证书管理员) of an organisation: grants members, assigns
/// owners and holders, applies, sees every usage record of the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAdmin(OrgMember);

impl std::ops::Deref for OrgAdmin {
    type Target = OrgMember;
    fn deref(&self) -> &OrgMember {
        &self.0
    }
}

/// The service's own jobs (start-up, schedules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemGrant(());

/// The policy: the only makers of grants.
pub mod policy {
    use super::*;

    /// A user on their own data.
    pub fn own_account(actor: &Actor) -> Result<OwnAccount, Denied> {
        match actor {
            Actor::Account(id) => Ok(OwnAccount {
                account_id: id.clone(),
            }),
            _ => Err(Denied::NotAnAccount),
        }
    }

    /// A platform on its own sessions.
    pub fn own_platform(actor: &Actor) -> Result<OwnPlatform, Denied> {
        match actor {
            Actor::Platform(id) => Ok(OwnPlatform {
                platform_id: id.clone(),
            }),
            _ => Err(Denied::NotAPlatform),
        }
    }

    /// The operator.
    pub fn operator(actor: &Actor) -> Result<OperatorGrant, Denied> {
        match actor {
            Actor::Operator(_) => Ok(OperatorGrant {
                actor: actor.clone(),
            }),
            _ => Err(Denied::NotTheOperator),
        }
    }

    /// A gateway whose signed notification verified.
    pub fn gateway(actor: &Actor) -> Result<GatewayGrant, Denied> {
        match actor {
            Actor::Gateway(name) => Ok(GatewayGrant {
                gateway: name.clone(),
            }),
            _ => Err(Denied::NotAGateway),
        }
    }

    /// The service itself.
    pub fn system() -> SystemGrant {
        SystemGrant(())
    }

    /// A reviewer (logged in to the console with password and TOTP).
    pub fn reviewer(actor: &Actor) -> Result<ReviewerGrant, Denied> {
        match actor {
            Actor::Reviewer(id) => Ok(ReviewerGrant {
                reviewer_id: id.clone(),
            }),
            _ => Err(Denied::NotAReviewer),
        }
    }

    /// A judicial key recovery: the operator, with two different reviewers' console logins.
    pub fn key_recovery(
        operator: &Actor,
        first: &crate::reviewers::ConsoleSession,
        second: &crate::reviewers::ConsoleSession,
    ) -> Result<KeyRecoveryGrant, Denied> {
        let Actor::Operator(_) = operator else {
            return Err(Denied::NotTheOperator);
        };
        let (a, b) = (&first.reviewer, &second.reviewer);
        if a.id == b.id || a.disabled || b.disabled {
            return Err(Denied::TwoReviewers);
        }
        Ok(KeyRecoveryGrant {
            operator: operator.clone(),
            approvers: [a.id.clone(), b.id.clone()],
        })
    }

    /// A member of the organisation, as the organisations domain finds them (by the phone
    /// number of the account).
    pub async fn org_member(
        actor: &Actor,
        orgs: &crate::orgs::Orgs,
        org_id: &str,
    ) -> Result<OrgMember, Denied> {
        let Actor::Account(account_id) = actor else {
            return Err(Denied::NotAnAccount);
        };
        let membership = orgs
            .membership(account_id, org_id)
            .await
            .map_err(|e| Denied::Lookup(e.to_string()))?;
        member_from(account_id, org_id, membership)
    }

    /// An administrator of the organisation.
    pub async fn org_admin(
        actor: &Actor,
        orgs: &crate::orgs::Orgs,
        org_id: &str,
    ) -> Result<OrgAdmin, Denied> {
        org_member(actor, orgs, org_id).await?.admin()
    }

    fn member_from(
        account_id: &str,
        org_id: &str,
        membership: Option<(String, Role)>,
    ) -> Result<OrgMember, Denied> {
        let (member_id, role) = membership.ok_or(Denied::NotAMember)?;
        Ok(OrgMember {
            account_id: account_id.to_string(),
            org_id: org_id.to_string(),
            member_id,
            role,
        })
    }

    #[cfg(test)]
    pub(super) fn member_for_test(
        account_id: &str,
        org_id: &str,
        membership: Option<(String, Role)>,
    ) -> Result<OrgMember, Denied> {
        member_from(account_id, org_id, membership)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_follow_the_actor() {
        let user = Actor::Account("01A".into());
        assert_eq!(policy::own_account(&user).expect("own").account_id(), "01A");
        assert_eq!(policy::own_platform(&user), Err(Denied::NotAPlatform));
        assert_eq!(policy::operator(&user), Err(Denied::NotTheOperator));
        let platform = Actor::Platform("demo".into());
        assert_eq!(policy::own_account(&platform), Err(Denied::NotAnAccount));
        assert_eq!(
            policy::own_platform(&platform).expect("own").platform_id(),
            "demo"
        );
        assert!(policy::operator(&Actor::Operator("cli".into())).is_ok());
        assert!(policy::gateway(&Actor::Gateway("dev".into())).is_ok());
        assert_eq!(Actor::System.audit_name(), "system");
        assert!(policy::reviewer(&Actor::Reviewer("r1".into())).is_ok());
        assert_eq!(policy::reviewer(&user), Err(Denied::NotAReviewer));
    }

    #[test]
    fn organisation_grants_follow_the_membership() {
        let admin = Some(("m1".to_string(), Role::Admin));
        let member = Some(("m2".to_string(), Role::User));
        let granted = policy::member_for_test("01A", "o1", admin).expect("member");
        assert_eq!(granted.admin().expect("admin").member_id(), "m1");
        let user = policy::member_for_test("01A", "o1", member).expect("member");
        assert_eq!(user.admin(), Err(Denied::NotAnAdmin));
        assert_eq!(
            policy::member_for_test("01A", "o1", None),
            Err(Denied::NotAMember)
        );
    }
}
