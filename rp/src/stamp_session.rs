//! The platform's side of a whole stamp session: for each place it asks, wait for the phone's
//! pick, prepare the PDF (over the file with the stamps before it embedded), send that place's
//! digest, wait for the stamp and embed it.

use std::time::{Duration, SystemTime};

use mcert_core::wire::StampRequest;

use crate::client::{RpClient, RpError};
use crate::stamp::{embed_stamp, prepare_stamp};

impl RpClient {
    /// Stamps `pdf` through the session `session_id` created with `request`: every place in
    /// turn, each waited for at most `per_place`. Returns the stamped PDF (not yet verified:
    /// see `verify_pdf_status`).
    pub async fn stamp_document(
        &self,
        session_id: &str,
        request: &StampRequest,
        pdf: &[u8],
        per_place: Duration,
    ) -> Result<Vec<u8>, RpError> {
        let before = mcert_pdf::signatures(pdf).map_or(0, |s| s.len());
        let mut file = pdf.to_vec();
        for place in 0..request.place_count() {
            let status = self.wait_for_seal(session_id, per_place).await?;
            let choice = status
                .stamp
                .ok_or_else(|| RpError::Decode(format!("the session ended ({})", status.status)))?;
            let stamp = prepare_stamp(
                &file,
                request,
                &choice,
                &format!("mcert-stamp-{}", before + place + 1),
                &mcert_core::clock::rfc3339(SystemTime::now()),
            )?;
            self.send_stamp_digest(session_id, &stamp).await?;
            let made = self
                .wait_for_stamp(session_id, choice.place, per_place)
                .await?;
            file = embed_stamp(stamp, &made)?;
        }
        Ok(file)
    }
}
