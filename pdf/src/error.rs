//! The one error type of this crate.

use std::path::PathBuf;

/// What can go wrong while loading a font, rendering a PDF, or reading, stamping and inspecting one.
///
/// The messages are for logs and operators; user-facing text is looked up from
/// [`PdfError::code`] in the caller's Fluent files.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A font file could not be read from disk.
    #[error("cannot read font file {}: {source}", path.display())]
    FontFile {
        /// The file that was tried.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes are not a TrueType/OpenType font or collection that can be parsed.
    #[error("font data is unreadable: {0}")]
    FontUnreadable(String),
    /// The font collection has no face with the requested index.
    #[error("font face {index} not found: the data holds {faces} face(s)")]
    FaceNotFound {
        /// The index asked for.
        index: u32,
        /// How many faces the data holds.
        faces: u32,
    },
    /// `MCERT_CJK_FONT` is set but cannot be understood.
    #[error("MCERT_CJK_FONT={value:?} is not `path` or `path#index`")]
    BadFontEnv {
        /// The variable's value.
        value: String,
    },
    /// No usable CJK font was found on this system.
    #[error("no CJK font found; set MCERT_CJK_FONT (tried: {})", tried.join(", "))]
    NoSystemFont {
        /// Every place that was looked at, with why it did not do.
        tried: Vec<String>,
    },
    /// The font has no glyph for a character of the text.
    #[error("font {font:?} has no glyph for {ch:?} (U+{:04X})", u32::from(*.ch))]
    MissingGlyph {
        /// The character without a glyph.
        ch: char,
        /// The font's family name.
        font: String,
    },
    /// The font uses outlines the subsetter cannot handle (for example CFF2).
    #[error("font {font:?} cannot be subset: {reason}")]
    Subset {
        /// The font's family name.
        font: String,
        /// What the subsetter reported.
        reason: String,
    },
    /// A layout parameter is out of range (a negative or non-finite size or width).
    #[error("invalid layout value: {0}")]
    Layout(String),
    /// The document's data is inconsistent (an invoice without lines, totals that do not add up).
    #[error("invalid document: {0}")]
    Invalid(&'static str),
    /// The bytes given as a PDF do not start with a PDF header.
    #[error("not a PDF: {0}")]
    NotPdf(&'static str),
    /// A PDF object could not be read at a byte offset.
    #[error("PDF syntax error at byte {offset}: {what}")]
    Syntax {
        /// Where in the file.
        offset: usize,
        /// What was expected or found.
        what: String,
    },
    /// The cross-reference data (`startxref`, tables, streams, `/Prev` chain) is broken.
    #[error("PDF cross-reference: {0}")]
    Xref(String),
    /// The document structure (catalog, page tree, form, objects) is not as PDF requires.
    #[error("PDF structure: {0}")]
    Structure(String),
    /// The PDF uses a feature this crate does not handle (encryption, an unusual filter).
    #[error("unsupported PDF: {0}")]
    Unsupported(String),
    /// The stamp's page does not exist.
    #[error("page {page} does not exist: the document has {pages} page(s)")]
    PageOutOfRange {
        /// The 1-based page asked for.
        page: u32,
        /// How many pages the document has.
        pages: u32,
    },
    /// The stamp cannot be placed (rectangle, picture, field name, signing time, sizes).
    #[error("invalid stamp: {0}")]
    Stamp(String),
    /// The document already has a form field of the stamp's name.
    #[error("the document already has a form field named {0:?}")]
    FieldExists(String),
    /// The signature does not fit the space reserved for it in `/Contents`.
    #[error("the signature is {len} bytes but only {capacity} were reserved")]
    ContentsTooLarge {
        /// The CMS blob's length.
        len: usize,
        /// The bytes reserved by `prepare`.
        capacity: usize,
    },
    /// The bytes handed to `embed` are not a prepared PDF with an empty signature placeholder.
    #[error("not a prepared PDF: {0}")]
    NotPrepared(&'static str),
    /// A signature field's value cannot be read.
    #[error("signature field {field:?}: {what}")]
    Signature {
        /// The field's full name.
        field: String,
        /// What is wrong with it.
        what: String,
    },
}

impl PdfError {
    /// A stable snake_case code for the error, as the HTTP API's `{code, message}` wants.
    pub fn code(&self) -> &'static str {
        match self {
            PdfError::FontFile { .. } => "pdf_font_file",
            PdfError::FontUnreadable(_) => "pdf_font_unreadable",
            PdfError::FaceNotFound { .. } => "pdf_font_face_not_found",
            PdfError::BadFontEnv { .. } => "pdf_font_env",
            PdfError::NoSystemFont { .. } => "pdf_no_cjk_font",
            PdfError::MissingGlyph { .. } => "pdf_missing_glyph",
            PdfError::Subset { .. } => "pdf_font_subset",
            PdfError::Layout(_) => "pdf_layout",
            PdfError::Invalid(_) => "pdf_invalid",
            PdfError::NotPdf(_) => "pdf_not_pdf",
            PdfError::Syntax { .. } => "pdf_syntax",
            PdfError::Xref(_) => "pdf_xref",
            PdfError::Structure(_) => "pdf_structure",
            PdfError::Unsupported(_) => "pdf_unsupported",
            PdfError::PageOutOfRange { .. } => "pdf_page_out_of_range",
            PdfError::Stamp(_) => "pdf_stamp_invalid",
            PdfError::FieldExists(_) => "pdf_field_exists",
            PdfError::ContentsTooLarge { .. } => "pdf_signature_too_large",
            PdfError::NotPrepared(_) => "pdf_not_prepared",
            PdfError::Signature { .. } => "pdf_signature_field",
        }
    }
}
