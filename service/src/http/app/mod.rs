//! The phone's API: SMS login and the account, real-name verification, the catalogue,
//! orders and payment, entitlements and certificates (挂失 included).

pub mod auth;
pub mod billing;
pub mod commerce;
pub mod identity;
pub mod life;
pub mod orgs;
pub mod seals;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use mcert_core::wire::routes;

use super::AppState;

/// A file for its owner (a PDF, a picture, a seal), never cached; `disposition` names it.
pub(super) fn file(
    content_type: &'static str,
    disposition: Option<String>,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(d) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
        headers.insert(header::CONTENT_DISPOSITION, d);
    }
    response
}

/// The phone API's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::SMS_CODE, post(auth::sms_code))
        .route(routes::LOGIN, post(auth::login))
        .route(routes::LOGOUT, post(auth::logout))
        .route(routes::ME, get(auth::me))
        .route(routes::ME_PLATFORM, put(auth::choose_platform))
        .route(routes::PLATFORMS, get(auth::platforms))
        .route(routes::DEV_SMS_OUTBOX, get(auth::dev_outbox))
        .route(routes::DEV_CLOCK, post(auth::dev_clock))
        .route(routes::IDENTITY, get(identity::get))
        .route(routes::IDENTITY_VERIFY, post(identity::verify))
        .route(routes::CATALOG, get(billing::catalogue))
        .route(routes::ORDERS, get(billing::list).post(billing::create))
        .route(routes::ORDER, get(billing::get))
        .route(routes::ORDER_PAY, post(billing::pay))
        .route(routes::ORDER_CANCEL, post(billing::cancel))
        .route(routes::PAYMENT_NOTIFY, post(billing::notify))
        .route(routes::ENTITLEMENTS, get(billing::entitlements))
        .route(routes::ENTITLEMENT_INSTALL, post(billing::install))
        .route(routes::ENTITLEMENT_REISSUE, post(billing::reissue))
        .route(routes::ENTITLEMENT_RENEWAL, post(life::start_renewal))
        .route(routes::ENTITLEMENT_RENEW, post(life::renew))
        .route(routes::ENTITLEMENT_MIGRATIONS, post(life::start_migration))
        .route(routes::MIGRATION, get(life::migration))
        .route(routes::MIGRATION_REQUEST, post(life::request_migration))
        .route(routes::MIGRATION_APPROVE, post(life::approve_migration))
        .route(routes::MIGRATION_CANCEL, post(life::cancel_migration))
        .route(routes::CERTIFICATES, get(billing::certificates))
        .route(routes::CERTIFICATE_REPORT_LOST, post(billing::report_lost))
        .route(routes::ORGS, get(orgs::list).post(orgs::register))
        .route(routes::ORG, get(orgs::get))
        .route(routes::ORG_AUTH_FACE, post(orgs::authorise_by_face))
        .route(routes::ORG_AUTH_LETTER, post(orgs::submit_letter))
        .route(routes::ORG_AUTH_TEMPLATE, get(orgs::letter_template))
        .route(
            routes::ORG_MEMBERS,
            get(orgs::members).post(orgs::add_member),
        )
        .route(
            routes::ORG_MEMBER,
            axum::routing::delete(orgs::remove_member),
        )
        .route(routes::ORG_MEMBER_ROLE, put(orgs::change_role))
        .route(routes::ORG_ORDERS, get(orgs::orders))
        .route(routes::ORDER_RESUBMIT, post(orgs::resubmit))
        .route(routes::ORG_CHANGES, post(orgs::request_change))
        .route(routes::ORG_CERTIFICATES, get(orgs::certificates))
        .route(routes::ORG_CERT_OWNER, put(orgs::set_owner))
        .route(routes::ORG_CERT_HOLDER, put(orgs::set_holder))
        .route(routes::ORG_USAGE, get(orgs::usage))
        .route(routes::SIGNATURE_NOTICE, get(seals::signature_notice))
        .route(
            routes::SIGNATURES,
            get(seals::signatures).post(seals::make_signature),
        )
        .route(routes::SIGNATURE_PICTURE, get(seals::signature_picture))
        .route(routes::SIGNATURE_DRAWN, post(seals::draw_signature))
        .route(routes::SIGNATURE_SUBMIT, post(seals::submit_signature))
        .route(routes::ORG_SEALS, get(seals::list).post(seals::apply))
        .route(routes::ORG_SEAL, get(seals::get))
        .route(routes::ORG_SEAL_PICTURE, get(seals::picture))
        .route(routes::ORG_SEAL_SUBMIT, post(seals::submit))
        .route(routes::ORG_SEAL_CLAIM, post(seals::claim))
        .route(routes::ORG_SEAL_DER, get(seals::seal_der))
        .route(
            routes::ORG_SEAL_GRANTS,
            get(seals::grants).post(seals::grant),
        )
        .route(routes::ORG_SEAL_GRANT_REVOKE, post(seals::revoke_grant))
        .route(routes::ORG_SEAL_APPROVALS, get(seals::approvals))
        .route(routes::ORG_SEAL_APPROVAL_APPROVE, post(seals::approve_use))
        .route(routes::ORG_SEAL_APPROVAL_REFUSE, post(seals::refuse_use))
        .route(routes::ORDER_CHANGE, post(commerce::change))
        .route(routes::ORDER_TRANSFER, post(commerce::transfer))
        .route(routes::ORDER_INVOICE, post(commerce::request_invoice))
        .route(routes::BANK_NOTIFY, post(commerce::bank_notify))
        .route(routes::DEV_BANK_TRANSFER, post(commerce::dev_bank_transfer))
        .route(routes::INVOICES, get(commerce::invoices))
        .route(routes::INVOICE_PDF, get(commerce::invoice_pdf))
        .route(routes::INVOICE_SHARE, post(commerce::share_invoice))
        .route(routes::SHARED_INVOICE, get(commerce::shared_invoice))
        .route(
            routes::BILLING_PROFILES,
            get(commerce::billing_profiles).post(commerce::add_billing_profile),
        )
        .route(
            routes::BILLING_PROFILE,
            put(commerce::update_billing_profile).delete(commerce::delete_billing_profile),
        )
        .route(
            routes::PAYER_ACCOUNTS,
            get(commerce::payer_accounts).post(commerce::add_payer_account),
        )
        .route(
            routes::PAYER_ACCOUNT,
            axum::routing::delete(commerce::delete_payer_account),
        )
}

/// Uploads of materials and signature photos: bodies up to [`crate::uploads::MAX_UPLOAD`].
pub fn upload_router() -> Router<AppState> {
    Router::new()
        .route(routes::ORG_UPLOADS, post(orgs::upload))
        .route(routes::SIGNATURE_PHOTO, post(seals::photo_signature))
        // A larger body fails reading it, which the handler answers as "file too large".
        .layer(DefaultBodyLimit::max(crate::uploads::MAX_UPLOAD))
}
