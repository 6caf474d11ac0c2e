//! A scan waiting for the user's answer.

use mcert_core::device::flows;

use crate::*;

/// A scanned session on the confirm screen.
#[derive(Debug, uniffi::Object)]
pub struct PendingScan {
    pub(crate) inner: flows::PendingScan,
}

#[uniffi::export]
impl PendingScan {
    /// What the confirm screen shows.
    pub fn view(&self) -> ScanView {
        let s = &self.inner.session;
        ScanView {
            session_id: s.session_id.clone(),
            platform_name: s.platform.name.clone(),
            platform_logo_url: s.platform.logo_url.clone(),
            kind: s.kind.into(),
            operation: s.operation.clone(),
            project: s.display.project.clone(),
            lot: s.display.lot.clone(),
            document_name: s.display.document_name.clone(),
            verification_code: s.verification_code.clone(),
            expires_at: s.expires_at.clone(),
            opening_at: s.opening_at.clone(),
            choices: self
                .inner
                .choices
                .iter()
                .map(|c| CertificateChoice {
                    serial: c.serial.clone(),
                    subject: c.subject.clone(),
                    algorithm: c.algorithm.into(),
                    not_after: mcert_core::clock::rfc3339(c.not_after),
                    expires_before_opening: c.expires_before_opening,
                })
                .collect(),
            stamp: s.stamp.as_ref().map(|st| StampInfo {
                page_count: st.request.page_count,
                page: st.request.page,
                rect: st.request.rect.to_vec(),
                cross_page: st.request.cross_page,
                places: (0..st.request.place_count())
                    .filter_map(|i| st.request.place(i))
                    .map(|p| StampPlaceInfo {
                        page: p.page,
                        rect: p.rect.to_vec(),
                        seal_kinds: p.seal_kinds,
                    })
                    .collect(),
                // Only seals whose certificate is on this phone can stamp here.
                seals: st
                    .seals
                    .iter()
                    .filter(|seal| {
                        self.inner
                            .choices
                            .iter()
                            .any(|c| c.serial.eq_ignore_ascii_case(&seal.certificate_serial))
                    })
                    .map(|seal| StampSealChoice {
                        id: seal.id.clone(),
                        kind: seal.kind.clone(),
                        kind_label: seal.kind_label.clone(),
                        name: seal.name.clone(),
                        certificate_serial: seal.certificate_serial.clone(),
                        limits: seal.limits.clone(),
                        approval_required: seal.approval_required,
                    })
                    .collect(),
            }),
        }
    }
}
