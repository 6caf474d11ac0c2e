//! The one error type of this crate.

use std::path::PathBuf;

/// What can go wrong while loading a font or rendering a PDF.
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
        }
    }
}
