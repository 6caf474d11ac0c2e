//! Who may do what, in one place. Handlers only say who is asking (an [`Actor`]); domain
//! commands take a *grant*, a value that only the policy functions below can make, after their
//! check. A command that needs a grant cannot be called without the check, so a forgotten
//! check does not compile. Organisation roles (admin, user) plug in here as further grants.
//!
//! Grants carry what they were checked for (the account whose data may be touched, the
//! platform whose sessions may be read), so a command scopes its queries by the grant and not
//! by an id taken from the request.

use std::fmt;

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
    }
}
