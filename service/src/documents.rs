//! What the service's PDF documents (the authorisation letter, invoices) share: the CJK font,
//! loaded once per process, and dates as Chinese documents print them.

use std::sync::{Arc, OnceLock};

/// The CJK font, loaded once per process (a system font; `MCERT_CJK_FONT` names another).
pub(crate) fn cjk_font() -> Result<Arc<mcert_pdf::Font>, String> {
    static FONT: OnceLock<Result<Arc<mcert_pdf::Font>, String>> = OnceLock::new();
    FONT.get_or_init(|| {
        mcert_pdf::Font::system_cjk()
            .map(Arc::new)
            .map_err(|e| e.to_string())
    })
    .clone()
}

/// `2026年12月02日` in Beijing time.
pub(crate) fn beijing_date(now_ms: i64) -> String {
    let text = mcert_core::clock::rfc3339(mcert_core::clock::from_unix_millis(
        now_ms + 8 * 3600 * 1000,
    ));
    let (y, rest) = text.split_at(4);
    format!("{y}年{}月{}日", &rest[1..3], &rest[4..6])
}
