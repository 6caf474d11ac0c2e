//! Stamping (签章) on the PDF side: a visible seal and a PDF signature per stamp, each as an
//! incremental update that leaves the original bytes untouched, and reading signatures back.
//!
//! The flow: [`prepare`] → sign [`Prepared::sha256`] (P-256) or [`Prepared::digest_with`]
//! (SM3) as a detached CMS elsewhere → [`embed`]. Several stamps are several rounds, each on the
//! previous round's output. [`signatures`] lists what a file holds, with what was changed after
//! each signature.

mod form;
mod image;
mod inspect;
mod prepare;
mod update;

pub use inspect::{ChangesAfter, SignatureInfo, page_count, signatures, signed_revision};
pub use prepare::{MAX_CONTENTS_LEN, Prepared, StampPlacement, SubFilter, embed, prepare};
