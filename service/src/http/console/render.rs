//! The console's pages: minijinja templates embedded at compile time
//! (`service/templates/console/`), HTML autoescaping on for every template, and the texts of
//! the Fluent files through `t(id, name=value…)`.

use std::sync::LazyLock;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mcert_core::i18n::Locale;
use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::i18n::{FluentValue, message};

/// The console speaks zh-CN (English texts are in the Fluent files for the other tools).
pub const LOCALE: Locale = Locale::ZhCn;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../../templates/console/base.html"),
    ),
    (
        "login.html",
        include_str!("../../../templates/console/login.html"),
    ),
    (
        "queue.html",
        include_str!("../../../templates/console/queue.html"),
    ),
    (
        "item.html",
        include_str!("../../../templates/console/item.html"),
    ),
    (
        "transfers.html",
        include_str!("../../../templates/console/transfers.html"),
    ),
    (
        "revocations.html",
        include_str!("../../../templates/console/revocations.html"),
    ),
    (
        "recoveries.html",
        include_str!("../../../templates/console/recoveries.html"),
    ),
    (
        "message.html",
        include_str!("../../../templates/console/message.html"),
    ),
];

/// The console's style sheet (served from `/console/static/console.css`: the CSP allows no
/// inline style).
pub const STYLE: &str = include_str!("../../../templates/console/console.css");

/// A Fluent text: `t("console-login-title")`, `t("console-decided", who=name)`. A missing id
/// shows as itself (a fact label the review domain names but the files lack).
fn t(id: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let mut args: Vec<(String, String)> = Vec::new();
    for key in kwargs.args() {
        let v: Value = kwargs.get(key)?;
        let text = match v.as_str() {
            Some(s) => s.to_string(),
            None => v.to_string(),
        };
        args.push((key.to_string(), text));
    }
    let fluent: Vec<(&str, FluentValue<'_>)> = args
        .iter()
        .map(|(k, v)| (k.as_str(), FluentValue::from(v.as_str())))
        .collect();
    Ok(message(LOCALE, id, &fluent))
}

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    for (name, source) in TEMPLATES {
        if let Err(e) = env.add_template(name, source) {
            // The unit test below renders every template, so this does not ship.
            tracing::error!(template = name, error = %e, "console template does not parse");
        }
    }
    env.add_function("t", t);
    env
});

/// Renders a page; a template error is logged and answered with a plain 500.
pub fn page(status: StatusCode, template: &str, ctx: Value) -> Response {
    let rendered = ENV.get_template(template).and_then(|tpl| tpl.render(ctx));
    match rendered {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(template, error = %e, "console template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                message(LOCALE, "console-error-internal", &[]),
            )
                .into_response()
        }
    }
}

/// Beijing time (UTC+8, no daylight saving) of Unix milliseconds: `2026-12-02 10:15:00`.
pub fn beijing(ms: i64) -> String {
    let t = mcert_core::clock::from_unix_millis(ms.saturating_add(8 * 3_600_000));
    let text = mcert_core::clock::rfc3339(t);
    text.trim_end_matches('Z').replacen('T', " ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn beijing_time_is_utc_plus_eight() {
        // 2026-01-01T00:00:00Z
        assert_eq!(beijing(1_767_225_600_000), "2026-01-01 08:00:00");
        assert_eq!(
            beijing(1_767_225_600_000 - 9 * 3_600_000),
            "2025-12-31 23:00:00"
        );
    }

    #[test]
    fn every_template_renders_and_escapes() {
        let html = ENV
            .get_template("message.html")
            .and_then(|t| {
                t.render(context! {
                    title => "<b>x</b>", text => "<script>alert(1)</script>",
                    reviewer => Value::UNDEFINED, csrf => "", back => "/console/queue",
                })
            })
            .expect("render");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        for (name, _) in TEMPLATES {
            assert!(ENV.get_template(name).is_ok(), "{name}");
        }
    }
}
