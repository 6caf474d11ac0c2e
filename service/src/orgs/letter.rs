//! The CA authorisation letter template (数字证书申请授权书) as a PDF, filled with the
//! organisation and the applicant, for printing, stamping (公章) and signing (法定代表人签字).

use std::sync::Arc;

use mcert_core::clock::unix_millis;

use super::{OrgError, Orgs};
use crate::authz::OrgAdmin;
use crate::documents::{beijing_date, cjk_font};

fn font() -> Result<Arc<mcert_pdf::Font>, OrgError> {
    cjk_font().map_err(OrgError::LetterUnavailable)
}

impl Orgs {
    /// The filled-in letter for an admin of the organisation.
    pub async fn letter_pdf(&self, admin: &OrgAdmin) -> Result<Vec<u8>, OrgError> {
        let facts = self.letter_facts(admin).await?;
        let font = font()?;
        let fields = mcert_pdf::LetterFields {
            organisation: facts.organisation,
            credit_code: facts.credit_code,
            legal_rep: facts.legal_rep,
            applicant: facts.applicant,
            applicant_id_masked: facts.applicant_id_masked,
            applicant_phone_masked: facts.applicant_phone_masked,
            date: beijing_date(unix_millis(self.clock.now())),
        };
        // Rendering is CPU work (subsetting the font): off the async threads.
        tokio::task::spawn_blocking(move || mcert_pdf::authorisation_letter(&font, &fields))
            .await
            .map_err(|e| OrgError::Internal(e.to_string()))?
            .map_err(|e| OrgError::LetterUnavailable(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_beijing_dates() {
        // 2026-12-01T20:00:00Z is 2026-12-02 04:00 in Beijing.
        assert_eq!(super::beijing_date(1_796_155_200_000), "2026年12月02日");
    }
}
