//! Entitlements (paid certificate slots): listing, installing a certificate from the device's
//! CSR, the holder's certificates and 挂失.

use mcert_core::clock::{rfc3339, unix_millis};
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::x509::{self, Profile};
use serde_json::json;

use super::{
    CertificateView, Entitlement, EntitlementKind, EntitlementStatus, Installed, OrderError,
    Orders, YEAR, b64, repo,
};
use crate::audit;
use crate::authority::IssueRequest;
use crate::authz::OwnAccount;

impl Orders {
    pub async fn entitlements(&self, owner: &OwnAccount) -> Result<Vec<Entitlement>, OrderError> {
        let account_id = owner.account_id();
        let rows: Vec<repo::EntitlementRow> = sqlx::query_as(
            "SELECT id, order_id, kind, years, status, certificate_serial FROM entitlements
             WHERE holder_account_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(account_id)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.into_iter().map(Entitlement::from).collect())
    }

    /// Issues the certificate of an entitlement for the key in the device's CSR.
    pub async fn install(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
        csr: &[u8],
    ) -> Result<Installed, OrderError> {
        let account_id = owner.account_id();
        let repo::InstallableRow {
            kind,
            years,
            status,
            owner_account_id,
        } = sqlx::query_as(
            "SELECT kind, years, status, owner_account_id FROM entitlements
             WHERE id = $1 AND holder_account_id = $2",
        )
        .bind(entitlement_id)
        .bind(account_id)
        .fetch_optional(self.store.pool())
        .await?
        .ok_or(OrderError::UnknownEntitlement)?;
        if EntitlementStatus::parse(&status) != Some(EntitlementStatus::Assigned)
            || EntitlementKind::parse(&kind) != Some(EntitlementKind::Personal)
        {
            return Err(OrderError::NotInstallable(status));
        }
        let subject_owner = owner_account_id.ok_or(OrderError::NotInstallable(status))?;
        let subject = self.owner_subject(&subject_owner).await?;
        let years_u32 = u32::try_from(years).map_err(|_| OrderError::BadPeriod)?;
        let now = unix_millis(self.clock.now());
        // One unit of work: the slot is claimed first (a concurrent install finds it taken
        // and issues nothing), then the certificate is issued into the same transaction, so
        // a slot never has two certificates and nothing needs revoking afterwards.
        let mut tx = self.store.begin().await?;
        let claimed = sqlx::query(
            "UPDATE entitlements SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(EntitlementStatus::Issued.as_str())
        .bind(now)
        .bind(entitlement_id)
        .bind(EntitlementStatus::Assigned.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed != 1 {
            return Err(OrderError::NotInstallable(
                EntitlementStatus::Issued.as_str().into(),
            ));
        }
        let issued = self
            .authority
            .issue_in(
                &mut tx,
                IssueRequest {
                    csr,
                    subject,
                    profile: Profile::PersonalLeaf,
                    validity: YEAR * years_u32,
                    entitlement_id: Some(entitlement_id),
                    actor: &owner.actor().audit_name(),
                },
            )
            .await?;
        sqlx::query("UPDATE entitlements SET certificate_serial = $1 WHERE id = $2")
            .bind(&issued.serial)
            .bind(entitlement_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &owner.actor().audit_name(),
            "entitlement.issued",
            entitlement_id,
            &json!({"serial": issued.serial}),
        )
        .await?;
        tx.commit().await?;
        Ok(Installed {
            serial: issued.serial,
            certificate: b64(&issued.certificate),
            chain: issued.chain.iter().map(|c| b64(c)).collect(),
            not_after: rfc3339(issued.not_after),
        })
    }

    async fn owner_subject(&self, owner_account_id: &str) -> Result<SubjectName, OrderError> {
        let (name, id_number) = self
            .identities
            .person(owner_account_id)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?
            .ok_or(OrderError::IdentityRequired)?;
        // No identity number in clear in the certificate (and so in the database): the
        // subject's serialNumber is the person's keyed lookup hash (see `Identities::subject_id`).
        Ok(SubjectName {
            country: Some("CN".into()),
            common_name: Some(name),
            serial_number: Some(self.identities.subject_id(&id_number)),
            ..Default::default()
        })
    }

    /// The holder's own 挂失 (report lost): revokes a certificate the account holds, for
    /// keyCompromise (a lost phone carries the key), so that key is never certified again. The
    /// caller has re-authenticated the user by SMS.
    pub async fn report_lost(&self, owner: &OwnAccount, serial: &str) -> Result<(), OrderError> {
        self.ensure_holder(owner, serial).await?;
        self.authority
            .revoke(
                serial,
                mcert_core::crypto::revocation::RevocationReason::KeyCompromise,
                &owner.actor().audit_name(),
            )
            .await?;
        Ok(())
    }

    /// The entitlements the account holds.
    async fn held_entitlements(&self, owner: &OwnAccount) -> Result<Vec<String>, OrderError> {
        Ok(repo::held_by(self.store.pool(), owner.account_id()).await?)
    }

    /// Refuses (as unknown) a certificate the account does not hold.
    pub async fn ensure_holder(&self, owner: &OwnAccount, serial: &str) -> Result<(), OrderError> {
        let ids = self.held_entitlements(owner).await?;
        let held = self
            .authority
            .certificates_of_entitlements(&ids)
            .await?
            .iter()
            .any(|c| c.serial.eq_ignore_ascii_case(serial));
        if !held {
            return Err(OrderError::UnknownCertificate);
        }
        Ok(())
    }

    /// The certificates the account holds.
    pub async fn certificates(
        &self,
        owner: &OwnAccount,
    ) -> Result<Vec<CertificateView>, OrderError> {
        let now = unix_millis(self.clock.now());
        let ids = self.held_entitlements(owner).await?;
        let rows = self.authority.certificates_of_entitlements(&ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let cert =
                x509::parse_certificate(&r.der).map_err(|e| OrderError::Internal(e.to_string()))?;
            let info = x509::info(&cert).map_err(|e| OrderError::Internal(e.to_string()))?;
            let status = if r.status == "good" && r.not_after < now {
                "expired".to_string()
            } else {
                r.status
            };
            out.push(CertificateView {
                serial: r.serial,
                entitlement_id: r.entitlement_id,
                subject: info.subject_text,
                issuer: info.issuer_text,
                algorithm: r.algorithm,
                not_before: rfc3339(info.not_before),
                not_after: rfc3339(info.not_after),
                status,
                certificate: b64(&r.der),
            });
        }
        Ok(out)
    }
}
