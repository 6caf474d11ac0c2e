//! The service's own messages (`service/i18n/*.ftl`).

use std::sync::LazyLock;

use mcert_core::i18n::{Catalog, Locale};

pub use fluent_bundle::FluentValue;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::new(
        include_str!("../i18n/zh-CN.ftl"),
        include_str!("../i18n/en.ftl"),
    )
});

/// A service message.
pub fn message(locale: Locale, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    CATALOG.message(locale, id, args)
}

#[cfg(test)]
mod tests {
    use mcert_core::i18n::message_ids;

    #[test]
    fn both_languages_have_the_same_messages() {
        assert_eq!(
            message_ids(include_str!("../i18n/zh-CN.ftl")),
            message_ids(include_str!("../i18n/en.ftl"))
        );
    }
}
