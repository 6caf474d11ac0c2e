//! The files a seal is made of besides its picture: for a certificate of SM2 the GB/T 38540
//! seal made by the service's SM2 seal maker, for P-256 the P-256 seal maker's binding (see
//! `mcert_core::crypto::seal_binding`). Claimed seals, grants and personal signatures all come
//! through here.

use super::{SealError, SealFace, SealFiles, SealKind, Seals, internal, repo};

impl Seals {
    /// What a seal bound to `certificate` (DER) is made of besides its picture: for an SM2
    /// certificate the GB/T 38540 seal `es_id` of `row`'s picture and name, for a P-256 one the
    /// P-256 seal maker's binding; valid from `now` to `not_after`.
    pub(crate) fn make_files(
        &self,
        row: &repo::SealRow,
        es_id: &str,
        picture: &[u8],
        certificate: &[u8],
        not_after: i64,
        now: std::time::SystemTime,
    ) -> Result<SealFiles, SealError> {
        let kind = SealKind::parse(&row.kind).ok_or(SealError::BadKind)?;
        let face = SealFace {
            seal_type: kind.es_type(),
            kind: &row.kind,
            name: &row.name,
            width_mm: row.width_mm,
            height_mm: row.height_mm,
            picture,
        };
        self.make_seal_files(&face, es_id, certificate, not_after, now)
    }

    /// The GB/T 38540 seal (SM2) or the binding (P-256) of `face` for `certificate`.
    pub(crate) fn make_seal_files(
        &self,
        face: &SealFace<'_>,
        es_id: &str,
        certificate: &[u8],
        not_after: i64,
        now: std::time::SystemTime,
    ) -> Result<SealFiles, SealError> {
        use mcert_core::crypto::{Algorithm, x509};
        let cert = x509::parse_certificate(certificate).map_err(internal)?;
        let alg = x509::certificate_public_key(&cert)
            .map_err(internal)?
            .algorithm();
        Ok(match alg {
            Algorithm::Sm2 => SealFiles {
                der: self.make_seal_der(face, es_id, certificate, not_after, now)?,
                binding: None,
            },
            Algorithm::P256 => SealFiles {
                der: None,
                binding: self.make_binding(face, es_id, certificate, not_after, now)?,
            },
        })
    }

    /// The P-256 seal maker's binding of `face` (seal `es_id`) to the P-256 `certificate`
    /// (DER), valid from `now` to `not_after`; `None` when no maker runs.
    fn make_binding(
        &self,
        face: &SealFace<'_>,
        es_id: &str,
        certificate: &[u8],
        not_after: i64,
        now: std::time::SystemTime,
    ) -> Result<Option<Vec<u8>>, SealError> {
        use mcert_core::crypto::{Algorithm, seal_binding};
        let Some(maker) = &self.p256_maker else {
            return Ok(None);
        };
        let issuing = self
            .authority
            .hierarchy(Algorithm::P256)
            .map_err(internal)?
            .issuing
            .clone();
        let der = seal_binding::make_binding(
            &maker.key,
            &maker.parsed,
            &[issuing],
            &seal_binding::BindingSpec {
                seal_id: es_id,
                kind: face.kind,
                name: face.name,
                certificate,
                picture: face.picture,
                valid_from: now,
                valid_to: mcert_core::clock::from_unix_millis(not_after),
            },
            now,
        )
        .map_err(internal)?;
        Ok(Some(der))
    }

    /// The GB/T 38540 seal `es_id` showing `face` and binding the SM2 `certificate` (DER),
    /// valid from `now` to `not_after`, made by the SM2 seal maker; `None` when no maker runs.
    fn make_seal_der(
        &self,
        face: &SealFace<'_>,
        es_id: &str,
        certificate: &[u8],
        not_after: i64,
        now: std::time::SystemTime,
    ) -> Result<Option<Vec<u8>>, SealError> {
        let Some(maker) = &self.maker else {
            return Ok(None);
        };
        let certificates = [certificate.to_vec()];
        let made = mcert_core::crypto::seal::make_seal(
            &maker.key,
            &maker.certificate,
            &mcert_core::crypto::seal::SealSpec {
                es_id,
                seal_type: face.seal_type,
                name: face.name,
                bound_certificates: &certificates,
                bind_by: mcert_core::crypto::seal::BindBy::Certificates,
                valid_from: now,
                valid_to: mcert_core::clock::from_unix_millis(not_after),
                picture_type: "png",
                picture: face.picture,
                width_mm: face.width_mm,
                height_mm: face.height_mm,
                created: now,
            },
        )
        .map_err(internal)?;
        Ok(Some(made.to_der().to_vec()))
    }
}
