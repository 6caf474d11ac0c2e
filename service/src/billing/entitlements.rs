//! Entitlements (paid certificate slots): listing, installing a certificate from the device's
//! CSR, the holder's certificates and 挂失.

use mcert_core::clock::{rfc3339, unix_millis};
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::revocation::RevocationReason;
use mcert_core::crypto::x509::{self, Profile};
use serde_json::json;

use super::reissue::SlotIssue;
use super::{
    CertificateView, Entitlement, EntitlementKind, EntitlementStatus, Installed, OrderError,
    Orders, YEAR, b64, repo,
};
use crate::audit;
use crate::authority::IssueRequest;
use crate::authz::OwnAccount;
use crate::keys::Provide;

impl Orders {
    /// The slots the account holds: its own, and the organisations' slots whose holder it is
    /// (待申领的证书 while assigned).
    pub async fn entitlements(&self, owner: &OwnAccount) -> Result<Vec<Entitlement>, OrderError> {
        let ids = self.held_entitlements(owner).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row: Option<repo::EntitlementRow> = sqlx::query_as(
                "SELECT id, order_id, kind, years, status, certificate_serial, org_id, valid_until, renewal_due,
                     change_due
                 FROM entitlements WHERE id = $1",
            )
            .bind(&id)
            .fetch_optional(self.store.pool())
            .await?;
            let Some(row) = row else { continue };
            let until = row.valid_until;
            let mut e = Entitlement::from(row);
            e.renewable =
                super::renewal::renewable(&e.status, until, unix_millis(self.clock.now()))
                    && !e.renewal_due
                    && !e.change_due;
            if let Some(org) = &e.org_id {
                e.org_name = Some(
                    self.orgs
                        .name_and_code(org)
                        .await
                        .map_err(|e| OrderError::Internal(e.to_string()))?
                        .0,
                );
            }
            out.push(e);
        }
        Ok(out)
    }

    /// Issues the certificate of an entitlement for the key in the device's CSR.
    pub async fn install(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
        csr: &[u8],
    ) -> Result<Installed, OrderError> {
        self.issue_for_slot(owner, entitlement_id, csr, SlotIssue::Install)
            .await
    }

    /// The certificate of a slot, first or again: checks the caller holds the slot, names the
    /// subject, and in one unit of work claims the slot (install) or supersedes its current
    /// certificate (reissue), issues the signing certificate and brings the slot's escrowed
    /// encryption keys with it.
    pub(super) async fn issue_for_slot(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
        csr: &[u8],
        mode: SlotIssue<'_>,
    ) -> Result<Installed, OrderError> {
        if !self.holds(owner, entitlement_id).await? {
            return Err(OrderError::UnknownEntitlement);
        }
        let slot: repo::InstallableRow = sqlx::query_as(
            "SELECT kind, years, status, owner_account_id, holder_account_id, org_id, holder_member_id, owner_name, owner_id_sealed,
                 owner_id_lookup, valid_until
             FROM entitlements WHERE id = $1",
        )
        .bind(entitlement_id)
        .fetch_optional(self.store.pool())
        .await?
        .ok_or(OrderError::UnknownEntitlement)?;
        let status = slot.status.clone();
        let wanted = if mode.replaces() {
            EntitlementStatus::Issued
        } else {
            EntitlementStatus::Assigned
        };
        if EntitlementStatus::parse(&status) != Some(wanted) {
            return Err(OrderError::NotInstallable(status));
        }
        let kind =
            EntitlementKind::parse(&slot.kind).ok_or(OrderError::NotInstallable(status.clone()))?;
        let (subject, profile) = match &slot.org_id {
            None => {
                let subject_owner = slot
                    .owner_account_id
                    .clone()
                    .ok_or(OrderError::NotInstallable(status.clone()))?;
                (
                    self.owner_subject(&subject_owner).await?,
                    Profile::PersonalLeaf,
                )
            }
            Some(org_id) => {
                self.org_subject(owner, entitlement_id, org_id, kind, &slot)
                    .await?
            }
        };
        let now = unix_millis(self.clock.now());
        // Validity is counted from the first download; a later download (a new holder) keeps
        // the period that was bought.
        let validity = match slot.valid_until {
            Some(until) if until <= now => return Err(OrderError::PeriodEnded),
            Some(until) => {
                std::time::Duration::from_millis(u64::try_from(until - now).unwrap_or(0))
            }
            None => YEAR * u32::try_from(slot.years).map_err(|_| OrderError::BadPeriod)?,
        };
        let valid_until = now + i64::try_from(validity.as_millis()).unwrap_or(0);
        // One unit of work: the slot is claimed first (a concurrent install finds it taken
        // and issues nothing), then the certificate is issued into the same transaction, so
        // a slot never has two certificates and nothing needs revoking afterwards.
        // A renewal certifies the same key again: the CSR (signed by it) proves the PIN.
        if matches!(mode, SlotIssue::Renew | SlotIssue::Change) {
            self.ensure_current_key(entitlement_id, csr).await?;
        }
        let mut tx = self.store.begin().await?;
        let actor = owner.actor().audit_name();
        if matches!(mode, SlotIssue::Reissue { .. } | SlotIssue::Migrate { .. }) {
            self.ensure_no_sealed_bid_in(&mut tx, entitlement_id)
                .await?;
        }
        let mut rename = None;
        match mode {
            SlotIssue::Install => {}
            SlotIssue::Change => rename = self.take_change_in(&mut tx, entitlement_id).await?,
            SlotIssue::Reissue { verified_at, .. } => {
                self.spend_verification_in(&mut tx, entitlement_id, verified_at)
                    .await?;
            }
            SlotIssue::Renew => self.take_renewal_in(&mut tx, entitlement_id).await?,
            SlotIssue::Migrate { id } => self.take_migration_in(&mut tx, id).await?,
        }
        let reason = if mode == SlotIssue::Change {
            RevocationReason::AffiliationChanged
        } else {
            RevocationReason::Superseded
        };
        let replaced = if mode.replaces() {
            Some(
                self.supersede_in(&mut tx, entitlement_id, reason, &actor)
                    .await?,
            )
        } else {
            None
        };
        // The holder checked above must still be the holder: a holder change racing this install
        // makes the claim find nothing. (A reissue finds the slot issued and keeps it so.)
        let claimed = sqlx::query(
            "UPDATE entitlements SET status = $1, updated_at = $2, valid_until = COALESCE(valid_until, $5)
             WHERE id = $3 AND status = $4 AND COALESCE(holder_member_id, '') = $6
                 AND COALESCE(holder_account_id, '') = $7",
        )
        .bind(EntitlementStatus::Issued.as_str())
        .bind(now)
        .bind(entitlement_id)
        .bind(wanted.as_str())
        .bind(valid_until)
        .bind(slot.holder_member_id.clone().unwrap_or_default())
        .bind(slot.holder_account_id.clone().unwrap_or_default())
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
                    subject: subject.clone(),
                    profile,
                    validity,
                    entitlement_id: Some(entitlement_id),
                    actor: &actor,
                },
            )
            .await?;
        // The encryption half of the pair, from the key-management function, in the same
        // unit of work: the slot's escrowed keys sealed to the new signing certificate.
        let encryption_keys = self
            .keys
            .provide_in(
                &mut tx,
                Provide {
                    entitlement_id,
                    signing_serial: &issued.serial,
                    signing_certificate: &issued.certificate,
                    subject,
                    profile,
                    validity,
                    actor: &actor,
                },
            )
            .await?;
        sqlx::query(
            "UPDATE entitlements SET certificate_serial = $1, holder_account_id = COALESCE(holder_account_id, $3) WHERE id = $2",
        )
            .bind(&issued.serial)
            .bind(entitlement_id)
            .bind(owner.account_id())
            .execute(&mut *tx)
            .await?;
        // The old certificate's seals were voided with it: each comes back as a draft bound
        // to the new certificate, pre-filled, for the admin to submit for review again.
        if let Some(old) = &replaced {
            crate::seals::repo::reapply_in(
                &mut tx,
                (old, &issued.serial),
                rename
                    .as_ref()
                    .map(|(from, to)| (from.as_str(), to.as_str())),
                &actor,
                self.clock.now(),
            )
            .await?;
        }
        let (action, detail) = match mode {
            SlotIssue::Install => ("entitlement.issued", json!({"serial": issued.serial})),
            SlotIssue::Reissue { reason, .. } => (
                "entitlement.reissued",
                json!({"serial": issued.serial, "reason": reason.as_str()}),
            ),
            SlotIssue::Change => (
                "entitlement.changed",
                json!({"serial": issued.serial, "name": rename.as_ref().map(|r| r.1.clone())}),
            ),
            SlotIssue::Renew => (
                "entitlement.renewed",
                json!({"serial": issued.serial, "valid_until": valid_until}),
            ),
            SlotIssue::Migrate { id } => (
                "entitlement.migrated",
                json!({"serial": issued.serial, "migration": id}),
            ),
        };
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            action,
            entitlement_id,
            &detail,
        )
        .await?;
        // A reissue or a move tells the account's phone at once: if someone else did it, the
        // holder learns that the old certificate is gone and can act.
        let notice = self
            .replaced_notice(&mut tx, owner, mode, &issued.serial)
            .await?;
        let installed = Installed {
            serial: issued.serial,
            certificate: b64(&issued.certificate),
            chain: issued.chain.iter().map(|c| b64(c)).collect(),
            not_after: rfc3339(issued.not_after),
            encryption_keys,
        };
        // The new phone collects its certificate from the migration.
        if let SlotIssue::Migrate { id } = mode {
            self.migration_done_in(&mut tx, id, &installed).await?;
        }
        tx.commit().await?;
        if let Some(job) = &notice {
            self.outbox.deliver_now(job).await;
        }
        Ok(installed)
    }

    /// The subject of an organisation's slot, after checking that the caller is its holder and
    /// passed real-name verification as the member record says: an organisation certificate
    /// names the organisation (O, organizationIdentifier = credit code) and the holder (CN); a
    /// personal one names its owner (CN, keyed serialNumber) in the organisation (O).
    async fn org_subject(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
        org_id: &str,
        kind: EntitlementKind,
        slot: &repo::InstallableRow,
    ) -> Result<(SubjectName, Profile), OrderError> {
        let member_id = slot
            .holder_member_id
            .as_deref()
            .ok_or(OrderError::NotTheHolder)?;
        let member = self
            .orgs
            .member_facts(org_id, member_id)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?
            .ok_or(OrderError::NotTheHolder)?;
        let mine = self
            .identities
            .lookup_of(owner.account_id())
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?
            .ok_or(OrderError::IdentityRequired)?;
        let phone = self
            .orgs
            .phone_of(owner.account_id())
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?;
        if phone != member.phone || mine.0 != member.name || mine.1 != member.id_number_lookup {
            return Err(OrderError::NotTheHolder);
        }
        let (org_name, credit_code) = self
            .orgs
            .name_and_code(org_id)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?;
        Ok(match kind {
            EntitlementKind::Organization => (
                SubjectName {
                    country: Some("CN".into()),
                    organization: Some(org_name),
                    organization_identifier: Some(credit_code),
                    common_name: Some(member.name),
                    ..Default::default()
                },
                Profile::OrganizationLeaf,
            ),
            EntitlementKind::Personal => {
                // A personal certificate names its owner, so only the owner may hold its key:
                // the holder's verified identity must be the owner's.
                if slot.owner_id_lookup.as_deref() != Some(mine.1.as_str())
                    || slot.owner_name.as_deref() != Some(mine.0.as_str())
                {
                    return Err(OrderError::NotTheOwner);
                }
                let sealed = slot
                    .owner_id_sealed
                    .as_deref()
                    .ok_or(OrderError::OwnerRequired)?;
                let number = self
                    .identities
                    .open_number(&format!("slot:{entitlement_id}"), sealed)
                    .map_err(|e| OrderError::Internal(e.to_string()))?;
                (
                    SubjectName {
                        country: Some("CN".into()),
                        organization: Some(org_name),
                        common_name: slot.owner_name.clone(),
                        serial_number: Some(self.identities.subject_id(&number)),
                        ..Default::default()
                    },
                    Profile::PersonalLeaf,
                )
            }
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
        // The lost phone carries the encryption key too: its certificate goes with the signing
        // one, so platforms stop sealing to it; the escrow still opens bids sealed before, and
        // the next certificate of the slot gets a fresh encryption key.
        let reason = mcert_core::crypto::revocation::RevocationReason::KeyCompromise;
        let actor = owner.actor().audit_name();
        let mut tx = self.store.begin().await?;
        self.authority
            .revoke_in(&mut tx, serial, reason, &actor)
            .await?;
        let pair =
            crate::keys::repo::pair_of(&mut *tx, &serial.trim().to_ascii_uppercase()).await?;
        if let Some(enc) = pair {
            match self
                .authority
                .revoke_in(&mut tx, &enc, reason, &actor)
                .await
            {
                Ok(()) | Err(crate::authority::AuthorityError::AlreadyRevoked(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Refuses a CSR whose key is not the key of the slot's current certificate.
    async fn ensure_current_key(&self, entitlement_id: &str, csr: &[u8]) -> Result<(), OrderError> {
        let (_, current) = self.current_key(entitlement_id).await?;
        if requested_key(csr)? != current {
            return Err(OrderError::NotTheCurrentKey);
        }
        Ok(())
    }

    /// The serial and the public key of the slot's current certificate.
    pub(super) async fn current_key(
        &self,
        entitlement_id: &str,
    ) -> Result<(String, mcert_core::crypto::PublicKey), OrderError> {
        let serial: Option<String> =
            sqlx::query_scalar("SELECT certificate_serial FROM entitlements WHERE id = $1")
                .bind(entitlement_id)
                .fetch_optional(self.store.pool())
                .await?
                .flatten();
        let serial = serial.ok_or(OrderError::NotInstallable("assigned".into()))?;
        let mut conn = self.store.pool().acquire().await?;
        let (_, der) = crate::ca::repo::issuer_and_der(&mut conn, &serial)
            .await?
            .ok_or(OrderError::UnknownCertificate)?;
        let internal = |e: mcert_core::crypto::Error| OrderError::Internal(e.to_string());
        let key = x509::certificate_public_key(&x509::parse_certificate(&der).map_err(internal)?)
            .map_err(internal)?;
        Ok((serial, key))
    }

    /// The entitlements the account holds.
    pub(super) async fn held_entitlements(
        &self,
        owner: &OwnAccount,
    ) -> Result<Vec<String>, OrderError> {
        Ok(repo::held_by(self.store.pool(), owner.account_id()).await?)
    }

    /// Refuses (as unknown) a certificate the account does not hold.
    pub async fn ensure_holder(&self, owner: &OwnAccount, serial: &str) -> Result<(), OrderError> {
        let held = self
            .held_certificates(owner)
            .await?
            .iter()
            .any(|c| c.serial.eq_ignore_ascii_case(serial));
        if !held {
            return Err(OrderError::UnknownCertificate);
        }
        Ok(())
    }

    /// The certificates of the slots the account holds. Of an organisation's slot only the
    /// current certificate is the holder's: a previous holder's (revoked) one is not shown to
    /// the next holder, nor reported lost by them.
    async fn held_certificates(
        &self,
        owner: &OwnAccount,
    ) -> Result<Vec<crate::ca::repo::HeldCertificate>, OrderError> {
        let ids = self.held_entitlements(owner).await?;
        let mut current_of_org_slot = std::collections::HashMap::new();
        for id in &ids {
            let row: Option<(Option<String>, Option<String>)> =
                sqlx::query_as("SELECT org_id, certificate_serial FROM entitlements WHERE id = $1")
                    .bind(id)
                    .fetch_optional(self.store.pool())
                    .await?;
            if let Some((Some(_), serial)) = row {
                current_of_org_slot.insert(id.clone(), serial);
            }
        }
        let mut rows = self.authority.certificates_of_entitlements(&ids).await?;
        rows.retain(|c| match current_of_org_slot.get(&c.entitlement_id) {
            Some(current) => current.as_deref() == Some(c.serial.as_str()),
            None => true,
        });
        Ok(rows)
    }

    /// The certificates the account holds.
    pub async fn certificates(
        &self,
        owner: &OwnAccount,
    ) -> Result<Vec<CertificateView>, OrderError> {
        let now = unix_millis(self.clock.now());
        let rows = self.held_certificates(owner).await?;
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
            let encryption_serial =
                crate::keys::repo::pair_of(self.store.pool(), &r.serial).await?;
            out.push(CertificateView {
                encryption_serial,
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

/// The key a device's CSR asks to certify (its self-signature checked).
pub(super) fn requested_key(csr: &[u8]) -> Result<mcert_core::crypto::PublicKey, OrderError> {
    let (_, key) = mcert_core::crypto::csr::verify(csr)
        .map_err(|e| OrderError::Authority(crate::authority::AuthorityError::BadRequest(e)))?;
    Ok(key)
}
