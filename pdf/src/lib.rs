//! mcert PDF rendering: documents with Chinese text in an embedded CJK font subset.
//!
//! [`Font`] loads a TrueType/OpenType font (or one face of a collection) or finds the system's
//! CJK font; [`Page`] lays out text, wrapped CJK paragraphs, rules and boxes; [`Document`]
//! renders pages into a PDF that embeds only the glyphs used (a CID-keyed Type0 font with
//! `Identity-H` encoding and a `ToUnicode` map, so text extracts correctly).
//! [`authorisation_letter`] renders the CA authorisation letter (数字证书申请授权书);
//! [`invoice`] the fully digital e-invoice (数电票, 电子发票（普通发票）); [`name_seal_png`] a
//! person's automatically generated name seal (姓名章) from the font's glyph outlines.
//!
//! Stamping (签章): [`prepare`] appends a visible seal and an empty PDF signature to any PDF as
//! an incremental update, [`embed`] writes the detached CMS into it, and [`signatures`] reads
//! the signatures of a file back (byte ranges, CMS, field, page, what changed afterwards). A
//! small reader of its own reads exactly what this needs and never rewrites a file.

#![forbid(unsafe_code)]

mod error;
mod font;
mod invoice;
mod layout;
mod letter;
mod name_seal;
mod parse;
mod stamp;
mod writer;

pub use error::PdfError;
pub use font::Font;
pub use invoice::{InvoiceDoc, InvoiceLine, InvoiceParty, amount_in_capitals, invoice, yuan};
pub use layout::{
    A4_HEIGHT, A4_WIDTH, MAX_SPACING, Page, Stroke, TextBlock, mm, stretch_gaps, wrap, wrap_by,
};
pub use letter::{LetterFields, authorisation_letter};
pub use name_seal::{MAX_NAME_CHARS, SEAL_RED, name_seal_alpha, name_seal_png};
pub use stamp::{
    ChangesAfter, MAX_CONTENTS_LEN, Prepared, SignatureInfo, StampPlacement, SubFilter, embed,
    page_count, prepare, signatures, signed_revision,
};
pub use writer::Document;
